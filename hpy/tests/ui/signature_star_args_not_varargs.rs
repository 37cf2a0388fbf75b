// `*args` takes the extra positional arguments: a `VarArgs` parameter.
use hpy::hpy_method;

#[hpy_method(signature = (*a))]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
