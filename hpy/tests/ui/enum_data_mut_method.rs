// The value of an enum with data never changes: no method takes `&mut self`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
enum Shape {
    Circle { r: f64 },
}

#[hpy_methods]
impl Shape {
    fn grow(&mut self) {
        if let Shape::Circle { r } = self {
            *r *= 2.0;
        }
    }
}

fn main() {}
