// `**kwargs` receives a dict: `Option<Handle>` or `Handle`, not `VarArgs`.
use hpy::{hpy_method, VarArgs};

#[hpy_method(signature = (**rest))]
fn f(rest: VarArgs<'_, '_>) -> usize {
    rest.len()
}

fn main() {}
