//! The methods of [`Context`] that return [`Handle`]s or [`HPyResult`]s:
//! above the context, the handle and the error, which they join.

use hpy_sys::HPyConstant;

use crate::{Borrowed, Context, HPyErr, HPyResult, Handle};

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

    /// `None`, `True` or `False` without a handle of one's own: the
    /// context's constant itself, valid for the whole call and never
    /// closed. Passing it where a `&Handle` is read (an item appended to
    /// a list, a value stored in a dict) costs no `HPy_Dup` and no
    /// `HPy_Close`, which through a universal host are two calls; a
    /// [`dup`](Handle::dup) makes an owned handle where one is needed.
    ///
    /// `which` is `None` (Python's), `Some(true)` or `Some(false)`.
    ///
    /// ```
    /// use hpy::{Context, HPyResult, List};
    ///
    /// fn flags<'ctx>(ctx: Context<'ctx>, bits: &[bool]) -> HPyResult<List<'ctx>> {
    ///     let list = ctx.new_list()?;
    ///     for &bit in bits {
    ///         list.append(&ctx.singleton(Some(bit)))?;
    ///     }
    ///     Ok(list)
    /// }
    /// ```
    #[inline(always)]
    pub fn singleton(self, which: Option<bool>) -> Borrowed<'ctx, 'ctx> {
        let constant = match which {
            None => HPyConstant::None,
            Some(true) => HPyConstant::True,
            Some(false) => HPyConstant::False,
        };
        // SAFETY: the context's constant handles stay open for the whole
        // call that gave the context (`'ctx`), and are never closed by
        // their users; `Borrowed` has no `Drop` and gives no ownership.
        unsafe { Borrowed::from_raw(self, hpy_sys::HPy_GetConstant(self.as_raw(), constant)) }
    }

    /// A new handle to `None`.
    #[inline]
    pub fn none(self) -> Handle<'ctx> {
        self.constant(HPyConstant::None)
    }

    /// A new handle to `True` or `False`: the context's constant, as
    /// [`constant`](Self::constant) gives it (what `HPyBool_FromBool`
    /// returns, without its call: on CPython 3.12+ in the CPython ABI no
    /// reference count is touched).
    #[inline]
    pub fn bool(self, value: bool) -> Handle<'ctx> {
        self.constant(if value {
            HPyConstant::True
        } else {
            HPyConstant::False
        })
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
