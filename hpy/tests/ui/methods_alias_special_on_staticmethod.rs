// A special method's name as the alias of a static method: a slot needs an
// instance.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Set {
    n: i64,
}

#[hpy_methods]
impl Set {
    #[staticmethod(alias = "__and__")]
    fn both(a: i64, b: i64) -> i64 {
        a & b
    }
}

fn main() {}
