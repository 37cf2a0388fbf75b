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
pub(crate) use self::std::str::ascii_into_str;

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

use crate::abi::Quirk;
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
        self::std::seq::list_from_iter(ctx, items)
    }

    /// Converts a slice of values (`&[Self]`). Not public API; see
    /// `__items_into_hpy`.
    #[doc(hidden)]
    fn __slice_into_hpy(items: &[Self], ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>
    where
        Self: Sized + Clone,
    {
        self::std::seq::list_from_iter(ctx, items.iter().cloned())
    }
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

// ---- integers ----

/// After a failed integer conversion of `obj`: the exception to report.
#[cold]
fn int_conversion_error(obj: &Handle<'_>, target: &'static str) -> HPyErr {
    let ctx = obj.context();
    if ctx.err_matches(HPyConstant::TypeError) {
        ctx.err_clear();
        HPyErr::wrong_type("int", obj.type_name())
    } else if ctx.err_matches(HPyConstant::OverflowError) {
        ctx.err_clear();
        HPyErr::out_of_range(target)
    } else {
        HPyErr::raised(ctx)
    }
}

/// `HPyLong_AsInt64_t`, with errors reworded for a conversion to `target`:
/// an `int`, or an object with `__index__` (never `__int__`).
#[inline]
fn extract_i64(obj: &Handle<'_>, target: &'static str) -> HPyResult<i64> {
    if crate::abi::host_has(Quirk::LongAsCallsInt) && !obj.is_int() {
        return extract_i64_via_index(obj, target);
    }
    let ctx = obj.context();
    // SAFETY: valid handle; -1 plus a set exception signals failure.
    let v = unsafe { hpy_sys::HPyLong_AsInt64_t(ctx.as_raw(), obj.as_raw()) };
    if v == -1 && ctx.err_occurred() {
        return Err(int_conversion_error(obj, target));
    }
    Ok(v)
}

/// [`extract_i64`] of an object that is not an `int`, on a host whose
/// `HPyLong_AsInt64_t` would call its `__int__` (`Quirk::LongAsCallsInt`):
/// its `__index__`, read as an `int`.
#[cold]
fn extract_i64_via_index(obj: &Handle<'_>, target: &'static str) -> HPyResult<i64> {
    let index = obj.index().map_err(|e| {
        // The same exception, reworded by int_conversion_error.
        e.keep_exception();
        int_conversion_error(obj, target)
    })?;
    extract_i64(&index, target)
}

/// `HPyLong_AsUInt64_t`, with errors reworded for a conversion to `target`.
///
/// CPython's unsigned conversion does not call `__index__`, so on a
/// `TypeError` the object is passed through `HPy_Index` and tried again.
#[inline]
fn extract_u64(obj: &Handle<'_>, target: &'static str) -> HPyResult<u64> {
    let ctx = obj.context();
    // SAFETY: valid handle; u64::MAX plus a set exception signals failure.
    let v = unsafe { hpy_sys::HPyLong_AsUInt64_t(ctx.as_raw(), obj.as_raw()) };
    if v == u64::MAX && ctx.err_occurred() {
        return extract_u64_slow(obj, target);
    }
    Ok(v)
}

#[cold]
fn extract_u64_slow(obj: &Handle<'_>, target: &'static str) -> HPyResult<u64> {
    let ctx = obj.context();
    if !ctx.err_matches(HPyConstant::TypeError) {
        return Err(int_conversion_error(obj, target));
    }
    ctx.err_clear();
    // SAFETY: valid handle; HPy_Index returns an owned int or HPy_NULL.
    let index = match unsafe { ctx.wrap_result(hpy_sys::HPy_Index(ctx.as_raw(), obj.as_raw())) } {
        Ok(index) => index,
        Err(e) => {
            // The same exception, reworded by int_conversion_error.
            e.keep_exception();
            return Err(int_conversion_error(obj, target));
        }
    };
    // SAFETY: `index` is a valid handle to an int.
    let v = unsafe { hpy_sys::HPyLong_AsUInt64_t(ctx.as_raw(), index.as_raw()) };
    if v == u64::MAX && ctx.err_occurred() {
        return Err(int_conversion_error(obj, target));
    }
    Ok(v)
}

macro_rules! int_conversions {
    ($($t:ty => $via:ident, $from:ident as $wide:ty $({ from: {$($fx:tt)*} into: {$($ix:tt)*} })?;)*) => {$(
        impl<'ctx> FromHPy<'_, 'ctx> for $t {
            #[inline]
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                let wide = $via(obj, stringify!($t))?;
                <$t>::try_from(wide).map_err(|_| HPyErr::out_of_range(stringify!($t)))
            }
            $($($fx)*)?
        }

        impl<'ctx> IntoHPy<'ctx> for $t {
            #[inline]
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                // SAFETY: valid context; the result is owned or HPy_NULL.
                unsafe { ctx.wrap_result(hpy_sys::$from(ctx.as_raw(), self as $wide)) }
            }
            $($($ix)*)?
        }
    )*};
}

