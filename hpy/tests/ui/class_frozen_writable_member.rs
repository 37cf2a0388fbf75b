// A `frozen` class's value never changes: a writable member would change it.
use hpy::hpy_class;

#[hpy_class(frozen)]
struct Point {
    #[member]
    x: f64,
}

fn main() {}
