// A `thread_local!` cannot keep a handle either: it would outlive the call.
use std::cell::RefCell;

use hpy::{hpy_method, Context, Handle};

thread_local! {
    static LAST: RefCell<Option<Handle<'static>>> = const { RefCell::new(None) };
}

#[hpy_method]
fn remember<'ctx>(ctx: Context<'ctx>) {
    LAST.with(|last| *last.borrow_mut() = Some(ctx.none()));
}

fn main() {}
