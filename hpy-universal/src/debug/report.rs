//! What the debug context reports, and how: a callback set with
//! `_debug.set_on_invalid_handle(cb)` (or `set_on_invalid_builder_handle`
//! for builders and trackers) is called with no arguments and execution
//! goes on, as in HPy; without one, the process stops with a fatal error
//! naming the problem.

use core::ffi::c_char;
use std::ffi::CString;

use hpy_sys::cpython::PyObject;
use hpy_sys::host::UniversalContext;
use hpy_sys::HPy;

use super::problem::Problem;

/// Reports `problem`, found by the debug context over the plain universal
/// context `u`: calls `callback`, the one set for it, or stops the process
/// if none is (`HPy_NULL`).
pub(crate) fn report(u: *mut UniversalContext, callback: HPy, problem: Problem) {
    if callback._i == 0 {
        let message = format!("{}: {}", problem.headline(), problem.message());
        let message = CString::new(message).unwrap_or_default();
        fatal(u, message.as_ptr());
    }
    // SAFETY: the GIL is held (we are inside an HPy call); the callback is a
    // live object (the state owns a reference, and a new one is taken for
    // the call, so the callback may replace itself).
    unsafe {
        let cb = ((*u).ctx_Dup)(u, callback);
        crate::pycall::call_aside(
            cb._i as *mut PyObject,
            core::ptr::null_mut(),
            "HPy debug mode: error when executing the on_invalid_handle callback",
        );
        ((*u).ctx_Close)(u, cb);
    }
}

/// A context function was called with a debug context other than the
/// current call's: a fatal error (HPy's wording first), since nothing can
/// be said about the handles it was given.
#[cold]
pub(crate) fn wrong_context(u: *mut UniversalContext) -> ! {
    fatal(
        u,
        c"Error: Wrong HPy Context! (HPy debug mode: a context function was called with the \
          context of another call, e.g. one kept in a global variable; use the context each \
          function receives)"
            .as_ptr(),
    )
}

/// Stops the process with `message` (`Py_FatalError`: message, Python
/// traceback, abort).
fn fatal(u: *mut UniversalContext, message: *const c_char) -> ! {
    // SAFETY: the universal context is live; the message is a C string.
    unsafe { ((*u).ctx_FatalError)(u, message) };
    std::process::abort()
}
