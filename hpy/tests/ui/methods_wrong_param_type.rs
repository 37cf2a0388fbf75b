// A class method's parameter without a conversion from Python.
use hpy::{hpy_class, hpy_methods};

struct Scale(f64);

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn scale(&mut self, by: Scale) {
        self.x *= by.0;
    }
}

fn main() {}
