// A class name becomes a C string.
use hpy::hpy_class;

#[hpy_class(name = "a\0b")]
struct Point {
    x: f64,
}

fn main() {}
