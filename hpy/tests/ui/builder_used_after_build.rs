// `build()` consumes a list builder: it cannot be written to afterwards.
use hpy::{Context, HPyResult, Handle, List, ListBuilder};

fn reuse<'ctx>(ctx: Context<'ctx>, item: &Handle<'ctx>) -> HPyResult<List<'ctx>> {
    let mut list = ListBuilder::new(ctx, 1)?;
    list.set(0, item)?;
    let built = list.build()?;
    list.set(0, item)?;
    Ok(built)
}

fn main() {
    let _ = reuse;
}
