// The value stays inside the Python object.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn into_x(self) -> f64 {
        self.x
    }
}

fn main() {}
