// A `#[hpy_class]` enum has unit variants only.
use hpy::hpy_class;

#[hpy_class]
enum Shape {
    Circle(f64),
    Square { side: f64 },
    Empty,
}

fn main() {}
