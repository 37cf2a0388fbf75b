//! The rest of the runtime: builders, trackers, calls, items, capsules,
//! compiling, context variables, 32/64-bit integers and debugging helpers.
//! Each function has the semantics HPy 0.9 documents for its API function.

use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};
use core::ptr::null_mut;

use super::super::ffi::*;
use super::super::{
    _h2py, _py2h, PyDict_Check, PyTuple_Check, Py_DECREF, Py_INCREF, Py_TYPE, Py_XDECREF,
};
use super::set_error;
use crate::*;

// ---- list and tuple builders ----
//
// A builder is the list or tuple itself (NULL if its allocation failed: the
// `MemoryError` is then raised by `Build`, so callers check only there).
// hpy-rs's safe builders check indices and double writes before calling
// `Set`; these functions, like HPy's, trust their caller.

macro_rules! builder {
    ($new:ident, $set:ident, $build:ident, $cancel:ident, $ty:ident, $field:ident, $alloc:ident, $items:ident) => {
        #[doc = concat!("`", stringify!($ty), "_New` (runtime part).")]
        ///
        /// # Safety
        /// The GIL must be held.
        #[inline]
        pub unsafe fn $new(_ctx: *mut HPyContext, size: HPy_ssize_t) -> $ty {
            // SAFETY: plain C-API call; a failure is reported by `Build`.
            let obj = unsafe { $alloc(size) };
            if obj.is_null() {
                // SAFETY: clears the MemoryError `Build` will raise again.
                unsafe { PyErr_Clear() };
            }
            $ty { $field: obj as isize }
        }

        #[doc = concat!("`", stringify!($ty), "_Set` (runtime part): stores a new reference to `h_item`.")]
        ///
        /// # Safety
        /// `index` must be in range and not yet set; `h_item` live.
        #[inline]
        pub unsafe fn $set(_ctx: *mut HPyContext, builder: $ty, index: HPy_ssize_t, h_item: HPy) {
            let obj = builder.$field as *mut PyObject;
            if obj.is_null() {
                return;
            }
            let item = _h2py(h_item);
            // SAFETY: a fresh list/tuple of at least `index + 1` empty items
            // (caller); it owns the new reference.
            unsafe {
                Py_INCREF(item);
                *$items(obj).add(index as usize) = item;
            }
        }

        #[doc = concat!("`", stringify!($ty), "_Build` (runtime part).")]
        ///
        /// # Safety
        /// Every item must have been set; the builder is consumed.
        #[inline]
        pub unsafe fn $build(_ctx: *mut HPyContext, builder: $ty) -> HPy {
            let obj = builder.$field as *mut PyObject;
            if obj.is_null() {
                // SAFETY: plain C-API call.
                unsafe { PyErr_NoMemory() };
            }
            _py2h(obj)
        }

        #[doc = concat!("`", stringify!($ty), "_Cancel` (runtime part).")]
        ///
        /// # Safety
        /// The builder is consumed.
        pub unsafe fn $cancel(_ctx: *mut HPyContext, builder: $ty) {
            // SAFETY: the builder owns its object (NULL items are skipped by
            // the list/tuple deallocator).
            unsafe { Py_XDECREF(builder.$field as *mut PyObject) }
        }
    };
}
builder!(
    ctx_ListBuilder_New,
    ctx_ListBuilder_Set,
    ctx_ListBuilder_Build,
    ctx_ListBuilder_Cancel,
    HPyListBuilder,
    _lst,
    PyList_New,
    list_items
);
builder!(
    ctx_TupleBuilder_New,
    ctx_TupleBuilder_Set,
    ctx_TupleBuilder_Build,
    ctx_TupleBuilder_Cancel,
    HPyTupleBuilder,
    _tup,
    PyTuple_New,
    tuple_items
);

/// The item array of a tuple (inline at `ob_item`).
///
/// # Safety
/// `obj` must be a live tuple.
#[inline(always)]
unsafe fn tuple_items(obj: *mut PyObject) -> *mut *mut PyObject {
    // SAFETY: a tuple (caller); offset checked by the layout test.
    unsafe { super::super::_PyTuple_ITEMS(obj).cast_mut() }
}

