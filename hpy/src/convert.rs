//! Conversions between Python objects and Rust values: [`FromHPy`] and
//! [`IntoHPy`].
//!
//! Both traits can be implemented for your own types; the macros use them for
//! typed parameters and return values of [`hpy_method`](crate::hpy_method)
//! functions.
//!
//! Integer conversions accept any object with `__index__` (like CPython's own
//! C functions) and raise `OverflowError` when the value does not fit the Rust
//! type. 128-bit integers are not supported yet: HPy 0.9 has no 128-bit API.

use std::ffi::CString;

use hpy_sys::HPyConstant;

use crate::{Borrowed, Context, HPyErr, HPyResult, Handle};

/// Conversion from a Python object to a Rust value.
///
/// `'a` is the borrow of the handle, so borrowed data such as `&'a str` can
/// point into the Python object without copying for as long as the handle is
/// borrowed.
pub trait FromHPy<'a, 'ctx>: Sized {
    /// Converts `obj`, or fails with a Python exception (typically built with
    /// [`HPyErr::wrong_type`]).
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self>;
}

/// Conversion from a Rust value to a new Python object.
pub trait IntoHPy<'ctx> {
    /// Creates the Python object.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;
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
        HPyErr::pending()
    }
}

/// `HPyLong_AsInt64_t`, with errors reworded for a conversion to `target`.
#[inline]
fn extract_i64(obj: &Handle<'_>, target: &'static str) -> HPyResult<i64> {
    let ctx = obj.context();
    // SAFETY: valid handle; -1 plus a set exception signals failure.
    let v = unsafe { hpy_sys::HPyLong_AsInt64_t(ctx.as_raw(), obj.as_raw()) };
    if v == -1 && ctx.err_occurred() {
        return Err(int_conversion_error(obj, target));
    }
    Ok(v)
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
        Err(_) => return Err(int_conversion_error(obj, target)),
    };
    // SAFETY: `index` is a valid handle to an int.
    let v = unsafe { hpy_sys::HPyLong_AsUInt64_t(ctx.as_raw(), index.as_raw()) };
    if v == u64::MAX && ctx.err_occurred() {
        return Err(int_conversion_error(obj, target));
    }
    Ok(v)
}

macro_rules! int_conversions {
    ($($t:ty => $via:ident, $from:ident as $wide:ty;)*) => {$(
        impl<'ctx> FromHPy<'_, 'ctx> for $t {
            #[inline]
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                let wide = $via(obj, stringify!($t))?;
                <$t>::try_from(wide).map_err(|_| HPyErr::out_of_range(stringify!($t)))
            }
        }

        impl<'ctx> IntoHPy<'ctx> for $t {
            #[inline]
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                // SAFETY: valid context; the result is owned or HPy_NULL.
                unsafe { ctx.wrap_result(hpy_sys::$from(ctx.as_raw(), self as $wide)) }
            }
        }
    )*};
}

int_conversions! {
    i8 => extract_i64, HPyLong_FromInt32_t as i32;
    i16 => extract_i64, HPyLong_FromInt32_t as i32;
    i32 => extract_i64, HPyLong_FromInt32_t as i32;
    i64 => extract_i64, HPyLong_FromInt64_t as i64;
    isize => extract_i64, HPyLong_FromSsize_t as isize;
    u8 => extract_u64, HPyLong_FromUInt32_t as u32;
    u16 => extract_u64, HPyLong_FromUInt32_t as u32;
    u32 => extract_u64, HPyLong_FromUInt32_t as u32;
    u64 => extract_u64, HPyLong_FromUInt64_t as u64;
    usize => extract_u64, HPyLong_FromSize_t as usize;
}

// ---- floats ----

impl<'ctx> FromHPy<'_, 'ctx> for f64 {
    /// Accepts floats and anything with `__float__` or `__index__`
    /// (`HPyFloat_AsDouble`).
    #[inline]
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.context();
        // SAFETY: valid handle; -1.0 plus a set exception signals failure.
        let v = unsafe { hpy_sys::HPyFloat_AsDouble(ctx.as_raw(), obj.as_raw()) };
        if v == -1.0 && ctx.err_occurred() {
            if ctx.err_matches(HPyConstant::TypeError) {
                ctx.err_clear();
                return Err(HPyErr::wrong_type("float", obj.type_name()));
            }
            return Err(HPyErr::pending());
        }
        Ok(v)
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

// ---- strings ----

impl<'a, 'ctx> FromHPy<'a, 'ctx> for &'a str {
    /// Borrows the object's UTF-8 representation without copying
    /// (`HPyUnicode_AsUTF8AndSize`). Fails with `UnicodeEncodeError` for
    /// strings that are not valid Unicode (lone surrogates).
    #[inline]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.context();
        // SAFETY: valid handle.
        if unsafe { hpy_sys::HPyUnicode_Check(ctx.as_raw(), obj.as_raw()) } == 0 {
            return Err(HPyErr::wrong_type("str", obj.type_name()));
        }
        let mut len: hpy_sys::HPy_ssize_t = 0;
        // SAFETY: `obj` is a str; on success the buffer holds `len` bytes and
        // lives as long as the object, which `obj` keeps alive for `'a`.
        unsafe {
            let data = hpy_sys::HPyUnicode_AsUTF8AndSize(ctx.as_raw(), obj.as_raw(), &mut len);
            if data.is_null() {
                return Err(HPyErr::pending());
            }
            let bytes = core::slice::from_raw_parts(data.cast::<u8>(), len as usize);
            if crate::impl_::abi::UNIVERSAL {
                // Not every implementation refuses lone surrogates here (PyPy
                // hands out WTF-8), so the universal ABI checks.
                return core::str::from_utf8(bytes).map_err(|_| raise_surrogate_error(obj));
            }
            // CPython's UTF-8 cache is valid UTF-8: it refuses surrogates.
            Ok(core::str::from_utf8_unchecked(bytes))
        }
    }
}

