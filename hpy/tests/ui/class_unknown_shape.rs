// Shapes are the builtin types HPy 0.9 can extend.
use hpy::hpy_class;

#[hpy_class(shape = "dict")]
#[derive(Default)]
struct Point {
    x: f64,
}

fn main() {}
