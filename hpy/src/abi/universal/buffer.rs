//! Consuming the buffer protocol in the universal ABI.

use super::*;

/// `PyBUF_SIMPLE`: plain contiguous bytes, no format, no shape. The flags
/// [`get_buffer`] asks the host's table for; kept here, with the one call
/// that passes it, since HPy 0.9 (and so hpy-sys) has no such constant.
const PYBUF_SIMPLE: core::ffi::c_int = 0;

/// The host's `PyObject_GetBuffer(obj, view, PyBUF_SIMPLE)` where it has
/// one (hpy_rs_universal's plain context, extension table version 2):
/// `Some(0)`, or `Some(-1)` with an exception set; `None` where HPy 0.9
/// is all there is (the caller copies instead).
///
/// # Safety
/// `ctx` is the call's context and `obj` a live handle of it; `view` is
/// writable memory for one `HPy_buffer`.
#[inline(always)]
pub unsafe fn get_buffer(
    ctx: *mut HPyContext,
    obj: HPy,
    view: *mut hpy_sys::HPy_buffer,
) -> Option<core::ffi::c_int> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 2)?;
    // SAFETY: the contract; the table's entries of version 2 are present
    // (checked) and valid with this context, whose handles are the objects.
    Some(unsafe { (ext.get_buffer)(obj, view, PYBUF_SIMPLE) })
}

/// Makes a class's type immutable (`#[hpy_class(immutable_type)]`), as the
/// CPython ABI does; `TypeError` for a class with a mutable base.
///
/// HPy 0.9 has no such flag: hpy_rs_universal offers it, to its plain
/// context through its table (version 8), and to every one of its contexts
/// (debug and trace too, whose types must behave as the plain context's)
/// as the module function `hpy_rs_universal._freeze_type`. Other hosts
/// (`Quirk::NoTypeFreeze`), and a host from before that function, keep the
/// type mutable.
pub(crate) fn freeze_type(ty: &crate::Handle<'_>) -> HPyResult<()> {
    let ctx = ty.context();
    if let Some(ext) = plain_ext::of(ctx.as_raw()).filter(|ext| ext.version >= 8) {
        // SAFETY: the GIL is held (a call's handle); the entry of version
        // 8 is there (checked), and a handle of the plain context is the
        // object.
        let status = unsafe { (ext.freeze_type)(ty.as_raw()) };
        return ctx.wrap_status(status);
    }
    if host_profile().has(Quirk::NoTypeFreeze) {
        return Ok(());
    }
    freeze_through_host_module(ty)
}

/// [`freeze_type`] on a context of hpy_rs_universal without its table
/// (debug, trace): `hpy_rs_universal._freeze_type(ty)`, where the host
/// has it.
#[cold]
pub(super) fn freeze_through_host_module(ty: &crate::Handle<'_>) -> HPyResult<()> {
    let host = ty.context().import_module("hpy_rs_universal")?;
    if !host.has_attr_s("_freeze_type")? {
        return Ok(());
    }
    host.call_method_s("_freeze_type", &[ty])?;
    Ok(())
}

/// Releases a view filled by [`get_buffer`].
///
/// # Safety
/// `ctx` is the context `get_buffer` filled `view` with (so its table has
/// `release_buffer`), in a call on it; `view` is released once.
#[inline(always)]
pub unsafe fn release_buffer(ctx: *mut HPyContext, view: *mut hpy_sys::HPy_buffer) {
    if let Some(ext) = plain_ext::of(ctx) {
        // SAFETY: the contract: the view came from this table's
        // `get_buffer`.
        unsafe { (ext.release_buffer)(view) }
    }
}
