// `Context` is `Copy`: it is taken by value.
use hpy::{hpy_method, Context, Handle};

#[hpy_method]
fn none<'ctx>(ctx: &Context<'ctx>) -> Handle<'ctx> {
    ctx.none()
}

fn main() {}
