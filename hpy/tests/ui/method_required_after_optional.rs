// Python has no required parameter after an optional one.
use hpy::hpy_method;

#[hpy_method]
fn f(a: Option<i64>, b: i64) -> i64 {
    a.unwrap_or(0) + b
}

fn main() {}
