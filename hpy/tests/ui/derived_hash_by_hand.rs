// `hash` derives `__hash__`; a hand-written one would be a second.
use hpy::{hpy_class, hpy_methods};

#[derive(PartialEq, Hash)]
#[hpy_class(eq, hash, frozen)]
struct Point {
    x: i64,
}

#[hpy_methods]
impl Point {
    fn __hash__(&self) -> i64 {
        self.x
    }
}

fn main() {}
