// The `ndarray` view of a `PyReadwriteArray` lives no longer than the
// array's borrow, which ends with the call. The fix: copy what must last
// (`view.to_owned()`).
use std::cell::RefCell;

use hpy::hpy_method;
use hpy::numpy::ndarray::ArrayViewMut1;
use hpy::numpy::PyReadwriteArray1;

thread_local! {
    static KEPT: RefCell<Vec<ArrayViewMut1<'static, f64>>> = const { RefCell::new(Vec::new()) };
}

#[hpy_method]
fn keep(mut a: PyReadwriteArray1<'_, f64>) {
    let view = a.as_array_mut();
    KEPT.with(|kept| kept.borrow_mut().push(view));
}

fn main() {}