/// The item array of a list (`ob_item`, a pointer right after the
/// `PyVarObject` header; layout test).
///
/// # Safety
/// `obj` must be a live list.
#[inline(always)]
unsafe fn list_items(obj: *mut PyObject) -> *mut *mut PyObject {
    // SAFETY: a list (caller).
    unsafe {
        *obj.cast::<u8>()
            .add(core::mem::size_of::<PyVarObject>())
            .cast::<*mut *mut PyObject>()
    }
}

/// `HPyTuple_FromArray` (runtime part).
///
/// # Safety
/// `items` must hold `n` live handles.
pub unsafe fn ctx_Tuple_FromArray(_ctx: *mut HPyContext, items: *mut HPy, n: HPy_ssize_t) -> HPy {
    // SAFETY: a fresh tuple of `n` items filled with new references.
    unsafe {
        let t = PyTuple_New(n);
        if t.is_null() {
            return HPy_NULL;
        }
        let dst = tuple_items(t);
        for i in 0..n.max(0) as usize {
            let o = _h2py(*items.add(i));
            Py_INCREF(o);
            *dst.add(i) = o;
        }
        _py2h(t)
    }
}

// ---- trackers ----

struct Tracker {
    handles: Vec<HPy>,
}

/// `HPyTracker_New` (runtime part).
///
/// # Safety
/// The GIL must be held.
pub unsafe fn ctx_Tracker_New(_ctx: *mut HPyContext, size: HPy_ssize_t) -> HPyTracker {
    // One slot more than asked, as HPy documents: `Add` can always store
    // the handle it was given before it needs to grow.
    let capacity = usize::try_from(size).unwrap_or(0).max(5) + 1;
    let mut handles = Vec::new();
    if handles.try_reserve_exact(capacity).is_err() {
        // SAFETY: plain C-API call.
        unsafe { PyErr_NoMemory() };
        return HPyTracker { _i: 0 };
    }
    HPyTracker {
        _i: Box::into_raw(Box::new(Tracker { handles })) as isize,
    }
}

/// `HPyTracker_Add` (runtime part): -1 with `MemoryError` if it cannot grow
/// (the handle is still tracked).
///
/// # Safety
/// `ht` must be a live tracker.
pub unsafe fn ctx_Tracker_Add(_ctx: *mut HPyContext, ht: HPyTracker, h: HPy) -> c_int {
    // SAFETY: a live tracker (caller).
    let t = unsafe { &mut *(ht._i as *mut Tracker) };
    t.handles.push(h); // never reallocates: one slot is always free
    if t.handles.len() == t.handles.capacity() && t.handles.try_reserve(t.handles.len()).is_err() {
        // SAFETY: plain C-API call.
        unsafe { PyErr_NoMemory() };
        return -1;
    }
    0
}

/// `HPyTracker_ForgetAll` (runtime part).
///
/// # Safety
/// `ht` must be a live tracker.
pub unsafe fn ctx_Tracker_ForgetAll(_ctx: *mut HPyContext, ht: HPyTracker) {
    // SAFETY: a live tracker (caller).
    unsafe { (*(ht._i as *mut Tracker)).handles.clear() }
}

/// `HPyTracker_Close` (runtime part): closes every tracked handle and
/// frees the tracker.
///
/// # Safety
/// `ht` must be a live tracker; it is consumed.
pub unsafe fn ctx_Tracker_Close(_ctx: *mut HPyContext, ht: HPyTracker) {
    // SAFETY: the tracker was made by `ctx_Tracker_New` and owns its handles.
    unsafe {
        let t = Box::from_raw(ht._i as *mut Tracker);
        for h in t.handles {
            Py_XDECREF(_h2py(h));
        }
    }
}

// ---- calls ----

