// A method without a receiver must say what it is (#[staticmethod]).
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn origin() -> f64 {
        0.0
    }
}

fn main() {}
