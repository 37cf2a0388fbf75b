// `hash` without `eq` would hash by value but compare by identity.
use hpy::hpy_class;

#[derive(Hash)]
#[hpy_class(hash, frozen)]
struct Key {
    n: i64,
}

fn main() {}
