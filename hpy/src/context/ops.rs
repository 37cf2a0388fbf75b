//! The methods of [`Context`] that return [`Handle`]s or [`HPyResult`]s:
//! above the context, the handle and the error, which they join.

use hpy_sys::HPyConstant;

use crate::{Context, HPyErr, HPyResult, Handle};

impl<'ctx> Context<'ctx> {
    /// A new handle to one of the context's constants (`None`, `True`, a
    /// builtin type or exception class, …). Wraps `HPy_Dup(ctx->h_*)`
    /// (on CPython 3.12+ in the CPython ABI, where they are immortal, no
    /// reference count is touched).
    #[inline]
    pub fn constant(self, which: HPyConstant) -> Handle<'ctx> {
        if which == HPyConstant::Builtins {
            // The running interpreter's, where the context's constant is
            // another's (hpy_rs_universal's plain context in a
            // subinterpreter).
            if let Some(h) = crate::abi::running_builtins(self.as_raw()) {
                // SAFETY: a new owned handle of this context (never null).
                return unsafe { Handle::from_raw(self, h) };
            }
        }
        // SAFETY: constants are valid for the whole call, and the result is
        // a new owned handle (never null).
        unsafe { Handle::from_raw(self, hpy_sys::hpy_rs_dup_constant(self.as_raw(), which)) }
    }

    /// A new handle to `None`.
    #[inline]
    pub fn none(self) -> Handle<'ctx> {
        self.constant(HPyConstant::None)
    }

    /// A new handle to `True` or `False` (`HPyBool_FromBool`).
    #[inline]
    pub fn bool(self, value: bool) -> Handle<'ctx> {
        // SAFETY: HPyBool_FromBool cannot fail and returns an owned handle.
        unsafe { Handle::from_raw(self, hpy_sys::HPyBool_FromBool(self.as_raw(), value)) }
    }

    /// Turns the `int` status of a raw HPy call (`-1` with an exception set
    /// on failure, anything else on success) into a [`HPyResult`].
    #[inline(always)]
    pub fn wrap_status(self, status: core::ffi::c_int) -> HPyResult<()> {
        if status == -1 {
            Err(HPyErr::raised(self))
        } else {
            Ok(())
        }
    }

    /// Turns the `int` answer of a raw HPy predicate (`1` true, `0` false,
    /// `-1` with an exception set) into a [`HPyResult`].
    #[inline(always)]
    pub fn wrap_bool(self, answer: core::ffi::c_int) -> HPyResult<bool> {
        match answer {
            -1 => Err(HPyErr::raised(self)),
            0 => Ok(false),
            _ => Ok(true),
        }
    }

    /// Turns the result of a raw HPy call that returns a new handle (or
    /// `HPy_NULL` with an exception set) into a [`HPyResult`].
    ///
    /// # Safety
    /// `raw` must be either `HPy_NULL` or a handle this call owns.
    #[inline(always)]
    pub unsafe fn wrap_result(self, raw: hpy_sys::HPy) -> HPyResult<Handle<'ctx>> {
        if raw._i == 0 {
            Err(HPyErr::raised(self))
        } else {
            // SAFETY: non-null and owned, per the contract.
            Ok(unsafe { Handle::from_raw(self, raw) })
        }
    }
}
