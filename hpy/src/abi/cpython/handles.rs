//! Handles duplicated and closed: `Py_INCREF` and `Py_DECREF` of the
//! object, as hpy-sys's `HPy_Dup` and `HPy_Close` do inline.

use hpy_sys::{HPy, HPyContext};

/// `HPy_Dup(ctx, h)`: a new handle to the object of `h`.
///
/// # Safety
/// `ctx` is the context of the current call and `h` a live handle of it.
#[inline(always)]
pub unsafe fn dup(ctx: *mut HPyContext, h: HPy) -> HPy {
    // SAFETY: the contract.
    unsafe { hpy_sys::HPy_Dup(ctx, h) }
}

/// `HPy_Close(ctx, h)`: gives up the handle `h`.
///
/// # Safety
/// `ctx` is the context of the current call and `h` a live handle of it,
/// owned by the caller, which does not use it again.
#[inline(always)]
pub unsafe fn close(ctx: *mut HPyContext, h: HPy) {
    // SAFETY: the contract.
    unsafe { hpy_sys::HPy_Close(ctx, h) }
}
