// `VarArgs` needs the `varargs` convention.
use hpy::hpy_method;

#[hpy_method(keywords)]
fn f(args: hpy::VarArgs<'_, '_>) -> usize {
    args.len()
}

fn main() {}
