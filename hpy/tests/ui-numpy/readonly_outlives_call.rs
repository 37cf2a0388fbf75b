// A `PyReadonlyArray` borrows its argument for the call: it cannot be kept
// after it. The fix: keep a copy (`a.as_array().to_owned()`), or the array
// itself in a `Field`/`Global`, and borrow it again in a later call.
use std::cell::RefCell;

use hpy::hpy_method;
use hpy::numpy::PyReadonlyArray1;

thread_local! {
    static KEPT: RefCell<Vec<PyReadonlyArray1<'static, f64>>> = const { RefCell::new(Vec::new()) };
}

#[hpy_method]
fn keep(a: PyReadonlyArray1<'_, f64>) {
    KEPT.with(|kept| kept.borrow_mut().push(a));
}

fn main() {}
