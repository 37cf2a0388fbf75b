// Every Python parameter of the function appears in its signature.
use hpy::hpy_method;

#[hpy_method(signature = (a))]
fn f(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
