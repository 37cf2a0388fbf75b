//! An enum with data: a struct variant and a tuple variant, `eq`, a
//! method, and the module listing it (its variant classes' globals).
use hpy::{hpy_class, hpy_methods, hpy_module};

/// A shape.
#[derive(Clone, PartialEq)]
#[hpy_class(module = "snapshot", eq)]
enum Shape {
    Circle { r: f64 },
    Pair(i64, i64),
}

#[hpy_methods]
impl Shape {
    fn area(&self) -> f64 {
        match self {
            Shape::Circle { r } => 3.0 * r * r,
            Shape::Pair(..) => 0.0,
        }
    }
}

hpy_module! {
    name: snapshot,
    types: [Shape],
}

fn main() {}