int_conversions! {
    i8 => extract_i64, HPyLong_FromInt32_t as i32;
    i16 => extract_i64, HPyLong_FromInt32_t as i32;
    i32 => extract_i64, HPyLong_FromInt32_t as i32;
    i64 => extract_i64, HPyLong_FromInt64_t as i64;
    isize => extract_i64, HPyLong_FromSsize_t as isize;
    u8 => extract_u64, HPyLong_FromUInt32_t as u32 {
        from: {
            /// `bytes` is copied in one go; other sequences of ints are read
            /// item by item.
            fn __extract_vec_fast(obj: &Handle<'ctx>) -> Option<HPyResult<Vec<u8>>> {
                self::std::bytes::extract_byte_vec(obj)
            }
        }
        into: {
            /// Bytes become `bytes`.
            fn __items_into_hpy<I>(items: I, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>
            where
                I: ExactSizeIterator<Item = u8>,
            {
                self::std::bytes::bytes_from_slice(ctx, &items.collect::<Vec<u8>>())
            }

            /// Bytes become `bytes`.
            fn __slice_into_hpy(items: &[u8], ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                self::std::bytes::bytes_from_slice(ctx, items)
            }
        }
    };
    u16 => extract_u64, HPyLong_FromUInt32_t as u32;
    u32 => extract_u64, HPyLong_FromUInt32_t as u32;
    u64 => extract_u64, HPyLong_FromUInt64_t as u64;
    usize => extract_u64, HPyLong_FromSize_t as usize;
}

// ---- floats ----

impl<'ctx> FromHPy<'_, 'ctx> for f64 {
    /// Accepts floats and anything with `__float__` or `__index__`
    /// ([`Handle::as_f64`]).
    #[inline]
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(v) = crate::abi::exact_float_value(obj) {
            return Ok(v);
        }
        obj.as_f64().map_err(|e| float_conversion_error(obj, e))
    }

    /// An exact list or tuple of exact floats is read in one pass; other
    /// sequences item by item.
    #[inline]
    fn __extract_vec_fast(obj: &Handle<'ctx>) -> Option<HPyResult<Vec<f64>>> {
        self::std::seq::floats_fast(obj)
    }
}

/// After a failed float conversion of `obj`: a `TypeError` for an object
/// with neither `__float__` nor `__index__` reworded as the conversion's,
/// any other exception (one a dunder raised) as it is.
#[cold]
fn float_conversion_error(obj: &Handle<'_>, e: HPyErr) -> HPyErr {
    let ctx = obj.context();
    if !e.is_instance_of::<crate::exceptions::TypeError>(ctx) {
        return e;
    }
    let caught = match e.catch(ctx) {
        Ok(caught) => caught,
        Err(e) => return e,
    };
    let ty = obj.get_type();
    let has_dunder = |name| ty.has_attr_s(name);
    match has_dunder("__float__").and_then(|f| Ok(f || has_dunder("__index__")?)) {
        Ok(false) => HPyErr::wrong_type("float", obj.type_name()),
        Ok(true) => caught.raise(),
        Err(e) => e,
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for f32 {
    /// Like `f64`, then rounded to the nearest `f32`.
    #[inline]
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        f64::extract(obj).map(|v| v as f32)
    }
}

impl<'ctx> IntoHPy<'ctx> for f64 {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // SAFETY: valid context; the result is owned or HPy_NULL.
        unsafe { ctx.wrap_result(hpy_sys::HPyFloat_FromDouble(ctx.as_raw(), self)) }
    }
}

impl<'ctx> IntoHPy<'ctx> for f32 {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        f64::from(self).into_hpy(ctx)
    }
}
