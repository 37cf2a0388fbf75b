// The closure of `call_in_thread` runs on another thread: it cannot capture
// a handle of this call; pass the object in the list instead.
use hpy::{Context, HPyResult, Handle};

fn run<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ctx.call_in_thread(&[], |_ctx, _objects| f.call0())
}

fn main() {
    let _ = run;
}
