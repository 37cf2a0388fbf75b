// `VarArgs` takes every argument.
use hpy::hpy_method;

#[hpy_method]
fn f(args: hpy::VarArgs<'_, '_>, x: i64) -> usize {
    args.len() + x as usize
}

fn main() {}
