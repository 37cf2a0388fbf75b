// Code run without the interpreter cannot touch a handle.
use hpy::{Context, Handle};

fn outside<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) {
    ctx.allow_threads(|| drop(x.dup()));
}

fn main() {
    let _ = outside;
}
