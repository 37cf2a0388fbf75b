// A setter takes exactly the new value.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[getter]
    fn x(&self) -> f64 {
        self.x
    }

    #[setter]
    fn set_x(&mut self, x: f64, y: f64) {
        self.x = x + y;
    }
}

fn main() {}
