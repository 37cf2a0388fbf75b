//! `bytes`: zero-copy `&[u8]`, and the `u8` hooks that make `Vec<u8>`,
//! `&[u8]` and `[u8; N]` convert to `bytes`.

use crate::{Bytes, Context, FromHPy, HPyResult, Handle, Type};

impl<'a, 'ctx> FromHPy<'a, 'ctx> for &'a [u8] {
    /// Borrows the contents of a `bytes` object without copying. Only
    /// `bytes` is accepted (a `bytearray` can change under the borrow).
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.downcast_checked::<Bytes>()?.as_bytes()
    }
}

/// The fast path of `Vec<u8>` extraction: `bytes` is copied in one go, as
/// are `bytearray` and `memoryview` (through `bytes(obj)`, the buffer
/// protocol: a memoryview gives its raw bytes whatever its format); `None`
/// for anything else, which is then read as a sequence of ints.
pub(in crate::convert) fn extract_byte_vec(obj: &Handle<'_>) -> Option<HPyResult<Vec<u8>>> {
    match obj.downcast_ref::<Bytes>() {
        Some(b) => Some(b.to_vec()),
        None => extract_buffer_vec(obj),
    }
}

/// `bytearray` and `memoryview` (and their subclasses) copied through
/// `bytes(obj)`; `None` for other types.
#[cold]
fn extract_buffer_vec(obj: &Handle<'_>) -> Option<HPyResult<Vec<u8>>> {
    if obj.is_list() || obj.is_tuple() {
        // A list of ints: no builtin lookups on its way to the sequence path.
        return None;
    }
    let ctx = obj.context();
    let is_buffer = |name: &str| -> HPyResult<bool> {
        Ok(obj.type_check(&ctx.builtin(name)?.downcast::<Type>()?))
    };
    match is_buffer("bytearray").and_then(|b| Ok(b || is_buffer("memoryview")?)) {
        Ok(false) => None,
        Ok(true) => Some(obj.bytes().and_then(|copy| copy.to_vec())),
        Err(e) => Some(Err(e)),
    }
}

/// A new `bytes` object ([`Context::new_bytes`]).
#[inline]
pub(in crate::convert) fn bytes_from_slice<'ctx>(
    ctx: Context<'ctx>,
    data: &[u8],
) -> HPyResult<Handle<'ctx>> {
    Ok(ctx.new_bytes(data)?.into_handle())
}
