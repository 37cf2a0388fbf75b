// An enum with data cannot mix in unit variants (as PyO3): each variant is
// a class, and a unit variant would be a value, not a class.
use hpy::hpy_class;

#[hpy_class]
enum Shape {
    Circle(f64),
    Square { side: f64 },
    Empty,
}

fn main() {}
