//! `str` objects: encoding, decoding, characters and substrings, and
//! [`Context::unicode_from_fmt`] in place of C's `HPyUnicode_FromFormat`.

use core::ffi::{c_char, CStr};
use core::fmt;

use hpy_sys::{wchar_t, HPy_ssize_t};

use crate::cstr::with_cstr;
use crate::{Context, HPyErr, HPyResult, Handle, IntoHPy};

/// Calls `f` with an optional string as a C string (null for `None`, which
/// HPy reads as the default: `"strict"` errors, UTF-8 encoding).
fn with_opt_cstr<R>(
    errors: Option<&str>,
    f: impl FnOnce(*const c_char) -> HPyResult<R>,
) -> HPyResult<R> {
    match errors {
        Some(errors) => with_cstr(errors, f),
        None => f(core::ptr::null()),
    }
}

/// The length of a Rust buffer as `HPy_ssize_t`.
fn ssize(len: usize) -> HPyResult<HPy_ssize_t> {
    HPy_ssize_t::try_from(len).map_err(|_| HPyErr::overflow_error("buffer is too long"))
}

impl<'ctx> Context<'ctx> {
    /// A new `str` from formatted Rust text: the safe stand-in for C's
    /// variadic `HPyUnicode_FromFormat`, using Rust's formatting instead of
    /// printf-style directives.
    ///
    /// ```
    /// # use hpy::{Context, HPyResult, Handle};
    /// fn describe<'ctx>(ctx: Context<'ctx>, n: i64) -> HPyResult<Handle<'ctx>> {
    ///     ctx.unicode_from_fmt(format_args!("{n} items ({:.1}%)", n as f64 / 3.0))
    /// }
    /// ```
    ///
    /// A constant format string is converted without an intermediate
    /// `String`.
    pub fn unicode_from_fmt(self, args: fmt::Arguments<'_>) -> HPyResult<Handle<'ctx>> {
        match args.as_str() {
            Some(s) => s.into_hpy(self),
            None => std::fmt::format(args).into_hpy(self),
        }
    }

    /// A new `str` from wide characters (`HPyUnicode_FromWideChar`; UTF-32
    /// on Linux and macOS, UTF-16 on Windows). Unlike
    /// `HPyUnicode_FromString` it takes a length, so it accepts NUL.
    pub fn unicode_from_wide_char(self, chars: &[wchar_t]) -> HPyResult<Handle<'ctx>> {
        let len = ssize(chars.len())?;
        // SAFETY: pointer and length describe `chars` (a non-null pointer
        // even when empty); the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyUnicode_FromWideChar(
                self.as_raw(),
                chars.as_ptr(),
                len,
            ))
        }
    }

    /// Decodes ASCII bytes into a `str` (`HPyUnicode_DecodeASCII`), with an
    /// error handler name (`None` means `"strict"`: `UnicodeDecodeError` for
    /// bytes above 127), like `data.decode("ascii", errors)`.
    pub fn decode_ascii(self, data: &[u8], errors: Option<&str>) -> HPyResult<Handle<'ctx>> {
        let len = ssize(data.len())?;
        with_opt_cstr(errors, |errors| {
            // SAFETY: pointer and length describe `data`; `errors` is null
            // or NUL-terminated; the result is owned or HPy_NULL.
            unsafe {
                self.wrap_result(hpy_sys::HPyUnicode_DecodeASCII(
                    self.as_raw(),
                    data.as_ptr().cast(),
                    len,
                    errors,
                ))
            }
        })
    }

    /// Decodes Latin-1 bytes into a `str` (`HPyUnicode_DecodeLatin1`), like
    /// `data.decode("latin-1", errors)` (which cannot fail).
    pub fn decode_latin1(self, data: &[u8], errors: Option<&str>) -> HPyResult<Handle<'ctx>> {
        let len = ssize(data.len())?;
        with_opt_cstr(errors, |errors| {
            // SAFETY: as in `decode_ascii`.
            unsafe {
                self.wrap_result(hpy_sys::HPyUnicode_DecodeLatin1(
                    self.as_raw(),
                    data.as_ptr().cast(),
                    len,
                    errors,
                ))
            }
        })
    }

    /// Decodes a C string in the file-system encoding (with the
    /// `surrogateescape` handler on POSIX), like `os.fsdecode`
    /// (`HPyUnicode_DecodeFSDefault`).
    pub fn decode_fs_default(self, path: &CStr) -> HPyResult<Handle<'ctx>> {
        // SAFETY: `path` is NUL-terminated; the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyUnicode_DecodeFSDefault(
                self.as_raw(),
                path.as_ptr(),
            ))
        }
    }

    /// Decodes bytes in the file-system encoding, like `os.fsdecode`
    /// (`HPyUnicode_DecodeFSDefaultAndSize`). Unlike
    /// [`decode_fs_default`](Context::decode_fs_default) it takes a length.
    pub fn decode_fs_default_and_size(self, path: &[u8]) -> HPyResult<Handle<'ctx>> {
        let len = ssize(path.len())?;
        // SAFETY: pointer and length describe `path`; owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyUnicode_DecodeFSDefaultAndSize(
                self.as_raw(),
                path.as_ptr().cast(),
                len,
            ))
        }
    }

    /// `str(obj, encoding, errors)` for a bytes-like `obj`
    /// (`HPyUnicode_FromEncodedObject`; `None` means `"utf-8"` and
    /// `"strict"`). A `str` raises `TypeError`, as in CPython.
    ///
    /// PyPy 7.3.19 accepts only `bytes` and buffer objects such as
    /// `memoryview` here, not `bytearray` (`TypeError: decoding bytearray is
    /// not supported`).
    pub fn unicode_from_encoded_object(
        self,
        obj: &Handle<'ctx>,
        encoding: Option<&str>,
        errors: Option<&str>,
    ) -> HPyResult<Handle<'ctx>> {
        with_opt_cstr(encoding, |encoding| {
            with_opt_cstr(errors, |errors| {
                // SAFETY: valid handle; `encoding` and `errors` are null or
                // NUL-terminated; the result is owned or HPy_NULL.
                unsafe {
                    self.wrap_result(hpy_sys::HPyUnicode_FromEncodedObject(
                        self.as_raw(),
                        obj.as_raw(),
                        encoding,
                        errors,
                    ))
                }
            })
        })
    }
}

