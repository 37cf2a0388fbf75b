// `intern!` interns a literal once; a run-time name is converted instead.
use hpy::{intern, Context, HPyResult, Handle};

fn get<'ctx>(ctx: Context<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
    intern!(ctx, name)
}

fn main() {
    let _ = get;
}
