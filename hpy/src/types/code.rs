//! `code`: [`Code`], the objects [`Context::compile`] makes.

use core::ops::Deref;

use crate::{Context, Dict, HPyResult, Handle};

/// A code object made by [`Context::compile`], ready for
/// [`eval`](Code::eval). It dereferences to its [`Handle`].
///
/// Not a [`PyTypeCheck`](crate::PyTypeCheck) type: HPy has no check for
/// code objects, so the only way to get one is `compile`.
#[repr(transparent)]
pub struct Code<'ctx>(pub(crate) Handle<'ctx>);

impl<'ctx> Code<'ctx> {
    /// Runs the code with the given globals (a dict) and locals (any
    /// mapping; `None` means the globals), like `eval(code, globals,
    /// locals)` (`HPy_EvalCode`). For [`SourceKind::Expr`](crate::SourceKind::Expr) the result is the
    /// expression's value, otherwise `None`.
    pub fn eval(
        &self,
        globals: &Dict<'ctx>,
        locals: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.0.context();
        let locals = locals.unwrap_or(globals);
        // SAFETY: `self` is a code object (only `compile` makes a `Code`),
        // `globals` a dict, `locals` a valid handle; owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_EvalCode(
                ctx.as_raw(),
                self.0.as_raw(),
                globals.as_raw(),
                locals.as_raw(),
            ))
        }
    }

    /// The code object as a plain handle.
    #[inline]
    pub fn into_handle(self) -> Handle<'ctx> {
        self.0
    }
}

impl<'ctx> Deref for Code<'ctx> {
    type Target = Handle<'ctx>;

    #[inline]
    fn deref(&self) -> &Handle<'ctx> {
        &self.0
    }
}

impl core::fmt::Debug for Code<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Code(..)")
    }
}

impl<'ctx> crate::IntoHPy<'ctx> for Code<'ctx> {
    #[inline]
    fn into_hpy(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.0)
    }
}
