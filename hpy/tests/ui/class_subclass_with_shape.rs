// Python subclasses of a builtin-shaped class cannot find the Rust data.
use hpy::hpy_class;

#[hpy_class(shape = "float", subclass)]
#[derive(Default)]
struct Tagged {
    tag: i64,
}

fn main() {}
