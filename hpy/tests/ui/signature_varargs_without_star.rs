// A `VarArgs` parameter is `*name` in the signature.
use hpy::{hpy_method, VarArgs};

#[hpy_method(signature = (rest))]
fn f(rest: VarArgs<'_, '_>) -> usize {
    rest.len()
}

fn main() {}
