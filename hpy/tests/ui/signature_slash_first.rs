// `/` closes the positional-only parameters: some must come before it.
use hpy::hpy_method;

#[hpy_method(signature = (/, a))]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
