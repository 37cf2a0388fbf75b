// A #[method] alias that is no Python name.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Set {
    n: i64,
}

#[hpy_methods]
impl Set {
    #[method(alias = "and-also")]
    fn intersection(&self, other: i64) -> i64 {
        self.n & other
    }
}

fn main() {}
