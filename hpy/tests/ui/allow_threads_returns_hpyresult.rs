// An HPyResult belongs to its call: the closure of allow_threads, which
// runs without the interpreter, cannot return one.
use hpy::{hpy_method, Context, HPyErr, HPyResult};

#[hpy_method]
fn checked_sum(ctx: Context<'_>, data: &[u8]) -> HPyResult<u64> {
    ctx.allow_threads(|| {
        if data.is_empty() {
            return Err(HPyErr::value_error("no data"));
        }
        Ok(data.iter().map(|&b| u64::from(b)).sum())
    })
}

fn main() {}
