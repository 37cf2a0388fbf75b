// A class attribute is computed once, without arguments.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[classattr]
    fn scaled(k: f64) -> f64 {
        k
    }
}

fn main() {}
