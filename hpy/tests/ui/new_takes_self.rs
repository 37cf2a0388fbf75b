// `#[new]` makes the value: it has no `self` yet.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[new]
    fn new(&self, x: f64) -> Self {
        Point { x }
    }
}

fn main() {}
