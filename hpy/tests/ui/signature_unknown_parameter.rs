// Every name in the signature is a parameter of the function.
use hpy::hpy_method;

#[hpy_method(signature = (a, nope = 1))]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
