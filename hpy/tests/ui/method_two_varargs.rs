// One `VarArgs` parameter at most.
use hpy::{hpy_method, VarArgs};

#[hpy_method]
fn f(a: VarArgs<'_, '_>, b: VarArgs<'_, '_>) -> usize {
    a.len() + b.len()
}

fn main() {}
