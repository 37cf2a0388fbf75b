// #[hpy_methods] has no options.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods(subclass)]
impl Point {}

fn main() {}
