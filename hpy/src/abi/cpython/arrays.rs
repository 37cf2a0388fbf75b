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

/// The handle of the object at `addr`, taking over the reference the
/// caller owns: always `Some` here, where a handle is the `PyObject*`.
///
/// # Safety
/// `addr` is a live object the caller owns one reference to, given up.
#[inline(always)]
pub unsafe fn owned_object_handle(_ctx: *mut HPyContext, addr: *mut u8) -> Option<HPy> {
    Some(_py2h(addr.cast()))
}

/// The object of the handle `obj` as an address owning one reference,
/// taking over the handle's: always `Some` here.
///
/// # Safety
/// `obj` is a live handle of the call's context, not used afterwards.
#[inline(always)]
pub unsafe fn into_owned_object(_ctx: *mut HPyContext, obj: HPy) -> Option<*mut u8> {
    Some(_h2py(obj).cast())
}

/// Whether objects can be passed to and from C code that takes
/// `PyObject*` ([`owned_object_handle`], [`into_owned_object`]): always
/// here.
#[inline(always)]
pub fn objects_reachable(_ctx: *mut HPyContext) -> bool {
    true
}
