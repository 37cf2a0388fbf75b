// A handle cannot be stored in a static or thread-local: its lifetime is
// the call's.
use std::cell::RefCell;

use hpy::{hpy_method, Handle};

thread_local! {
    static KEPT: RefCell<Option<Handle<'static>>> = const { RefCell::new(None) };
}

#[hpy_method]
fn keep<'ctx>(x: &Handle<'ctx>) {
    KEPT.with(|slot| *slot.borrow_mut() = Some(x.dup()));
}

fn main() {}
