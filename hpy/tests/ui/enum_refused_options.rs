// Options a `#[hpy_class]` enum cannot have, each reported on its word.
use hpy::hpy_class;

#[hpy_class(subclass, eq, hash, weakref, dict)]
enum Color {
    Red,
    Green,
}

fn main() {}
