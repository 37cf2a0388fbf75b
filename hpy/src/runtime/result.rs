//! What the functions the macros wrap may return: a value, or an
//! [`HPyResult`] of one. [`IntoResult`] is that choice, once for every
//! kind of function; what each kind accepts as the value is a bound on
//! [`IntoResult::Value`] (an object for a method, `()` for a status,
//! `bool` for `__bool__`, an integer for `__hash__`, …).

use core::ffi::c_int;

use hpy_sys::HPy;

use crate::{Context, HPyResult, Handle, IntoHPy};

/// A value, or an [`HPyResult`] of one: what a user function returns.
///
/// Implemented for every value that converts to a Python object
/// ([`IntoHPy`], which covers `()`, `bool`, the integers, classes, …) and
/// for an `HPyResult` of one. The bound on the value is what keeps the two
/// implementations apart (an `HPyResult` is not itself convertible).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned to Python",
    label = "no conversion to a Python object",
    note = "return a type that converts (integers, `f64`, `bool`, `()`, `&str`/`String`, \
            `Vec<T>`, tuples, `HashMap`, sets, `Option<T>`, `Handle<'ctx>`, an `#[hpy_class]` \
            value) or an `HPyResult<T>` of one; implement `hpy::IntoHPy` for your own type",
    note = "errors reach Python as exceptions: return `HPyResult<T>`; `?` converts any \
            `std::error::Error`, and `map_err(|e| hpy::exceptions::ValueError::new_err(e.to_string()))` any other"
)]
pub trait IntoResult {
    /// The value.
    type Value;
    /// The value, or the error to raise.
    fn into_result(self) -> HPyResult<Self::Value>;
}

impl<'ctx, T: IntoHPy<'ctx>> IntoResult for T {
    type Value = T;
    #[inline(always)]
    fn into_result(self) -> HPyResult<T> {
        Ok(self)
    }
}

impl<'ctx, T: IntoHPy<'ctx>> IntoResult for HPyResult<T> {
    type Value = T;
    #[inline(always)]
    fn into_result(self) -> HPyResult<T> {
        self
    }
}

/// Finishes a function body that returns an object: converts the user's
/// return value into the raw handle the entry point returns.
#[inline(always)]
pub fn return_object<'ctx, R>(ctx: Context<'ctx>, value: R) -> HPyResult<HPy>
where
    R: IntoResult,
    R::Value: IntoHPy<'ctx>,
{
    value
        .into_result()
        .and_then(|v| v.into_hpy(ctx))
        .map(Handle::into_raw)
}

/// Finishes a body that returns a status code (e.g. `HPy_mod_exec`): `()`
/// or `HPyResult<()>`; `Ok(())` becomes `0`, an error `-1` with the
/// exception set.
#[inline(always)]
pub fn return_status<R: IntoResult<Value = ()>>(value: R) -> HPyResult<c_int> {
    value.into_result().map(|()| 0)
}

/// The user's return value as a new handle, for generated code that uses
/// the object itself (a `#[classattr]`): `IntoResult`, then [`IntoHPy`].
/// (A name the macros use; they may as well call those two.)
pub trait IntoReturn<'ctx> {
    /// Converts to the new handle that is handed back to Python.
    fn into_return(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;
}

impl<'ctx, R> IntoReturn<'ctx> for R
where
    R: IntoResult,
    R::Value: IntoHPy<'ctx>,
{
    #[inline(always)]
    fn into_return(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.into_result().and_then(|v| v.into_hpy(ctx))
    }
}
