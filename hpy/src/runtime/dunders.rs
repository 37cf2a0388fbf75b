//! Special methods HPy 0.9 has no slot for (`__iter__`, `__next__`,
//! `__getattr__`, `__setattr__`, `__get__`, the async ones …), and the
//! `__hash__ = None` of a class that compares without hashing.
//!
//! `#[hpy_methods]` publishes such a method as an ordinary method, then
//! sets it again on the new type ([`publish`]): CPython fills a heap type's
//! slot when a special method is assigned to it, as for a class written in
//! Python, and PyPy looks special methods up in the type's dict anyway.

use hpy_sys::{HPy, HPyConstant};

use crate::runtime::IntoResult;
use crate::{Context, HPyErr, HPyResult, Handle, IntoHPy};

/// Sets the type's own method `name` on it again, so that the interpreter
/// fills the matching slot (`tp_iter` for `__iter__` …).
pub fn publish(ty: &Handle<'_>, name: &str) -> HPyResult<()> {
    let method = ty.get_attr_s(name)?;
    ty.set_attr_s(name, &method)
}

/// `__hash__ = None`: instances are unhashable, on every interpreter.
pub fn unhashable(ty: &Handle<'_>) -> HPyResult<()> {
    ty.set_attr_s("__hash__", &ty.context().none())
}

/// `StopIteration()` raised (without a value, as a plain iterator's).
#[cold]
fn stop_iteration(ctx: Context<'_>) -> HPyErr {
    let class = ctx.constant(HPyConstant::StopIteration);
    match class.call(&[]) {
        // An instance of the class is raised as it is.
        Ok(instance) => HPyErr::from_type_value(&class, &instance),
        Err(err) => err,
    }
}

/// Finishes the body of a `__next__` method: `Option<T>` (`None` ends the
/// iteration) or an `HPyResult` of one.
#[inline(always)]
pub fn return_next<'ctx, R, T>(ctx: Context<'ctx>, value: R) -> HPyResult<HPy>
where
    R: IntoResult<Value = Option<T>>,
    T: IntoHPy<'ctx>,
{
    match value.into_result()? {
        Some(item) => item.into_hpy(ctx).map(Handle::into_raw),
        None => Err(stop_iteration(ctx)),
    }
}
