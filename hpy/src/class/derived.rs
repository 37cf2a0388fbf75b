//! The comparisons, hash and `str` of `#[hpy_class(eq, ord, hash, str)]`,
//! derived from the value's Rust traits.

use core::marker::PhantomData;

use crate::class::HPyClass;
use crate::runtime::slots::{HashFunc, RichCmpFunc, UnaryFunc};
use crate::{Borrowed, Context, HPyResult, Handle, IntoHPy, Ref, RichCompareOp};

/// `#[hpy_class(eq)]`: `__eq__`/`__ne__` from `PartialEq`; other
/// comparisons, and other types, are `NotImplemented`.
pub struct DerivedEq<T>(PhantomData<T>);

/// `#[hpy_class(eq, ord)]`: as [`DerivedEq`], and `<`, `<=`, `>`, `>=`
/// from `PartialOrd`.
pub struct DerivedOrd<T>(PhantomData<T>);

/// The two values compared by a derived `__richcmp__`, or `None` when
/// `other` is not an instance of `T`.
#[inline]
fn compare_values<'a, 'ctx, T: HPyClass, R>(
    me: Borrowed<'a, 'ctx>,
    other: Borrowed<'a, 'ctx>,
    compare: impl FnOnce(&T, &T) -> R,
) -> HPyResult<Option<R>> {
    if !super::is_instance::<T>(&other)? {
        return Ok(None);
    }
    let me = Ref::<T>::borrow(me)?;
    let other = Ref::<T>::borrow(other)?;
    Ok(Some(compare(&me, &other)))
}

fn return_comparison(ctx: Context<'_>, result: Option<bool>) -> HPyResult<hpy_sys::HPy> {
    match result {
        Some(b) => Ok(ctx.bool(b).into_raw()),
        None => super::not_implemented(ctx),
    }
}

// SAFETY: the body returns a new owned handle (a bool or NotImplemented).
unsafe impl<T: HPyClass + PartialEq> RichCmpFunc for DerivedEq<T> {
    const NAME: &'static str = "__richcmp__";
    fn call<'a, 'ctx>(
        ctx: Context<'ctx>,
        me: Borrowed<'a, 'ctx>,
        other: Borrowed<'a, 'ctx>,
        op: hpy_sys::HPy_RichCmpOp,
    ) -> HPyResult<hpy_sys::HPy> {
        let result = match super::compare_op(op)? {
            RichCompareOp::Eq => compare_values::<T, _>(me, other, |a, b| a == b)?,
            RichCompareOp::Ne => compare_values::<T, _>(me, other, |a, b| a != b)?,
            _ => None,
        };
        return_comparison(ctx, result)
    }
}

// SAFETY: as for `DerivedEq`.
unsafe impl<T: HPyClass + PartialOrd> RichCmpFunc for DerivedOrd<T> {
    const NAME: &'static str = "__richcmp__";
    fn call<'a, 'ctx>(
        ctx: Context<'ctx>,
        me: Borrowed<'a, 'ctx>,
        other: Borrowed<'a, 'ctx>,
        op: hpy_sys::HPy_RichCmpOp,
    ) -> HPyResult<hpy_sys::HPy> {
        let op = super::compare_op(op)?;
        let result = compare_values::<T, _>(me, other, |a, b| match op {
            RichCompareOp::Eq => a == b,
            RichCompareOp::Ne => a != b,
            RichCompareOp::Lt => a < b,
            RichCompareOp::Le => a <= b,
            RichCompareOp::Gt => a > b,
            RichCompareOp::Ge => a >= b,
        })?;
        return_comparison(ctx, result)
    }
}

/// `#[hpy_class(hash)]`: `__hash__` from `Hash` (with the standard
/// library's `DefaultHasher`: fixed keys, not Python's hash seed).
pub struct DerivedHash<T>(PhantomData<T>);

// SAFETY: the body returns a plain number.
unsafe impl<T: HPyClass + core::hash::Hash> HashFunc for DerivedHash<T> {
    const NAME: &'static str = "__hash__";
    fn call<'a, 'ctx>(_: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<hpy_sys::HPy_hash_t> {
        use core::hash::Hasher;
        let me = Ref::<T>::borrow(me)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        me.hash(&mut hasher);
        // -1 means "error" to the interpreter.
        Ok(match hasher.finish() as hpy_sys::HPy_hash_t {
            -1 => -2,
            h => h,
        })
    }
}

/// `#[hpy_class(str)]`: `__str__` from `Display`.
pub struct DerivedStr<T>(PhantomData<T>);

// SAFETY: the body returns a new owned handle.
unsafe impl<T: HPyClass + core::fmt::Display> UnaryFunc for DerivedStr<T> {
    const NAME: &'static str = "__str__";
    fn call<'a, 'ctx>(ctx: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<hpy_sys::HPy> {
        let text = Ref::<T>::borrow(me)?.to_string();
        text.into_hpy(ctx).map(Handle::into_raw)
    }
}
