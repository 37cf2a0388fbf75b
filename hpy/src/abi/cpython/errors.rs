//! Errors, signals and panics in the CPython ABI: raising, fetching and
//! clearing through CPython's C API.

use super::*;

// Dropping an `HPyErr` that stands for a set exception clears it (see
// `err.rs`), which only a thread holding the interpreter may do. An
// `HPyErr` is `Send` (so `allow_threads` closures can return one) and can
// be kept in a thread-local, so its drop may run anywhere.

/// [`discard_interpreter_error`]'s work, installed by the module's
/// `PyInit_<name>` (so that code which never runs in an interpreter, such
/// as doctests, links no Python symbol through `HPyErr`'s `Drop`).
pub(super) static DISCARD: AtomicPtr<()> = AtomicPtr::new(ptr::null_mut());

/// Makes dropped errors clear their exception (module init).
pub(super) fn install_error_discarding() {
    let f: fn() = clear_if_attached;
    DISCARD.store(f as *mut (), Ordering::Release);
}

/// Clears the current exception if this thread holds the GIL
/// (`PyGILState_Check`, callable from any thread), else does nothing.
pub(super) fn clear_if_attached() {
    // SAFETY: PyGILState_Check may be called without the GIL; PyErr_Clear
    // only runs when this thread holds it.
    unsafe {
        if hpy_sys::cpython::ffi::PyGILState_Check() != 0 {
            hpy_sys::cpython::ffi::PyErr_Clear();
        }
    }
}

/// Clears the interpreter's current exception if this thread holds the GIL
/// (nothing before any module was initialised).
pub fn discard_interpreter_error() {
    let f = DISCARD.load(Ordering::Acquire);
    if !f.is_null() {
        // SAFETY: only ever set to `clear_if_attached`, a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<*mut (), fn()>(f) };
        f();
    }
}

/// The universal ABI's code object for `check_signals`, never used in this
/// ABI (`PyErr_CheckSignals` needs none). Defined here all the same, next
/// to the universal ABI's, so that every module lists the same globals in
/// both ABIs (the runtime's `SDK_GLOBALS`) without a `cfg`.
pub(crate) static SIGNAL_CHECK: crate::Global = crate::Global::new();

/// [`Context::check_signals`]: `PyErr_CheckSignals`.
pub fn check_signals(ctx: Context<'_>) -> HPyResult<()> {
    // SAFETY: called with the GIL held (a live context).
    if unsafe { hpy_sys::cpython::ffi::PyErr_CheckSignals() } != 0 {
        return Err(HPyErr::raised(ctx));
    }
    Ok(())
}

/// The panic hook's report of a panic: none for a panic on a thread
/// holding the GIL (Rust code there runs inside a call from Python, whose
/// entry point catches it), the previous hook's otherwise.
pub fn report_panic(
    info: &std::panic::PanicHookInfo<'_>,
    previous: &(dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync),
) {
    // SAFETY: callable from any thread, with or without the GIL.
    if unsafe { hpy_sys::cpython::ffi::PyGILState_Check() } != 0 {
        return;
    }
    previous(info);
}
