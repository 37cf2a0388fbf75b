//! Conversions between Python objects and Rust values: [`FromHPy`] and
//! [`IntoHPy`].
//!
//! Both traits can be implemented for your own types; the macros use them for
//! typed parameters and return values of [`hpy_method`](crate::hpy_method)
//! functions.
//!
//! Which types convert, and the rules for each, are in the
//! [conversion guide](crate::conversion_guide) (`docs/conversions.md`).

// The layout follows PyO3's: the standard library's types in `std/`, one
// file (or folder) per optional crate, named after it, and `serde/` (its
// serializer and deserializer apart). `imported` (Python classes the
// conversions build: datetime, Decimal, UUID...) and `datetime_fields`
// (what the date/time crates share) serve several of them.
pub(crate) mod imported;
pub(crate) mod std;

pub use self::std::set::FrozenSet;

#[cfg(feature = "anyhow")]
mod anyhow;
#[cfg(feature = "bigdecimal")]
mod bigdecimal;
#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "chrono-tz")]
mod chrono_tz;
#[cfg(any(
    feature = "chrono-tz",
    feature = "chrono-local",
    feature = "jiff-02",
    feature = "time"
))]
mod datetime_fields;
#[cfg(feature = "either")]
mod either;
#[cfg(feature = "eyre")]
mod eyre;
#[cfg(feature = "hashbrown")]
mod hashbrown;
#[cfg(feature = "indexmap")]
mod indexmap;
#[cfg(feature = "jiff-02")]
mod jiff;
#[cfg(feature = "num-bigint")]
mod num_bigint;
#[cfg(feature = "num-complex")]
mod num_complex;
#[cfg(feature = "num-rational")]
mod num_rational;
#[cfg(feature = "ordered-float")]
mod ordered_float;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
#[cfg(feature = "serde")]
pub mod serde;
#[cfg(feature = "smallvec")]
mod smallvec;
#[cfg(feature = "time")]
mod time;
#[cfg(feature = "uuid")]
mod uuid;

use hpy_sys::HPyConstant;

use crate::{Borrowed, Context, HPyErr, HPyResult, Handle};

/// Conversion from a Python object to a Rust value.
///
/// `'a` is the borrow of the handle, so borrowed data such as `&'a str` can
/// point into the Python object without copying for as long as the handle is
/// borrowed. The types that convert are listed in the
/// [conversion guide](crate::conversion_guide).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no conversion from a Python object",
    label = "cannot be a parameter of a Python function",
    note = "parameters convert from: integers (`i64`, `usize`, ...), `f64`/`f32`, `bool`, \
            `&str`/`String`/`char`, `&[u8]`/`Vec<u8>` (bytes), `Vec<T>`/`[T; N]`/tuples, \
            `HashMap`/`BTreeMap`, `HashSet`/`BTreeSet`, `PathBuf`/`OsString`, `Option<T>` \
            (None or omitted), `&Handle<'ctx>`/`Borrowed` (any object), `Ref<'_, 'ctx, C>`/\
            `RefMut` (an `#[hpy_class]` C)",
    note = "take a slice `&[T]` as `Vec<T>`, a `&Path` as `PathBuf`, a class by value as `Ref<'_, 'ctx, C>`; \
            for your own type, implement `hpy::FromHPy`"
)]
pub trait FromHPy<'a, 'ctx>: Sized {
    /// Converts `obj`, or fails with a Python exception (typically built with
    /// [`HPyErr::wrong_type`]).
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self>;

    /// A faster way to extract a `Vec<Self>` from `obj`, if this type has
    /// one. Not public API: the hook that lets `u8` copy `bytes` in one go;
    /// `None` (the default) means the sequence protocol.
    #[doc(hidden)]
    #[inline(always)]
    fn __extract_vec_fast(obj: &Handle<'ctx>) -> Option<HPyResult<Vec<Self>>> {
        let _ = obj;
        None
    }
}

