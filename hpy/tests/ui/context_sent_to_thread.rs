// A `Context` belongs to the thread of the call: it cannot go to another.
use hpy::{hpy_method, Context};

#[hpy_method]
fn work<'ctx>(ctx: Context<'ctx>) {
    std::thread::spawn(move || {
        let _ = ctx.none();
    });
}

fn main() {}
