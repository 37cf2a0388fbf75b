//! `str` conversions: `&str`, `String`, `char`.

use std::ffi::CString;

use crate::types::str::{long_utf8_into_str, raise_surrogate_error, short_ascii_into_str};
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy, Str};

// ---- strings ----

impl<'a, 'ctx> FromHPy<'a, 'ctx> for &'a str {
    /// Borrows the object's UTF-8 representation without copying
    /// ([`Str::to_str`]).
    #[inline]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.downcast_checked::<Str>()?.to_str()
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
/// ASCII text (the common case, NUL included) is decoded from its bytes and
/// length (`HPyUnicode_DecodeASCII`), as the C API's
/// `PyUnicode_FromStringAndSize` would. Other text is decoded by its length
/// in the CPython ABI (`PyUnicode_FromStringAndSize`); in the universal ABI
/// HPy 0.9 only takes NUL-terminated UTF-8 (`HPyUnicode_FromString`), so short strings are
/// terminated in a stack buffer, longer ones in a heap copy; text
/// containing NUL goes through `HPyUnicode_FromWideChar`, which takes a
/// length.
#[inline]
fn str_into_hpy<'ctx>(s: &str, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    if crate::abi::nul_terminated_text_is_cheaper(ctx) && s.len() < SHORT_TEXT {
        return match short_ascii_into_str(ctx, s.as_bytes()) {
            Some(made) => made,
            None => non_ascii_into_hpy(s, ctx),
        };
    }
    if s.is_ascii() {
        // SAFETY: pointer and length describe ASCII bytes; the result is
        // owned or HPy_NULL.
        return unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_DecodeASCII(
                ctx.as_raw(),
                s.as_ptr().cast(),
                s.len() as hpy_sys::HPy_ssize_t,
                core::ptr::null(),
            ))
        };
    }
    non_ascii_into_hpy(s, ctx)
}

/// Text shorter than this is terminated in a stack buffer where the host
/// makes a `str` from NUL-terminated text faster than from a length.
const SHORT_TEXT: usize = 64;

/// [`str_into_hpy`] for text that is not all ASCII: decoded by its length
/// where the host can (the CPython ABI's `PyUnicode_FromStringAndSize`);
/// else, for long text on the hosts that make a `str` of
/// NUL-terminated text cheaper than hpy_rs_universal's (PyPy), a `bytes`
/// object decoded as UTF-8; else as NUL-terminated text.
fn non_ascii_into_hpy<'ctx>(s: &str, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    if let Some(made) = crate::abi::str_from_utf8(ctx, s) {
        return made;
    }
    if let Some(made) = long_utf8_into_str(ctx, s) {
        return made;
    }
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

// ---- char ----

impl<'ctx> FromHPy<'_, 'ctx> for char {
    /// Accepts a `str` of exactly one character. Anything else raises
    /// `TypeError` worded like CPython's `C` argument format (`must be a
    /// unicode character, not str`); a lone surrogate, which a Rust `char`
    /// cannot hold, raises `UnicodeEncodeError` as `&str` does.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        const EXPECTED: &str = "a unicode character";
        match obj.downcast_ref::<Str>() {
            Some(s) if s.len()? == 1 => {
                let code = s.read_code_point(0)?;
                char::from_u32(code).ok_or_else(|| raise_surrogate_error(obj))
            }
            _ => Err(HPyErr::wrong_type(EXPECTED, obj.type_name())),
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for char {
    /// A `str` of length 1.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let mut buf = [0u8; 4];
        str_into_hpy(self.encode_utf8(&mut buf), ctx)
    }
}
