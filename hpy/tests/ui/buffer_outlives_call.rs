// A `Buffer` borrows its argument for the call: it cannot be kept after it.
use std::cell::RefCell;

use hpy::{hpy_method, Buffer};

thread_local! {
    static KEPT: RefCell<Vec<Buffer<'static>>> = const { RefCell::new(Vec::new()) };
}

#[hpy_method]
fn keep(data: Buffer<'_>) {
    KEPT.with(|kept| kept.borrow_mut().push(data));
}

fn main() {}
