// A variant's field must convert to and from Python.
use hpy::hpy_class;

struct Opaque;

#[hpy_class]
enum Shape {
    Circle { r: f64 },
    Blob { inner: Opaque },
}

fn main() {}
