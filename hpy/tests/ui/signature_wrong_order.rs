// The signature lists the parameters in the function's order.
use hpy::hpy_method;

#[hpy_method(signature = (b, a))]
fn f(a: i64, b: i64) -> i64 {
    a - b
}

fn main() {}
