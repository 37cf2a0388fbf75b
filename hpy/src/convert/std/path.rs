//! File-system paths: `PathBuf`/`OsString` from `str`, `bytes` and
//! `os.PathLike`; `&Path`, `PathBuf`, `&OsStr`, `OsString` to `str`.
//!
//! Python's file-system encoding rules apply both ways
//! (`HPyUnicode_EncodeFSDefault` / `HPyUnicode_DecodeFSDefaultAndSize`,
//! which are `os.fsencode` / `os.fsdecode`): on Linux, UTF-8 with
//! `surrogateescape`, so a file name that is not UTF-8 survives the round
//! trip as lone surrogates in the `str`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::{Bytes, Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy, Str};

/// What a path parameter accepts, for error messages.
const EXPECTED: &str = "str, bytes or os.PathLike";

/// The file-system bytes of `obj`: a `str` encoded as `os.fsencode` does, a
/// `bytes` as it is, an `os.PathLike` through `os.fspath`.
fn fs_bytes(obj: &Handle<'_>) -> HPyResult<Vec<u8>> {
    if let Some(s) = obj.downcast_ref::<Str>() {
        return Ok(s.encode_fs_default()?.as_bytes()?.to_vec());
    }
    if let Some(b) = obj.downcast_ref::<Bytes>() {
        return Ok(b.as_bytes()?.to_vec());
    }
    let ctx = obj.context();
    if !obj.get_type().has_attr_s("__fspath__")? {
        return Err(HPyErr::wrong_type(EXPECTED, obj.type_name()));
    }
    let path = ctx.import_module("os")?.call_method_s("fspath", &[obj])?;
    if path.is_str() || path.is_bytes() {
        fs_bytes(&path)
    } else {
        // os.fspath already checks this; a misbehaving `os` module aside.
        Err(HPyErr::wrong_type(EXPECTED, path.type_name()))
    }
}

/// An `OsString` from file-system bytes.
fn os_string(bytes: Vec<u8>) -> HPyResult<OsString> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Ok(OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes)
            .map(OsString::from)
            .map_err(|_| HPyErr::value_error("file name is not valid UTF-8"))
    }
}

/// The file-system bytes of an `OsStr`.
fn os_bytes(s: &OsStr) -> HPyResult<&[u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(s.as_bytes())
    }
    #[cfg(not(unix))]
    {
        s.to_str()
            .map(str::as_bytes)
            .ok_or_else(|| HPyErr::value_error("file name is not valid Unicode"))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for OsString {
    /// Accepts `str`, `bytes` or any `os.PathLike` (`os.fspath`); a `str`
    /// is encoded as `os.fsencode` does (`UnicodeEncodeError` for lone
    /// surrogates it cannot encode).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        os_string(fs_bytes(obj)?)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for PathBuf {
    /// Accepts what `OsString` does: `str`, `bytes`, `pathlib.Path` or any
    /// other `os.PathLike`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        OsString::extract(obj).map(PathBuf::from)
    }
}

impl<'ctx> IntoHPy<'ctx> for &OsStr {
    /// A `str`, decoded as `os.fsdecode` does.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        ctx.decode_fs_default_and_size(os_bytes(self)?)
            .map(Into::into)
    }
}

impl<'ctx> IntoHPy<'ctx> for OsString {
    /// A `str`, decoded as `os.fsdecode` does.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.as_os_str().into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &Path {
    /// A `str` (not a `pathlib.Path`), decoded as `os.fsdecode` does.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.as_os_str().into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for PathBuf {
    /// A `str` (not a `pathlib.Path`), decoded as `os.fsdecode` does.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.as_os_str().into_hpy(ctx)
    }
}
