// As in Python: after a parameter with a default, positional ones need
// defaults too (or go after `*`).
use hpy::hpy_method;

#[hpy_method(signature = (a = 1, b))]
fn f(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
