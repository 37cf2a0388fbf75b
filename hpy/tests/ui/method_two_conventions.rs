// One calling convention only.
use hpy::hpy_method;

#[hpy_method(varargs, keywords)]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
