// A hash derived from a value that can change would break sets and dicts.
use hpy::hpy_class;

#[derive(PartialEq, Hash)]
#[hpy_class(eq, hash)]
struct Key {
    n: i64,
}

fn main() {}
