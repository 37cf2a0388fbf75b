//! Reading a NumPy array's header in place in the CPython ABI.

use super::*;

/// The address of the object `obj` refers to, for code that reads a
/// C-level struct of a type it checked first (a NumPy array's header):
/// always `Some` here, where a handle is the `PyObject*`; with it the size
/// of CPython's object header (`PyObject_HEAD`), 16 bytes.
///
/// # Safety
/// `obj` is a live handle of the call's context.
#[inline(always)]
pub unsafe fn object_address(_ctx: *mut HPyContext, obj: HPy) -> Option<(*const u8, usize)> {
    Some((
        _h2py(obj).cast::<u8>().cast_const(),
        2 * core::mem::size_of::<usize>(),
    ))
}
