// The cells of a lent buffer cannot be read with the GIL released: other
// Python threads may write the memory meanwhile. `with_bytes()` gives a
// slice that holds still (a `bytes` in place, or a copy).
use hpy::{hpy_method, Buffer, Context};

#[hpy_method]
fn sum(ctx: Context<'_>, data: Buffer<'_>) -> u64 {
    let cells = data.as_cells();
    ctx.allow_threads(|| cells.iter().map(|c| u64::from(c.get())).sum())
}

fn main() {}