/// `HPy_CallTupleDict` (runtime part): `args` a tuple or NULL, `kw` a dict
/// or NULL, anything else a `TypeError`.
///
/// # Safety
/// Live handles (or NULL).
pub unsafe fn ctx_CallTupleDict(_ctx: *mut HPyContext, callable: HPy, args: HPy, kw: HPy) -> HPy {
    let (f, a, k) = (_h2py(callable), _h2py(args), _h2py(kw));
    // SAFETY: live objects (caller), checked before use.
    unsafe {
        if !a.is_null() && PyTuple_Check(a) == 0 {
            set_error(
                PyExc_TypeError,
                c"HPy_CallTupleDict requires args to be a tuple or null handle",
            );
            return HPy_NULL;
        }
        if !k.is_null() && PyDict_Check(k) == 0 {
            set_error(
                PyExc_TypeError,
                c"HPy_CallTupleDict requires kw to be a dict or null handle",
            );
            return HPy_NULL;
        }
        if !a.is_null() {
            return _py2h(PyObject_Call(f, a, k));
        }
        let empty = PyTuple_New(0);
        if empty.is_null() {
            return HPy_NULL;
        }
        let r = PyObject_Call(f, empty, k);
        Py_DECREF(empty);
        _py2h(r)
    }
}

// ---- items by index or C string ----

unsafe fn with_key<R>(key: *mut PyObject, error: R, f: impl FnOnce(*mut PyObject) -> R) -> R {
    if key.is_null() {
        return error;
    }
    let r = f(key);
    // SAFETY: `key` is a new reference made by the caller.
    unsafe { Py_DECREF(key) };
    r
}

/// `HPy_GetItem_i` (runtime part).
///
/// # Safety
/// `obj` must be live.
pub unsafe fn ctx_GetItem_i(_ctx: *mut HPyContext, obj: HPy, idx: HPy_ssize_t) -> HPy {
    // SAFETY: C-API calls on live objects.
    unsafe {
        with_key(PyLong_FromSsize_t(idx), HPy_NULL, |k| {
            _py2h(PyObject_GetItem(_h2py(obj), k))
        })
    }
}

/// `HPy_GetItem_s` (runtime part).
///
/// # Safety
/// `obj` must be live and `key` NUL-terminated UTF-8.
pub unsafe fn ctx_GetItem_s(_ctx: *mut HPyContext, obj: HPy, key: *const c_char) -> HPy {
    // SAFETY: as for `ctx_GetItem_i`.
    unsafe {
        with_key(PyUnicode_FromString(key), HPy_NULL, |k| {
            _py2h(PyObject_GetItem(_h2py(obj), k))
        })
    }
}

/// `HPy_SetItem_i` (runtime part).
///
/// # Safety
/// Live handles.
pub unsafe fn ctx_SetItem_i(
    _ctx: *mut HPyContext,
    obj: HPy,
    idx: HPy_ssize_t,
    value: HPy,
) -> c_int {
    // SAFETY: as for `ctx_GetItem_i`.
    unsafe {
        with_key(PyLong_FromSsize_t(idx), -1, |k| {
            PyObject_SetItem(_h2py(obj), k, _h2py(value))
        })
    }
}

/// `HPy_SetItem_s` (runtime part).
///
/// # Safety
/// Live handles, `key` NUL-terminated UTF-8.
pub unsafe fn ctx_SetItem_s(
    _ctx: *mut HPyContext,
    obj: HPy,
    key: *const c_char,
    value: HPy,
) -> c_int {
    // SAFETY: as for `ctx_GetItem_i`.
    unsafe {
        with_key(PyUnicode_FromString(key), -1, |k| {
            PyObject_SetItem(_h2py(obj), k, _h2py(value))
        })
    }
}

/// `HPy_DelItem_i` (runtime part).
///
/// # Safety
/// `obj` must be live.
pub unsafe fn ctx_DelItem_i(_ctx: *mut HPyContext, obj: HPy, idx: HPy_ssize_t) -> c_int {
    // SAFETY: as for `ctx_GetItem_i`.
    unsafe {
        with_key(PyLong_FromSsize_t(idx), -1, |k| {
            PyObject_DelItem(_h2py(obj), k)
        })
    }
}

