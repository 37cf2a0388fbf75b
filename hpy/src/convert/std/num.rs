//! Integers and floats: the fixed-width integer types (`i8` to `u64`,
//! `isize`, `usize`; `i128` and `u128` are in `wide`), `f64` and `f32`.
//!
//! `u8` and `f64` carry the traits' fast-path hooks, built on their
//! neighbours' helpers: a sequence of `u8` becomes, and is read from,
//! `bytes` (`bytes`); a list or tuple of exact floats is read in one pass
//! (`seq`).

use hpy_sys::HPyConstant;

use crate::abi::Quirk;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

// ---- integers ----

/// After a failed integer conversion of `obj`: the exception to report.
#[cold]
pub(super) fn int_conversion_error(obj: &Handle<'_>, target: &'static str) -> HPyErr {
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
pub(super) fn extract_i64(obj: &Handle<'_>, target: &'static str) -> HPyResult<i64> {
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
pub(super) fn extract_u64(obj: &Handle<'_>, target: &'static str) -> HPyResult<u64> {
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
                super::bytes::extract_byte_vec(obj)
            }
        }
        into: {
            /// Bytes become `bytes`.
            fn __items_into_hpy<I>(items: I, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>
            where
                I: ExactSizeIterator<Item = u8>,
            {
                super::bytes::bytes_from_slice(ctx, &items.collect::<Vec<u8>>())
            }

            /// Bytes become `bytes`.
            fn __slice_into_hpy(items: &[u8], ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                super::bytes::bytes_from_slice(ctx, items)
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
        f64_through_api(obj)
    }

    /// An exact list or tuple of exact floats is read in one pass; other
    /// sequences item by item.
    #[inline]
    fn __extract_vec_fast(obj: &Handle<'ctx>) -> Option<HPyResult<Vec<f64>>> {
        super::seq::floats_fast(obj)
    }
}

/// `f64::extract` of anything but an exact float read directly: out of
/// line, so that the common case stays small enough to inline into the
/// wrappers that convert arguments and operands.
#[inline(never)]
fn f64_through_api(obj: &Handle<'_>) -> HPyResult<f64> {
    obj.as_f64().map_err(|e| float_conversion_error(obj, e))
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
