// `#[new]` returns the value (`Self`).
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[new]
    fn new(x: f64) -> f64 {
        x
    }
}

fn main() {}
