// `__bool__` returns a `bool`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Flag {
    on: i32,
}

#[hpy_methods]
impl Flag {
    fn __bool__(&self) -> i32 {
        self.on
    }
}

fn main() {}
