//! Calling a Python callback from inside a context function (the debug
//! mode's invalid-handle callbacks, the trace mode's trace functions), where
//! an exception may be pending and no error can be returned.

use hpy_sys::cpython::PyObject;

extern "C" {
    fn PyErr_Fetch(
        ptype: *mut *mut PyObject,
        pvalue: *mut *mut PyObject,
        ptraceback: *mut *mut PyObject,
    );
    fn PyErr_Restore(ptype: *mut PyObject, pvalue: *mut PyObject, ptraceback: *mut PyObject);
    fn PyObject_CallNoArgs(callable: *mut PyObject) -> *mut PyObject;
    fn PyObject_CallOneArg(callable: *mut PyObject, arg: *mut PyObject) -> *mut PyObject;
    fn PyErr_WriteUnraisable(obj: *mut PyObject);
    fn Py_DecRef(o: *mut PyObject);
}

/// Calls `callable` with no arguments, or with `arg` when it is not NULL.
/// An exception pending before the call is set aside and put back after
/// it; an error raised by the callback is printed as unraisable after
/// `context` (one line on stderr) and does not escape.
///
/// # Safety
/// The GIL is held; `callable` is a live object and `arg` NULL or one, and
/// both stay alive during the call (the caller holds references).
pub(crate) unsafe fn call_aside(callable: *mut PyObject, arg: *mut PyObject, context: &str) {
    let (mut t, mut v, mut tb) = (
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
    );
    // SAFETY: the GIL is held and the objects are live (caller); the
    // fetched exception is owned here until PyErr_Restore takes it back.
    unsafe {
        PyErr_Fetch(&mut t, &mut v, &mut tb);
        let result = if arg.is_null() {
            PyObject_CallNoArgs(callable)
        } else {
            PyObject_CallOneArg(callable, arg)
        };
        if result.is_null() {
            eprintln!("{context}");
            PyErr_WriteUnraisable(callable);
        } else {
            Py_DecRef(result);
        }
        PyErr_Restore(t, v, tb);
    }
}
