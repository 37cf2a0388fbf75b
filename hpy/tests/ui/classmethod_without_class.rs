// A class method's first parameter is the class it is called on.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[classmethod]
    fn origin() -> f64 {
        0.0
    }
}

fn main() {}
