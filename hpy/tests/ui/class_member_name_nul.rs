// A member's Python name becomes a C string.
use hpy::hpy_class;

#[hpy_class]
struct Point {
    #[member(name = "a\0b")]
    x: f64,
}

fn main() {}