/// Conversion from a Rust value to a new Python object. The types that
/// convert are listed in the [conversion guide](crate::conversion_guide).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no conversion to a Python object",
    label = "no `IntoHPy` conversion",
    note = "these convert: integers, `f64`/`f32`, `bool`, `()` (None), `&str`/`String`/`char`, \
            `&[u8]`/`Vec<u8>` (bytes), `Vec<T>`/`[T; N]`/tuples (list/tuple), `HashMap`/\
            `BTreeMap` (dict), `HashSet`/`BTreeSet` (set), `PathBuf`, `Option<T>` (None), \
            `Handle<'ctx>`, an `#[hpy_class]` value; for your own type, implement `hpy::IntoHPy`",
    note = "a function may also return `HPyResult<T>` of one: errors reach Python as exceptions; \
            `?` converts any `std::error::Error`, and \
            `map_err(|e| hpy::exceptions::ValueError::new_err(e.to_string()))` any other"
)]
pub trait IntoHPy<'ctx> {
    /// Creates the Python object.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;

    /// Converts a sequence of values (`Vec<Self>`, `[Self; N]`). Not public
    /// API: a hook that lets `u8` make `bytes` while every other type makes a
    /// list.
    #[doc(hidden)]
    fn __items_into_hpy<I>(items: I, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>
    where
        Self: Sized,
        I: ExactSizeIterator<Item = Self>,
    {
        ctx.list_from_iter(items).map(|list| list.into_handle())
    }

    /// Converts a slice of values (`&[Self]`). Not public API; see
    /// `__items_into_hpy`.
    #[doc(hidden)]
    fn __slice_into_hpy(items: &[Self], ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>
    where
        Self: Sized + Clone,
    {
        ctx.list_from_iter(items.iter().cloned())
            .map(|list| list.into_handle())
    }
}

// ---- room for items ----

/// The `MemoryError` for room for `n` items of `T` that cannot be
/// allocated.
#[cold]
pub(crate) fn no_room_for<T>(n: usize) -> HPyErr {
    HPyErr::new(
        hpy_sys::HPyConstant::MemoryError,
        format!(
            "cannot allocate room for {n} items of {} bytes each",
            core::mem::size_of::<T>()
        ),
    )
}

// ---- handles ----

impl<'a, 'ctx> FromHPy<'a, 'ctx> for &'a Handle<'ctx> {
    #[inline(always)]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Ok(obj)
    }
}

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Borrowed<'a, 'ctx> {
    #[inline(always)]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Ok(obj.borrow())
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Handle<'ctx> {
    #[inline(always)]
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        Ok(obj.dup())
    }
}

impl<'ctx> IntoHPy<'ctx> for Handle<'ctx> {
    #[inline(always)]
    fn into_hpy(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self)
    }
}

impl<'ctx> IntoHPy<'ctx> for &Handle<'ctx> {
    #[inline(always)]
    fn into_hpy(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.dup())
    }
}

impl<'ctx> IntoHPy<'ctx> for Borrowed<'_, 'ctx> {
    #[inline(always)]
    fn into_hpy(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.dup())
    }
}

// ---- None, Option ----

impl<'ctx> IntoHPy<'ctx> for () {
    #[inline(always)]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(ctx.none())
    }
}

impl<'a, 'ctx, T: FromHPy<'a, 'ctx>> FromHPy<'a, 'ctx> for Option<T> {
    #[inline]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::extract(obj).map(Some)
        }
    }
}

impl<'ctx, T: IntoHPy<'ctx>> IntoHPy<'ctx> for Option<T> {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        match self {
            Some(v) => v.into_hpy(ctx),
            None => Ok(ctx.none()),
        }
    }
}

// ---- bool ----

impl<'ctx> FromHPy<'_, 'ctx> for bool {
    /// Accepts exactly `True` and `False`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if obj.is_constant(HPyConstant::True) {
            Ok(true)
        } else if obj.is_constant(HPyConstant::False) {
            Ok(false)
        } else {
            Err(HPyErr::wrong_type("bool", obj.type_name()))
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for bool {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(ctx.bool(self))
    }
}
