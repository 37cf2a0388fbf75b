// `#[member]` exposes numbers and `bool`; a `String` needs a `#[getter]`.
use hpy::hpy_class;

#[hpy_class]
struct Person {
    #[member]
    name: String,
}

fn main() {}
