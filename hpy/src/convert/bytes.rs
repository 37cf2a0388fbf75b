//! Feature `bytes`: `bytes::Bytes`, `bytes::BytesMut` ↔ `bytes`.
//!
//! From Python, as PyO3: a `bytes` or a `bytearray` (other buffers, such as
//! `memoryview`, are a `TypeError`; take `Vec<u8>` or
//! [`Buffer`](crate::Buffer) for those). The contents are copied: an HPy
//! handle cannot outlive the call, so a `Bytes` cannot keep the Python
//! object alive as PyO3's does. To Python: a new `bytes` (copied, as
//! PyO3 does).

use ::bytes::{Bytes, BytesMut};

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy, Type};

/// Calls `f` with the contents of a `bytes` or `bytearray`.
fn with_contents<'ctx, T>(obj: &Handle<'ctx>, f: impl FnOnce(&[u8]) -> T) -> HPyResult<T> {
    if let Some(b) = obj.downcast_ref::<crate::Bytes>() {
        return Ok(f(b.as_bytes()?));
    }
    let bytearray = obj.context().builtin("bytearray")?.downcast::<Type>()?;
    if obj.type_check(&bytearray) {
        // bytes(obj): one copy through the buffer protocol.
        return Ok(f(obj.bytes()?.as_bytes()?));
    }
    Err(HPyErr::wrong_type("bytes or bytearray", obj.type_name()))
}

impl<'ctx> FromHPy<'_, 'ctx> for Bytes {
    /// A copy of a `bytes` or `bytearray`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        with_contents(obj, Bytes::copy_from_slice)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for BytesMut {
    /// A copy of a `bytes` or `bytearray`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        with_contents(obj, |data| BytesMut::from(data))
    }
}

impl<'ctx> IntoHPy<'ctx> for Bytes {
    /// A new `bytes`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        super::std::bytes::bytes_from_slice(ctx, &self)
    }
}

impl<'ctx> IntoHPy<'ctx> for BytesMut {
    /// A new `bytes`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        super::std::bytes::bytes_from_slice(ctx, &self)
    }
}
