//! Temporary NUL-terminated strings for the HPy functions that take a C
//! string (`HPy_GetAttr_s`, `HPyErr_SetString`, …).

use core::ffi::c_char;
use std::ffi::CString;

use crate::{HPyErr, HPyResult};

/// Strings shorter than this are terminated in a stack buffer.
const STACK: usize = 128;

/// Calls `f` with `s` as a NUL-terminated C string: terminated in a stack
/// buffer when short, in a heap copy otherwise. Text containing NUL cannot be
/// passed as a C string and raises `ValueError("embedded null character")`,
/// as CPython does where it needs one.
#[inline]
pub(crate) fn with_cstr<R>(s: &str, f: impl FnOnce(*const c_char) -> HPyResult<R>) -> HPyResult<R> {
    with_cbytes(s.as_bytes(), f)
}

/// [`with_cstr`] for arbitrary bytes (file names, encoded text).
#[inline]
pub(crate) fn with_cbytes<R>(
    bytes: &[u8],
    f: impl FnOnce(*const c_char) -> HPyResult<R>,
) -> HPyResult<R> {
    if bytes.contains(&0) {
        return Err(embedded_nul());
    }
    if bytes.len() < STACK {
        let mut buf = [0u8; STACK];
        buf[..bytes.len()].copy_from_slice(bytes);
        return f(buf.as_ptr().cast());
    }
    let owned = CString::new(bytes).map_err(|_| embedded_nul())?;
    f(owned.as_ptr())
}

#[cold]
fn embedded_nul() -> HPyErr {
    HPyErr::value_error("embedded null character")
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ffi::CStr;

    fn roundtrip(s: &str) -> HPyResult<String> {
        with_cstr(s, |p| {
            // SAFETY: `p` is a NUL-terminated string valid during the closure.
            let c = unsafe { CStr::from_ptr(p) };
            Ok(c.to_str().unwrap().to_owned())
        })
    }

    #[test]
    fn short_and_long_strings_are_terminated() {
        assert_eq!(roundtrip("abc").unwrap(), "abc");
        assert_eq!(roundtrip("").unwrap(), "");
        let long = "é".repeat(200);
        assert_eq!(roundtrip(&long).unwrap(), long);
        let edge = "x".repeat(STACK - 1);
        assert_eq!(roundtrip(&edge).unwrap(), edge);
        let edge = "x".repeat(STACK);
        assert_eq!(roundtrip(&edge).unwrap(), edge);
    }

    #[test]
    fn interior_nul_is_a_value_error() {
        let err = roundtrip("a\0b").unwrap_err();
        let (ty, msg) = err.describe().unwrap();
        assert_eq!(ty, hpy_sys::HPyConstant::ValueError);
        assert_eq!(msg, "embedded null character");
    }
}
