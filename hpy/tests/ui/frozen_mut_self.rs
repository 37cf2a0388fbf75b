// A `frozen` class cannot be changed, so no method may borrow it mutably.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(frozen)]
struct Counter {
    n: i64,
}

#[hpy_methods]
impl Counter {
    fn bump(&mut self) {
        self.n += 1;
    }
}

fn main() {}
