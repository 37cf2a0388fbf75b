//! Threads started by the extension in the CPython ABI: attaching them to
//! the interpreter and detaching them again.

use super::*;

/// How a thread the extension started attaches to the interpreter:
/// `PyGILState_Ensure`/`PyGILState_Release` in this ABI.
#[derive(Clone, Copy)]
pub struct ThreadAttach;

/// Always available in this ABI.
pub fn thread_attach(_ctx: Context<'_>) -> HPyResult<ThreadAttach> {
    Ok(ThreadAttach)
}

impl ThreadAttach {
    /// The context a thread started during the call with context `caller`
    /// uses: the same (no object behind it in this ABI).
    pub fn thread_context(self, caller: *mut HPyContext) -> *mut HPyContext {
        caller
    }

    /// Attaches the calling thread and takes the GIL.
    ///
    /// # Safety
    /// The interpreter is initialised; undone by one [`Self::release`] on
    /// the same thread.
    pub unsafe fn ensure(self) -> c_int {
        // SAFETY: per the contract.
        unsafe { hpy_sys::cpython::ffi::PyGILState_Ensure() }
    }

    /// Undoes one [`Self::ensure`].
    ///
    /// # Safety
    /// `state` came from `ensure` on this thread.
    pub unsafe fn release(self, state: c_int) {
        // SAFETY: per the contract.
        unsafe { hpy_sys::cpython::ffi::PyGILState_Release(state) }
    }
}

/// Makes a class's type immutable (`#[hpy_class(immutable_type)]`):
/// hpy-sys's `hpy_rs_cpython_freeze_type`; `TypeError` for a class with a
/// mutable base.
#[inline(always)]
pub(crate) fn freeze_type(ty: &crate::Handle<'_>) -> HPyResult<()> {
    // SAFETY: the GIL is held (a handle of a call's context); the handle
    // is the live object.
    let status = unsafe { hpy_sys::cpython::hpy_rs_cpython_freeze_type(ty.as_raw()) };
    ty.context().wrap_status(status)
}
