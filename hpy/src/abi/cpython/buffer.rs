//! Consuming the buffer protocol in the CPython ABI.

use super::*;

/// `PyBUF_SIMPLE`: plain contiguous bytes, no format, no shape. The flags
/// [`get_buffer`] asks for; kept here, with the one call that passes it,
/// since hpy-sys's bindings have no such constant.
const PYBUF_SIMPLE: c_int = 0;

/// `PyObject_GetBuffer(obj, view, PyBUF_SIMPLE)`: `Some(0)`, or `Some(-1)`
/// with an exception set (never `None`: the CPython ABI always can).
///
/// # Safety
/// The GIL is held; `obj` is a live handle; `view` is writable memory for
/// one `HPy_buffer` (`Py_buffer`'s layout here, see `object_to_handle`).
#[inline(always)]
pub unsafe fn get_buffer(
    _ctx: *mut HPyContext,
    obj: HPy,
    view: *mut hpy_sys::HPy_buffer,
) -> Option<c_int> {
    // SAFETY: the contract; a handle is the object here.
    Some(unsafe { hpy_sys::cpython::ffi::PyObject_GetBuffer(_h2py(obj), view, PYBUF_SIMPLE) })
}

/// `PyBuffer_Release(view)`.
///
/// # Safety
/// The GIL is held; `view` was filled by [`get_buffer`] and is released
/// once.
#[inline(always)]
pub unsafe fn release_buffer(_ctx: *mut HPyContext, view: *mut hpy_sys::HPy_buffer) {
    // SAFETY: the contract.
    unsafe { hpy_sys::cpython::ffi::PyBuffer_Release(view) }
}
