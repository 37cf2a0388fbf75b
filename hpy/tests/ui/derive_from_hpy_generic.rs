// The derives take concrete types: the fields must be owned values.
use hpy::FromHPy;

#[derive(FromHPy)]
struct Pair<T> {
    a: T,
    b: T,
}

fn main() {}
