// Options an enum with data cannot have, each reported on its word.
use hpy::hpy_class;

#[hpy_class(subclass, dict)]
enum Shape {
    Circle { r: f64 },
}

fn main() {}
