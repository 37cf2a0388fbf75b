// Python needs one concrete class per enum.
use hpy::hpy_class;

#[hpy_class]
enum Shape<T> {
    Circle { r: T },
    Pair(T, T),
}

fn main() {}