/// `HPy_DelItem_s` (runtime part).
///
/// # Safety
/// `obj` must be live, `key` NUL-terminated UTF-8.
pub unsafe fn ctx_DelItem_s(_ctx: *mut HPyContext, obj: HPy, key: *const c_char) -> c_int {
    // SAFETY: as for `ctx_GetItem_i`.
    unsafe {
        with_key(PyUnicode_FromString(key), -1, |k| {
            PyObject_DelItem(_h2py(obj), k)
        })
    }
}

// ---- small objects ----

/// `HPyBytes_FromStringAndSize` (runtime part): a NULL pointer is a
/// `ValueError` (CPython would make an uninitialised bytes object).
///
/// # Safety
/// `v` must be NULL or hold `len` bytes.
pub unsafe fn ctx_Bytes_FromStringAndSize(
    _ctx: *mut HPyContext,
    v: *const c_char,
    len: HPy_ssize_t,
) -> HPy {
    // SAFETY: as documented.
    unsafe {
        if v.is_null() {
            set_error(
                PyExc_ValueError,
                c"NULL char * passed to HPyBytes_FromStringAndSize",
            );
            return HPy_NULL;
        }
        _py2h(PyBytes_FromStringAndSize(v, len))
    }
}

/// `HPyErr_Occurred` (runtime part).
///
/// # Safety
/// The GIL must be held.
pub unsafe fn ctx_Err_Occurred(_ctx: *mut HPyContext) -> c_int {
    // SAFETY: plain C-API call.
    c_int::from(unsafe { !PyErr_Occurred().is_null() })
}

/// `HPyCapsule_New` (runtime part).
///
/// # Safety
/// As `HPyCapsule_New`.
pub unsafe fn ctx_Capsule_New(
    _ctx: *mut HPyContext,
    pointer: *mut c_void,
    name: *const c_char,
    destructor: *mut HPyCapsule_Destructor,
) -> HPy {
    // SAFETY: forwarded; the destructor is checked first.
    unsafe {
        match capsule_destructor(destructor) {
            Ok(d) => _py2h(PyCapsule_New(pointer, name, d)),
            Err(()) => HPy_NULL,
        }
    }
}

/// `HPyCapsule_SetDestructor` (runtime part).
///
/// # Safety
/// As `HPyCapsule_SetDestructor`.
pub unsafe fn ctx_Capsule_SetDestructor(
    _ctx: *mut HPyContext,
    h_capsule: HPy,
    destructor: *mut HPyCapsule_Destructor,
) -> c_int {
    // SAFETY: forwarded; the destructor is checked first.
    unsafe {
        match capsule_destructor(destructor) {
            Ok(d) => PyCapsule_SetDestructor(_h2py(h_capsule), d),
            Err(()) => -1,
        }
    }
}

/// The CPython destructor of an HPy capsule destructor: its trampoline,
/// NULL for none; `ValueError` if it lacks a trampoline or implementation.
unsafe fn capsule_destructor(d: *mut HPyCapsule_Destructor) -> Result<*mut c_void, ()> {
    if d.is_null() {
        return Ok(null_mut());
    }
    // SAFETY: non-NULL destructor definitions are valid (caller).
    let d = unsafe { &*d };
    match (d.cpy_trampoline, d.r#impl) {
        (Some(t), Some(_)) => Ok(t as *mut c_void),
        _ => {
            // SAFETY: plain C-API call.
            unsafe { set_error(PyExc_ValueError, c"Invalid HPyCapsule destructor") };
            Err(())
        }
    }
}

