// One `*` or `*args` at most.
use hpy::{hpy_method, VarArgs};

#[hpy_method(signature = (*, *, a))]
fn f(a: i64) -> i64 {
    a
}

#[hpy_method(signature = (*, *rest))]
fn g(rest: VarArgs<'_, '_>) -> usize {
    rest.len()
}

fn main() {}
