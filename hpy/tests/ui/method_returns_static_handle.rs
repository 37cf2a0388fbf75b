// A PyO3 user's `Py<PyAny>` is not `Handle<'static>`: a handle lasts one
// call, whatever lifetime is written, and `hpy::Global` is what outlives it.
use hpy::{hpy_method, Context, Handle};

#[hpy_method]
fn none<'ctx>(ctx: Context<'ctx>) -> Handle<'static> {
    ctx.none()
}

fn main() {}
