// Python needs one concrete type.
use hpy::hpy_class;

#[hpy_class]
struct Wrapper<T> {
    value: T,
}

fn main() {}
