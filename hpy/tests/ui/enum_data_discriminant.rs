// The variants of an enum with data are classes, not numbers.
use hpy::hpy_class;

#[hpy_class]
#[repr(u8)]
enum Shape {
    Circle { r: f64 } = 1,
    Pair(i64, i64) = 2,
}

fn main() {}