/// `HPy_Compile_s` (runtime part).
///
/// # Safety
/// NUL-terminated UTF-8 strings.
pub unsafe fn ctx_Compile_s(
    _ctx: *mut HPyContext,
    utf8_source: *const c_char,
    utf8_filename: *const c_char,
    kind: HPy_SourceKind,
) -> HPy {
    let start = match kind {
        HPy_SourceKind_Expr => Py_eval_input,
        HPy_SourceKind_File => Py_file_input,
        HPy_SourceKind_Single => Py_single_input,
        _ => {
            // SAFETY: plain C-API call.
            unsafe { set_error(PyExc_SystemError, c"invalid source kind") };
            return HPy_NULL;
        }
    };
    // SAFETY: forwarded.
    _py2h(unsafe { Py_CompileString(utf8_source, utf8_filename, start) })
}

/// `HPyContextVar_Get` (runtime part).
///
/// # Safety
/// As `HPyContextVar_Get`.
pub unsafe fn ctx_ContextVar_Get(
    _ctx: *mut HPyContext,
    context_var: HPy,
    default_value: HPy,
    result: *mut HPy,
) -> i32 {
    let mut out = null_mut();
    // SAFETY: forwarded; `result` is writable (caller).
    unsafe {
        let r = PyContextVar_Get(_h2py(context_var), _h2py(default_value), &mut out);
        *result = _py2h(out);
        r
    }
}

/// `HPy_Dump` (runtime part): CPython's object dump on stderr.
///
/// # Safety
/// `h` must be live.
pub unsafe fn ctx_Dump(_ctx: *mut HPyContext, h: HPy) {
    // SAFETY: forwarded.
    #[cfg(not(Py_3_15))]
    unsafe {
        _PyObject_Dump(_h2py(h))
    }
    // SAFETY: forwarded (3.15 made the function public).
    #[cfg(Py_3_15)]
    unsafe {
        PyObject_Dump(_h2py(h))
    }
}

/// `HPy_TypeCheck` (runtime part).
///
/// # Safety
/// `h_obj` live, `h_type` a live type.
pub unsafe fn ctx_TypeCheck(_ctx: *mut HPyContext, h_obj: HPy, h_type: HPy) -> c_int {
    let (o, t) = (_h2py(h_obj), _h2py(h_type).cast::<PyTypeObject>());
    // SAFETY: live objects (caller).
    unsafe { c_int::from(Py_TYPE(o) == t || PyType_IsSubtype(Py_TYPE(o), t) != 0) }
}

/// `HPy_Is` (runtime part).
///
/// # Safety
/// None beyond the handles being values.
pub unsafe fn ctx_Is(_ctx: *mut HPyContext, h_obj: HPy, h_other: HPy) -> c_int {
    c_int::from(h_obj._i == h_other._i)
}

// ---- 32-bit integers (64-bit C long) ----

extern "C" {
    fn PyLong_AsLong(o: *mut PyObject) -> c_long;
    fn PyLong_AsUnsignedLong(o: *mut PyObject) -> c_ulong;
}

/// `HPyLong_AsInt32_t` (runtime part, for a 64-bit C `long`).
///
/// # Safety
/// `h` must be live.
pub unsafe fn ctx_Long_AsInt32_t(_ctx: *mut HPyContext, h: HPy) -> i32 {
    // SAFETY: C-API calls on a live object.
    unsafe {
        let v = PyLong_AsLong(_h2py(h));
        match i32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                set_error(
                    PyExc_OverflowError,
                    c"Python int too large to convert to C int32_t",
                );
                -1
            }
        }
    }
}

/// `HPyLong_AsUInt32_t` (runtime part, for a 64-bit C `long`).
///
/// # Safety
/// `h` must be live.
pub unsafe fn ctx_Long_AsUInt32_t(_ctx: *mut HPyContext, h: HPy) -> u32 {
    // SAFETY: C-API calls on a live object.
    unsafe {
        let v = PyLong_AsUnsignedLong(_h2py(h));
        if v == c_ulong::MAX && !PyErr_Occurred().is_null() {
            return u32::MAX;
        }
        match u32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                set_error(
                    PyExc_OverflowError,
                    c"Python int too large to convert to C uint32_t",
                );
                u32::MAX
            }
        }
    }
}
