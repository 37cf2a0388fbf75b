// `noargs` with a Python parameter.
use hpy::hpy_method;

#[hpy_method(noargs)]
fn f(x: i64) -> i64 {
    x
}

fn main() {}
