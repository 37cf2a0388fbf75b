// A handle cannot be returned past the context that made it.
use hpy::{Context, Handle};

fn escape<'ctx>(ctx: Context<'ctx>) -> Handle<'static> {
    ctx.none()
}

fn main() {
    let _ = escape;
}