impl<'ctx> Handle<'ctx> {
    /// Raises `TypeError` unless `self` is a `str`.
    #[inline]
    fn require_str(&self) -> HPyResult<()> {
        if self.is_str() {
            Ok(())
        } else {
            Err(HPyErr::wrong_type("str", self.type_name()))
        }
    }

    /// `self.encode("utf-8")` (`HPyUnicode_AsUTF8String`). Raises
    /// `TypeError` if `self` is not a `str`.
    #[inline]
    pub fn as_utf8_string(&self) -> HPyResult<Handle<'ctx>> {
        self.require_str()?;
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_AsUTF8String(
                ctx.as_raw(),
                self.as_raw(),
            ))
        }
    }

    /// `self.encode("ascii")` (`HPyUnicode_AsASCIIString`). Raises
    /// `TypeError` if `self` is not a `str`.
    #[inline]
    pub fn as_ascii_string(&self) -> HPyResult<Handle<'ctx>> {
        self.require_str()?;
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_AsASCIIString(
                ctx.as_raw(),
                self.as_raw(),
            ))
        }
    }

    /// `self.encode("latin-1")` (`HPyUnicode_AsLatin1String`). Raises
    /// `TypeError` if `self` is not a `str`.
    #[inline]
    pub fn as_latin1_string(&self) -> HPyResult<Handle<'ctx>> {
        self.require_str()?;
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_AsLatin1String(
                ctx.as_raw(),
                self.as_raw(),
            ))
        }
    }

    /// `os.fsencode(self)` for a `str` (`HPyUnicode_EncodeFSDefault`).
    /// Raises `TypeError` if `self` is not a `str`.
    #[inline]
    pub fn encode_fs_default(&self) -> HPyResult<Handle<'ctx>> {
        self.require_str()?;
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_EncodeFSDefault(
                ctx.as_raw(),
                self.as_raw(),
            ))
        }
    }

    /// `self[index]` as a Rust `char` (`HPyUnicode_ReadChar`). `index`
    /// counts code points from 0 (no negative indexing); out of range is an
    /// `IndexError`, a lone surrogate (which no `char` can hold) a
    /// `ValueError`, and a non-`str` a `TypeError`.
    pub fn read_char(&self, index: usize) -> HPyResult<char> {
        self.require_str()?;
        let index = HPy_ssize_t::try_from(index)
            .map_err(|_| HPyErr::index_error("string index out of range"))?;
        let ctx = self.context();
        // SAFETY: `self` is a str; (HPy_UCS4)-1 with an exception set on
        // failure.
        let c = unsafe { hpy_sys::HPyUnicode_ReadChar(ctx.as_raw(), self.as_raw(), index) };
        if c == u32::MAX && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        char::from_u32(c).ok_or_else(|| {
            HPyErr::value_error(format!(
                "character U+{c:04X} at index {index} is a lone surrogate"
            ))
        })
    }

    /// `self[start:end]` for a `str`, in code points
    /// (`HPyUnicode_Substring`): `end` past the length is clamped, `end <=
    /// start` gives `""`. Raises `TypeError` if `self` is not a `str`.
    pub fn substring(&self, start: usize, end: usize) -> HPyResult<Handle<'ctx>> {
        self.require_str()?;
        let ctx = self.context();
        let clamp = |i: usize| HPy_ssize_t::try_from(i).unwrap_or(HPy_ssize_t::MAX);
        // SAFETY: `self` is a str and both indices are non-negative; the
        // result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_Substring(
                ctx.as_raw(),
                self.as_raw(),
                clamp(start),
                clamp(end),
            ))
        }
    }
}
