//! `bytes`: zero-copy `&[u8]`, and the `u8` hooks that make `Vec<u8>`,
//! `&[u8]` and `[u8; N]` convert to `bytes`.

use hpy_sys::HPy_ssize_t;

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle};

/// The bytes of a `bytes` object, borrowed for as long as `obj` is
/// (`HPyBytes_AsString` + `HPyBytes_Size`), or `None` if `obj` is not
/// `bytes`.
fn borrow_bytes<'a>(obj: &'a Handle<'_>) -> HPyResult<Option<&'a [u8]>> {
    let ctx = obj.context();
    let raw = ctx.as_raw();
    // SAFETY: valid context and handle.
    if unsafe { hpy_sys::HPyBytes_Check(raw, obj.as_raw()) } == 0 {
        return Ok(None);
    }
    // SAFETY: `obj` is bytes. Its buffer is immutable and lives as long as
    // the object, which the borrowed handle keeps alive for `'a` (HPy's
    // debug mode checks exactly that: the buffer dies with the handle).
    unsafe {
        let len = hpy_sys::HPyBytes_Size(raw, obj.as_raw());
        let data = hpy_sys::HPyBytes_AsString(raw, obj.as_raw());
        if len < 0 || data.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(Some(core::slice::from_raw_parts(
            data.cast::<u8>(),
            len as usize,
        )))
    }
}

impl<'a, 'ctx> FromHPy<'a, 'ctx> for &'a [u8] {
    /// Borrows the contents of a `bytes` object without copying. Only
    /// `bytes` is accepted (a `bytearray` can change under the borrow).
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        borrow_bytes(obj)?.ok_or_else(|| HPyErr::wrong_type("bytes", obj.type_name()))
    }
}

/// The fast path of `Vec<u8>` extraction: `bytes` is copied in one go, as
/// are `bytearray` and `memoryview` (through `bytes(obj)`, the buffer
/// protocol: a memoryview gives its raw bytes whatever its format); `None`
/// for anything else, which is then read as a sequence of ints.
pub(super) fn extract_byte_vec(obj: &Handle<'_>) -> Option<HPyResult<Vec<u8>>> {
    match borrow_bytes(obj) {
        Ok(Some(b)) => Some(Ok(b.to_vec())),
        Ok(None) => extract_buffer_vec(obj),
        Err(e) => Some(Err(e)),
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
    let is_buffer = |name: &str| -> HPyResult<bool> { obj.type_check(&ctx.builtin(name)?) };
    match is_buffer("bytearray").and_then(|b| Ok(b || is_buffer("memoryview")?)) {
        Ok(false) => None,
        Ok(true) => Some(obj.bytes().and_then(|copy| {
            let data = borrow_bytes(&copy)?
                .ok_or_else(|| HPyErr::wrong_type("bytes", copy.type_name()))?;
            Ok(data.to_vec())
        })),
        Err(e) => Some(Err(e)),
    }
}

/// A new `bytes` object (`HPyBytes_FromStringAndSize`).
pub(super) fn bytes_from_slice<'ctx>(ctx: Context<'ctx>, data: &[u8]) -> HPyResult<Handle<'ctx>> {
    // SAFETY: pointer and length describe `data` (a slice never exceeds
    // isize::MAX bytes); the result is owned or HPy_NULL.
    unsafe {
        ctx.wrap_result(hpy_sys::HPyBytes_FromStringAndSize(
            ctx.as_raw(),
            data.as_ptr().cast(),
            data.len() as HPy_ssize_t,
        ))
    }
}
