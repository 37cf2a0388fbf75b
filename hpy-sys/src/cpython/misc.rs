//! The CPython-ABI API functions of `hpy/cpython/misc.h` that are not a single
//! mechanical call (refcounting, casts, `#if`s), written by hand, and
//! `HPy_CallTupleDict` (CPython's call dispatch inline for the common case), plus the
//! three universal-ABI functions C HPy has no CPython-ABI version of
//! (`HPyCapsule_Get`, `HPyCapsule_Set`, `_HPyType_GetBuiltinShape`), so that
//! both ABIs export the same names.
//!
//! Like every CPython-ABI shim, none of these reads its `ctx` argument.

use core::ffi::{c_char, c_int, c_long, c_longlong, c_ulong, c_ulonglong, c_void};

use super::ffi::{PyDict_Next, PyDict_Size};
use super::runtime;
use super::{
    _PyTuple_ITEMS, tp_flags, type_field, PyDict_Check, PyTuple_Check, PyTuple_GET_SIZE,
    PyTypeObject_tp_vectorcall_offset_OFFSET, Py_TPFLAGS_HAVE_VECTORCALL, Py_TYPE,
};
use super::{
    _h2py, _hf2py, _hg2py, _py2h, _py2hf, _py2hg, hpy_rs_cpython_context, PyObject, PyTypeObject,
    Py_DECREF, Py_INCREF, Py_XDECREF, Py_XINCREF, PY_VECTORCALL_ARGUMENTS_OFFSET,
};
use crate::*;

