// `#[member]` is for a struct's fields.
use hpy::hpy_class;

#[hpy_class]
enum Color {
    #[member]
    Red,
    Green,
}

fn main() {}
