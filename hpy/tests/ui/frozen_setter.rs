// A `frozen` class has no setters.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(frozen)]
struct Counter {
    n: i64,
}

#[hpy_methods]
impl Counter {
    #[getter]
    fn n(&self) -> i64 {
        self.n
    }

    #[setter]
    fn set_n(&self, value: i64) {
        let _ = value;
    }
}

fn main() {}
