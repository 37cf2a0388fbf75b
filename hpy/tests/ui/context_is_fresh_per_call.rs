// Each call gets a fresh, invariant context lifetime: a method cannot demand
// a context that lives longer than the call.
use hpy::{hpy_method, Context};

#[hpy_method]
fn wants_static(ctx: Context<'static>) {
    let _ = ctx;
}

fn main() {}
