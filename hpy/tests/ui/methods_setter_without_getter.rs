// A write-only property.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[setter]
    fn set_x(&mut self, x: f64) {
        self.x = x;
    }
}

fn main() {}
