// Parameters become Python names: no patterns.
use hpy::hpy_method;

#[hpy_method]
fn f((a, b): (i64, i64)) -> i64 {
    a + b
}

fn main() {}