/// Raises the `UnicodeEncodeError` CPython raises for a str with a lone
/// surrogate, by letting the interpreter try `obj.encode("utf-8")`.
#[cold]
fn raise_surrogate_error(obj: &Handle<'_>) -> HPyErr {
    let ctx = obj.context();
    let attempt = || -> HPyResult<Handle<'_>> {
        // SAFETY: valid handle and a static NUL-terminated name; the result
        // is owned or HPy_NULL.
        let encode = unsafe {
            ctx.wrap_result(hpy_sys::HPy_GetAttr_s(
                ctx.as_raw(),
                obj.as_raw(),
                c"encode".as_ptr(),
            ))?
        };
        let encoding = "utf-8".into_hpy(ctx)?;
        let args = [encoding.as_raw()];
        // SAFETY: a valid callable and one valid argument; the result is
        // owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_Call(
                ctx.as_raw(),
                encode.as_raw(),
                args.as_ptr(),
                1,
                hpy_sys::HPy_NULL,
            ))
        }
    };
    match attempt() {
        Err(e) => e,
        Ok(_) => HPyErr::new(
            HPyConstant::UnicodeError,
            "str is not valid UTF-8 (lone surrogate)",
        ),
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for String {
    #[inline]
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        <&str>::extract(obj).map(str::to_owned)
    }
}

/// Creates a Python str from UTF-8 text.
///
/// HPy 0.9 only takes NUL-terminated UTF-8 (`HPyUnicode_FromString`), so
/// short strings are terminated in a stack buffer, longer ones in a heap
/// copy; text containing NUL goes through `HPyUnicode_FromWideChar`, which
/// takes a length.
fn str_into_hpy<'ctx>(s: &str, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    const STACK: usize = 256;
    let raw = ctx.as_raw();
    if s.len() < STACK && !s.as_bytes().contains(&0) {
        let mut buf = [0u8; STACK];
        buf[..s.len()].copy_from_slice(s.as_bytes());
        // SAFETY: `buf` is NUL-terminated UTF-8; the result is owned or HPy_NULL.
        return unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_FromString(raw, buf.as_ptr().cast()))
        };
    }
    match CString::new(s) {
        // SAFETY: NUL-terminated UTF-8; the result is owned or HPy_NULL.
        Ok(c) => unsafe { ctx.wrap_result(hpy_sys::HPyUnicode_FromString(raw, c.as_ptr())) },
        Err(_) => {
            // Text with NUL: wide characters carry an explicit length.
            let wide: Vec<hpy_sys::wchar_t> = if core::mem::size_of::<hpy_sys::wchar_t>() == 4 {
                s.chars().map(|c| c as u32 as hpy_sys::wchar_t).collect()
            } else {
                s.encode_utf16().map(|u| u as hpy_sys::wchar_t).collect()
            };
            // SAFETY: pointer and length describe `wide`; the result is owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::HPyUnicode_FromWideChar(
                    raw,
                    wide.as_ptr(),
                    wide.len() as hpy_sys::HPy_ssize_t,
                ))
            }
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for &str {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        str_into_hpy(self, ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for String {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        str_into_hpy(&self, ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &String {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        str_into_hpy(self, ctx)
    }
}

// ---- tuples ----

macro_rules! tuple_into_hpy {
    ($($len:literal => ($($name:ident),+);)*) => {$(
        impl<'ctx, $($name: IntoHPy<'ctx>),+> IntoHPy<'ctx> for ($($name,)+) {
            /// Builds a Python tuple (`HPyTuple_FromArray`).
            #[allow(non_snake_case)]
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                let ($($name,)+) = self;
                let items: [Handle<'ctx>; $len] = [$($name.into_hpy(ctx)?),+];
                let mut raw = items.each_ref().map(|h| h.as_raw());
                // SAFETY: `raw` holds $len valid handles, kept open by
                // `items`; the tuple takes its own references.
                unsafe {
                    ctx.wrap_result(hpy_sys::HPyTuple_FromArray(ctx.as_raw(), raw.as_mut_ptr(), $len))
                }
            }
        }
    )*};
}

tuple_into_hpy! {
    1 => (A);
    2 => (A, B);
    3 => (A, B, C);
    4 => (A, B, C, D);
    5 => (A, B, C, D, E);
    6 => (A, B, C, D, E, F);
    7 => (A, B, C, D, E, F, G);
    8 => (A, B, C, D, E, F, G, H);
    9 => (A, B, C, D, E, F, G, H, I);
    10 => (A, B, C, D, E, F, G, H, I, J);
    11 => (A, B, C, D, E, F, G, H, I, J, K);
    12 => (A, B, C, D, E, F, G, H, I, J, K, L);
}
