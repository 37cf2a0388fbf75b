// An alias is a Python identifier.
use hpy::hpy_method;

#[hpy_method(alias = "two words")]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
