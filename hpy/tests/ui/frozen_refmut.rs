// A `frozen` class cannot be changed, not even through `slf: RefMut`.
use hpy::{hpy_class, hpy_methods, RefMut};

#[hpy_class(frozen)]
struct Counter {
    n: i64,
}

#[hpy_methods]
impl Counter {
    fn bump(mut slf: RefMut<'_, '_, Self>) {
        slf.n += 1;
    }
}

fn main() {}
