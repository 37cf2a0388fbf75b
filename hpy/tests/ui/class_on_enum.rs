// `#[hpy_class]` goes on a struct.
use hpy::hpy_class;

#[hpy_class]
enum Color {
    Red,
    Green,
}

fn main() {}
