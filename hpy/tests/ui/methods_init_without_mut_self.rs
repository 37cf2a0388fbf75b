// An initialiser fills the value in place.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[new]
    fn new() -> Point {
        Point { x: 0.0 }
    }

    #[init]
    fn init(&self, x: f64) {
        let _ = x;
    }
}

fn main() {}