/// CPython's `vectorcallfunc`.
type vectorcallfunc = unsafe extern "C" fn(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject;

extern "C" {
    fn Py_FatalError(message: *const c_char) -> !;
    fn PyObject_Vectorcall(
        callable: *mut PyObject,
        args: *const *mut PyObject,
        nargsf: usize,
        kwnames: *mut PyObject,
    ) -> *mut PyObject;
    fn PyVectorcall_Call(
        callable: *mut PyObject,
        tuple: *mut PyObject,
        kwargs: *mut PyObject,
    ) -> *mut PyObject;
    fn PyObject_Call(
        callable: *mut PyObject,
        args: *mut PyObject,
        kwargs: *mut PyObject,
    ) -> *mut PyObject;
    fn PyObject_VectorcallMethod(
        name: *mut PyObject,
        args: *const *mut PyObject,
        nargsf: usize,
        kwnames: *mut PyObject,
    ) -> *mut PyObject;
    fn PyLong_FromLong(v: c_long) -> *mut PyObject;
    fn PyLong_FromUnsignedLong(v: c_ulong) -> *mut PyObject;
    fn PyLong_FromLongLong(v: c_longlong) -> *mut PyObject;
    fn PyLong_FromUnsignedLongLong(v: c_ulonglong) -> *mut PyObject;
    fn PyLong_AsLong(o: *mut PyObject) -> c_long;
    fn PyLong_AsUnsignedLong(o: *mut PyObject) -> c_ulong;
    fn PyLong_AsUnsignedLongMask(o: *mut PyObject) -> c_ulong;
    fn PyLong_AsLongLong(o: *mut PyObject) -> c_longlong;
    fn PyLong_AsUnsignedLongLong(o: *mut PyObject) -> c_ulonglong;
    fn PyLong_AsUnsignedLongLongMask(o: *mut PyObject) -> c_ulonglong;
    fn PyType_IsSubtype(a: *mut PyTypeObject, b: *mut PyTypeObject) -> c_int;
    fn PyTuple_New(n: HPy_ssize_t) -> *mut PyObject;
    static mut PyUnicode_Type: PyTypeObject;
}

/// `true` where C `long` is 32 bits (Windows): there HPy's CPython ABI uses
/// `PyLong_AsLong` for 32-bit conversions, elsewhere its runtime.
const LONG_IS_32_BITS: bool = core::mem::size_of::<c_long>() == 4;

/// HPy API function `HPy_Dup` (CPython ABI: `Py_XINCREF`, same handle back).
#[inline]
pub unsafe fn HPy_Dup(_ctx: *mut HPyContext, handle: HPy) -> HPy {
    // SAFETY: `handle` is a live handle or NULL (crate-level contract).
    unsafe { Py_XINCREF(_h2py(handle)) };
    handle
}

/// HPy API function `HPy_Close` (CPython ABI: `Py_XDECREF`).
#[inline]
pub unsafe fn HPy_Close(_ctx: *mut HPyContext, handle: HPy) {
    // SAFETY: `handle` is an owned live handle or NULL (crate-level contract).
    unsafe { Py_XDECREF(_h2py(handle)) }
}

/// HPy API function `HPyField_Store`: stores a new reference to `h` (may be
/// NULL) in `*target_field`, releasing the previous one.
#[inline]
pub unsafe fn HPyField_Store(
    _ctx: *mut HPyContext,
    _target_object: HPy,
    target_field: *mut HPyField,
    h: HPy,
) {
    let obj = _h2py(h);
    // SAFETY: `target_field` points to a field of `target_object` (contract);
    // the old value is a reference the field owned, or NULL.
    unsafe {
        let old = _hf2py(*target_field);
        Py_XINCREF(obj);
        *target_field = _py2hf(obj);
        Py_XDECREF(old);
    }
}

/// HPy API function `HPyField_Load`: a new handle to the field's object.
#[inline]
pub unsafe fn HPyField_Load(
    _ctx: *mut HPyContext,
    _source_object: HPy,
    source_field: HPyField,
) -> HPy {
    let obj = _hf2py(source_field);
    // SAFETY: a non-NULL field holds a live reference (contract: as in C, the
    // field must not be NULL).
    unsafe { Py_INCREF(obj) };
    _py2h(obj)
}

/// HPy API function `HPyGlobal_Store`.
#[inline]
pub unsafe fn HPyGlobal_Store(_ctx: *mut HPyContext, global: *mut HPyGlobal, h: HPy) {
    let obj = _h2py(h);
    // SAFETY: `global` points to a global that owns its (possibly NULL) value.
    // The old value is released last: its finalizer may run Python code
    // that loads or stores this global, which must find the new value, not
    // a freed one (issue 25: a `__del__` storing itself in the global it
    // was replaced in crashed).
    unsafe {
        let old = _hg2py(*global);
        Py_XINCREF(obj);
        *global = _py2hg(obj);
        Py_XDECREF(old);
    }
}

/// HPy API function `HPyGlobal_Load`: a new handle to the global's object.
#[inline]
pub unsafe fn HPyGlobal_Load(_ctx: *mut HPyContext, global: HPyGlobal) -> HPy {
    let obj = _hg2py(global);
    // SAFETY: a stored global holds a live reference (contract: not NULL).
    unsafe { Py_INCREF(obj) };
    _py2h(obj)
}

/// HPy API function `HPy_FromPyObject` (legacy): a new handle to `obj`.
#[inline]
pub unsafe fn HPy_FromPyObject(_ctx: *mut HPyContext, obj: *mut cpy_PyObject) -> HPy {
    // SAFETY: `obj` is a live object or NULL (contract).
    unsafe { Py_XINCREF(obj) };
    _py2h(obj)
}

/// HPy API function `HPy_AsPyObject` (legacy): a new reference to the object.
#[inline]
pub unsafe fn HPy_AsPyObject(_ctx: *mut HPyContext, h: HPy) -> *mut cpy_PyObject {
    let result = _h2py(h);
    // SAFETY: `h` is a live handle or NULL (contract).
    unsafe { Py_XINCREF(result) };
    result
}

/// HPy API function `HPy_FatalError` (CPython ABI: `Py_FatalError`); never returns.
#[inline]
pub unsafe fn HPy_FatalError(_ctx: *mut HPyContext, message: *const c_char) -> ! {
    // SAFETY: `message` is a NUL-terminated string (contract).
    unsafe { Py_FatalError(message) }
}

/// HPy API function `HPy_Call` (CPython ABI: `PyObject_Vectorcall`; an `HPy`
/// array is a `PyObject*` array).
#[inline]
pub unsafe fn HPy_Call(
    _ctx: *mut HPyContext,
    callable: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: handles are live, `args` has `nargs` (+ len(kwnames)) items
    // (contract); `HPy` has the layout of `PyObject*`.
    _py2h(unsafe { PyObject_Vectorcall(_h2py(callable), args.cast(), nargs, _h2py(kwnames)) })
}

/// HPy API function `HPy_CallTupleDict` (CPython ABI). For a tuple with a
/// dict or NULL this does what `PyObject_Call` does, minus its dispatch: a
/// callable with a vectorcall function gets the tuple's items directly (no
/// keywords) or through a stack buffer of its arguments (`vectorcall_with_dict`); any other callable goes to
/// `PyObject_Call`. Every other case (NULL arguments, wrong types) is left to
/// the runtime's `ctx_CallTupleDict`, so results and error messages are HPy's.
#[inline]
pub unsafe fn HPy_CallTupleDict(_ctx: *mut HPyContext, callable: HPy, args: HPy, kw: HPy) -> HPy {
    let (f, t, d) = (_h2py(callable), _h2py(args), _h2py(kw));
    // SAFETY: the handles are live or HPy_NULL (contract), so the type checks
    // read live objects; past them `t` is a tuple and `d` a dict or NULL,
    // which is what `PyObject_Call`, `PyVectorcall_Call` and a vectorcall
    // function (given the tuple's items and no keyword names) accept.
    unsafe {
        if args._i == 0 || PyTuple_Check(t) == 0 || (kw._i != 0 && PyDict_Check(d) == 0) {
            return call_tuple_dict_in_runtime(callable, args, kw);
        }
        _py2h(match vectorcall_function(f) {
            Some(func) if kw._i == 0 => func(
                f,
                _PyTuple_ITEMS(t),
                PyTuple_GET_SIZE(t) as usize,
                core::ptr::null_mut(),
            ),
            Some(func) => vectorcall_with_dict(func, f, t, d),
            None => PyObject_Call(f, t, d),
        })
    }
}

/// The most arguments (positional plus keyword) [`vectorcall_with_dict`]
/// passes from its stack buffer; larger calls go to `PyVectorcall_Call`.
const STACK_ARGS: usize = 8;

/// `func(f, *t, **d)` for a vectorcall callable: what `PyVectorcall_Call`
/// does, minus its heap buffer. Positional items come from the tuple, keyword
/// values (each with a new reference, as the dict may change during the
/// call) after them in a stack buffer, and the keys in a new `kwnames`
/// tuple. A call with more than [`STACK_ARGS`] arguments, or with a key that
/// is not exactly a `str` (which vectorcall's `kwnames` must be), is left to
/// `PyVectorcall_Call`, whose errors are CPython's own.
///
/// # Safety
/// `f` is a live callable whose vectorcall function is `func`, `t` a live
/// tuple and `d` a live dict or NULL; the GIL is held.
#[inline(never)]
unsafe extern "C" fn vectorcall_with_dict(
    func: vectorcallfunc,
    f: *mut PyObject,
    t: *mut PyObject,
    d: *mut PyObject,
) -> *mut PyObject {
    // SAFETY: `t` is a live tuple and `d` a live dict or NULL (caller). The
    // buffer keeps a spare slot in front, which PY_VECTORCALL_ARGUMENTS_OFFSET
    // lends to the callee; its items are the tuple's (alive while the caller
    // holds `t`) and values this function holds a reference to until the
    // call returns; `kwnames` owns its keys.
    unsafe {
        let npos = PyTuple_GET_SIZE(t) as usize;
        let items = _PyTuple_ITEMS(t);
        let nkw = if d.is_null() {
            0
        } else {
            PyDict_Size(d) as usize
        };
        if nkw == 0 {
            return func(f, items, npos, core::ptr::null_mut());
        }
        if npos + nkw > STACK_ARGS {
            return PyVectorcall_Call(f, t, d);
        }
        let kwnames = PyTuple_New(nkw as HPy_ssize_t);
        if kwnames.is_null() {
            return core::ptr::null_mut();
        }
        let names = _PyTuple_ITEMS(kwnames).cast_mut();
        let mut stack = [core::ptr::null_mut::<PyObject>(); STACK_ARGS + 1];
        core::ptr::copy_nonoverlapping(items, stack.as_mut_ptr().add(1), npos);
        let values = stack.as_mut_ptr().add(1 + npos);
        let (mut pos, mut taken) = (0, 0);
        let (mut key, mut value) = (core::ptr::null_mut(), core::ptr::null_mut());
        while taken < nkw && PyDict_Next(d, &mut pos, &mut key, &mut value) != 0 {
            Py_INCREF(key);
            *names.add(taken) = key;
            Py_INCREF(value);
            *values.add(taken) = value;
            taken += 1;
            if Py_TYPE(key) != core::ptr::addr_of_mut!(PyUnicode_Type) {
                break;
            }
        }
        let all_str = taken == nkw && Py_TYPE(key) == core::ptr::addr_of_mut!(PyUnicode_Type);
        let result = if all_str {
            func(
                f,
                stack.as_ptr().add(1),
                npos | PY_VECTORCALL_ARGUMENTS_OFFSET,
                kwnames,
            )
        } else {
            PyVectorcall_Call(f, t, d)
        };
        for i in 0..taken {
            Py_DECREF(*values.add(i));
        }
        Py_DECREF(kwnames);
        result
    }
}

/// `PyVectorcall_Function(o)`: the vectorcall function stored in `o`, if
/// its type has the protocol and this instance has one set.
///
/// # Safety
/// `o` must point to a live object.
#[inline(always)]
unsafe fn vectorcall_function(o: *mut PyObject) -> Option<vectorcallfunc> {
    // SAFETY: `o` is live (caller), so is its type; a type with
    // `Py_TPFLAGS_HAVE_VECTORCALL` keeps a positive offset of a
    // `vectorcallfunc` (possibly NULL) inside each instance (layout test for
    // both offsets).
    unsafe {
        let tp = Py_TYPE(o);
        if tp_flags(tp) & Py_TPFLAGS_HAVE_VECTORCALL == 0 {
            return None;
        }
        let offset: isize = type_field(tp, PyTypeObject_tp_vectorcall_offset_OFFSET);
        *o.cast::<u8>()
            .offset(offset)
            .cast::<Option<vectorcallfunc>>()
    }
}

/// The uncommon cases of [`HPy_CallTupleDict`], out of line so that the
/// common one needs no registers saved around it (`extern "C"`: it cannot
/// unwind, so callers need no cleanup around the call either).
///
/// # Safety
/// As [`HPy_CallTupleDict`].
#[cold]
#[inline(never)]
unsafe extern "C" fn call_tuple_dict_in_runtime(callable: HPy, args: HPy, kw: HPy) -> HPy {
    // SAFETY: forwarded.
    unsafe { runtime::ctx_CallTupleDict(hpy_rs_cpython_context(), callable, args, kw) }
}

/// HPy API function `HPy_CallMethod` (CPython ABI: `PyObject_VectorcallMethod`;
/// `args[0]` is the receiver).
#[inline]
pub unsafe fn HPy_CallMethod(
    _ctx: *mut HPyContext,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: as for `HPy_Call`.
    _py2h(unsafe { PyObject_VectorcallMethod(_h2py(name), args.cast(), nargs, _h2py(kwnames)) })
}

extern "C" {
    #[cfg(not(Py_3_13))]
    fn PyObject_HasAttr(o: *mut PyObject, name: *mut PyObject) -> c_int;
    #[cfg(not(Py_3_13))]
    fn PyObject_HasAttrString(o: *mut PyObject, name: *const c_char) -> c_int;
    #[cfg(Py_3_13)]
    fn PyObject_HasAttrWithError(o: *mut PyObject, name: *mut PyObject) -> c_int;
    #[cfg(Py_3_13)]
    fn PyObject_HasAttrStringWithError(o: *mut PyObject, name: *const c_char) -> c_int;
    #[cfg(Py_3_13)]
    fn PyErr_Clear();
}

/// HPy API function `HPy_HasAttr`: 1 or 0, never an error. An exception
/// raised by the lookup (other than `AttributeError`) is dropped, as
/// `PyObject_HasAttr` did up to 3.12 (3.13+ would report it as
/// "unraisable", so the error-reporting variant is used and cleared).
#[inline]
pub unsafe fn HPy_HasAttr(_ctx: *mut HPyContext, obj: HPy, name: HPy) -> c_int {
    // SAFETY: live handles (contract).
    #[cfg(not(Py_3_13))]
    unsafe {
        PyObject_HasAttr(_h2py(obj), _h2py(name))
    }
    // SAFETY: live handles (contract); -1 leaves an exception, cleared.
    #[cfg(Py_3_13)]
    unsafe {
        quiet_has_attr(PyObject_HasAttrWithError(_h2py(obj), _h2py(name)))
    }
}

/// HPy API function `HPy_HasAttr_s`; see [`HPy_HasAttr`].
#[inline]
pub unsafe fn HPy_HasAttr_s(_ctx: *mut HPyContext, obj: HPy, utf8_name: *const c_char) -> c_int {
    // SAFETY: a live handle and a NUL-terminated name (contract).
    #[cfg(not(Py_3_13))]
    unsafe {
        PyObject_HasAttrString(_h2py(obj), utf8_name)
    }
    // SAFETY: as above; -1 leaves an exception, cleared.
    #[cfg(Py_3_13)]
    unsafe {
        quiet_has_attr(PyObject_HasAttrStringWithError(_h2py(obj), utf8_name))
    }
}

#[cfg(Py_3_13)]
#[inline(always)]
unsafe fn quiet_has_attr(r: c_int) -> c_int {
    if r < 0 {
        // SAFETY: the failed lookup left an exception set (GIL held).
        unsafe { PyErr_Clear() };
        0
    } else {
        r
    }
}

/// HPy API function `HPyLong_FromInt32_t`.
#[inline]
pub unsafe fn HPyLong_FromInt32_t(_ctx: *mut HPyContext, value: i32) -> HPy {
    // SAFETY: plain C-API call with the GIL held (contract).
    _py2h(unsafe { PyLong_FromLong(value as c_long) })
}

/// HPy API function `HPyLong_FromUInt32_t`.
#[inline]
pub unsafe fn HPyLong_FromUInt32_t(_ctx: *mut HPyContext, value: u32) -> HPy {
    // SAFETY: plain C-API call with the GIL held (contract).
    _py2h(unsafe { PyLong_FromUnsignedLong(value as c_ulong) })
}

/// HPy API function `HPyLong_FromInt64_t` (`PyLong_FromLong` where C
/// `long` has 64 bits: CPython's shortest path).
#[inline]
pub unsafe fn HPyLong_FromInt64_t(_ctx: *mut HPyContext, v: i64) -> HPy {
    // SAFETY: plain C-API calls with the GIL held (contract); the value fits
    // the argument type in each branch.
    _py2h(unsafe {
        if LONG_IS_32_BITS {
            PyLong_FromLongLong(v as c_longlong)
        } else {
            PyLong_FromLong(v as c_long)
        }
    })
}

/// HPy API function `HPyLong_FromUInt64_t` (`PyLong_FromUnsignedLongLong`).
#[inline]
pub unsafe fn HPyLong_FromUInt64_t(_ctx: *mut HPyContext, v: u64) -> HPy {
    // SAFETY: as above.
    _py2h(unsafe { PyLong_FromUnsignedLongLong(v as c_ulonglong) })
}

/// HPy API function `HPyLong_AsInt32_t` (range-checked; -1 with an exception set on error).
#[inline]
pub unsafe fn HPyLong_AsInt32_t(_ctx: *mut HPyContext, h: HPy) -> i32 {
    if LONG_IS_32_BITS {
        // SAFETY: `h` is live (contract); `long` is 32 bits here.
        unsafe { PyLong_AsLong(_h2py(h)) as i32 }
    } else {
        // SAFETY: the runtime gets the crate's global context.
        unsafe { runtime::ctx_Long_AsInt32_t(hpy_rs_cpython_context(), h) }
    }
}

/// HPy API function `HPyLong_AsUInt32_t` (range-checked).
#[inline]
pub unsafe fn HPyLong_AsUInt32_t(_ctx: *mut HPyContext, h: HPy) -> u32 {
    if LONG_IS_32_BITS {
        // SAFETY: `h` is live (contract); `unsigned long` is 32 bits here.
        unsafe { PyLong_AsUnsignedLong(_h2py(h)) as u32 }
    } else {
        // SAFETY: the runtime gets the crate's global context.
        unsafe { runtime::ctx_Long_AsUInt32_t(hpy_rs_cpython_context(), h) }
    }
}

/// HPy API function `HPyLong_AsUInt32_tMask` (wraps modulo 2**32).
#[inline]
pub unsafe fn HPyLong_AsUInt32_tMask(_ctx: *mut HPyContext, h: HPy) -> u32 {
    // SAFETY: `h` is live (contract).
    unsafe { PyLong_AsUnsignedLongMask(_h2py(h)) as u32 }
}

/// HPy API function `HPyLong_AsInt64_t`.
#[inline]
pub unsafe fn HPyLong_AsInt64_t(_ctx: *mut HPyContext, h: HPy) -> i64 {
    // SAFETY: `h` is live (contract); `long long` is 64 bits.
    unsafe { PyLong_AsLongLong(_h2py(h)) as i64 }
}

/// HPy API function `HPyLong_AsUInt64_t`.
#[inline]
pub unsafe fn HPyLong_AsUInt64_t(_ctx: *mut HPyContext, h: HPy) -> u64 {
    // SAFETY: `h` is live (contract); `unsigned long long` is 64 bits.
    unsafe { PyLong_AsUnsignedLongLong(_h2py(h)) as u64 }
}

/// HPy API function `HPyLong_AsUInt64_tMask` (wraps modulo 2**64).
#[inline]
pub unsafe fn HPyLong_AsUInt64_tMask(_ctx: *mut HPyContext, h: HPy) -> u64 {
    // SAFETY: `h` is live (contract).
    unsafe { PyLong_AsUnsignedLongLongMask(_h2py(h)) as u64 }
}

/// HPy API function `HPyType_IsSubtype`.
#[inline]
pub unsafe fn HPyType_IsSubtype(_ctx: *mut HPyContext, sub: HPy, r#type: HPy) -> c_int {
    // SAFETY: both handles are live type objects (contract).
    unsafe { PyType_IsSubtype(_h2py(sub).cast(), _h2py(r#type).cast()) }
}

/// HPy API function `HPyCapsule_Get` (universal-ABI name; implemented here the
/// way HPy's runtime implements `ctx_Capsule_Get`). Getting
/// `HPyCapsule_key_Destructor` raises `ValueError`.
#[inline]
pub unsafe fn HPyCapsule_Get(
    ctx: *mut HPyContext,
    capsule: HPy,
    key: _HPyCapsule_key,
    utf8_name: *const c_char,
) -> *mut c_void {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        match key {
            HPyCapsule_key_Pointer => HPyCapsule_GetPointer(ctx, capsule, utf8_name),
            HPyCapsule_key_Name => HPyCapsule_GetName(ctx, capsule).cast_mut().cast(),
            HPyCapsule_key_Context => HPyCapsule_GetContext(ctx, capsule),
            _ => {
                let msg = if key == HPyCapsule_key_Destructor {
                    c"Invalid operation: get HPyCapsule_key_Destructor"
                } else {
                    c"invalid _HPyCapsule_key"
                };
                let exc = HPy_GetConstant(ctx, HPyConstant::ValueError);
                HPyErr_SetString(ctx, exc, msg.as_ptr());
                core::ptr::null_mut()
            }
        }
    }
}

/// HPy API function `HPyCapsule_Set` (universal-ABI name; implemented here the
/// way HPy's runtime implements `ctx_Capsule_Set`). For
/// `HPyCapsule_key_Destructor`, `value` is a `*mut HPyCapsule_Destructor`.
#[inline]
pub unsafe fn HPyCapsule_Set(
    ctx: *mut HPyContext,
    capsule: HPy,
    key: _HPyCapsule_key,
    value: *mut c_void,
) -> c_int {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        match key {
            HPyCapsule_key_Pointer => HPyCapsule_SetPointer(ctx, capsule, value),
            HPyCapsule_key_Name => HPyCapsule_SetName(ctx, capsule, value.cast_const().cast()),
            HPyCapsule_key_Context => HPyCapsule_SetContext(ctx, capsule, value),
            HPyCapsule_key_Destructor => HPyCapsule_SetDestructor(ctx, capsule, value.cast()),
            _ => {
                let exc = HPy_GetConstant(ctx, HPyConstant::ValueError);
                HPyErr_SetString(ctx, exc, c"invalid _HPyCapsule_key".as_ptr());
                -1
            }
        }
    }
}

/// HPy API function `_HPyType_GetBuiltinShape` (universal-ABI name; C HPy's
/// CPython ABI only has the runtime function `ctx_Type_GetBuiltinShape`).
#[inline]
pub unsafe fn _HPyType_GetBuiltinShape(_ctx: *mut HPyContext, h_type: HPy) -> HPyType_BuiltinShape {
    // SAFETY: the runtime gets the crate's global context; `h_type` is live.
    unsafe { runtime::ctx_Type_GetBuiltinShape(hpy_rs_cpython_context(), h_type) }
}
