// Every field of a variant is readable already: no #[member].
use hpy::hpy_class;

#[hpy_class]
enum Shape {
    Circle {
        #[member]
        r: f64,
    },
}

fn main() {}
