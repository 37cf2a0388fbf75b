// `o` takes exactly one required parameter.
use hpy::hpy_method;

#[hpy_method(o)]
fn f(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
