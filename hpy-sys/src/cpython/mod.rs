//! CPython ABI only: what hpy-sys needs of CPython's `Python.h`, declared
//! in Rust, and hpy-sys's own HPy runtime.
//!
//! * [`ffi`]: the CPython structs, constants and functions used, for
//!   CPython 3.11-3.15 (layouts per version through the `Py_3_*` cfgs,
//!   verified against `Python.h` by `tests/layout.rs`);
//! * refcounting ([`Py_INCREF`], [`Py_XDECREF`], ...): inline for release
//!   builds (with the immortality test on 3.12+), the exported
//!   `Py_IncRef`/`Py_DecRef` for debug builds;
//! * the C macros used by HPy's CPython shims (`PyBytes_Check`,
//!   `PyBytes_GET_SIZE`, ...);
//! * [`runtime`]: the HPy runtime (`ctx_Type_FromSpec`,
//!   `_HPyModuleDef_AsPyInit`, `call_traverseproc_from_trampoline`,
//!   `HPy_New`'s short path [`hpy_rs_new`], ...) and
//!   [`hpy_rs_cpython_context`], the crate's CPython-ABI context;
//! * HPy's names of CPython's types ([`cpy_PyObject`], ...), re-exported
//!   at the crate root.
//!
//! None of this exists with the `universal` feature.

use core::ffi::{c_int, c_ulong};

use crate::{HPy, HPyField, HPyGlobal, HPyThreadState, HPy_ssize_t};

#[rustfmt::skip]
#[path = "../generated/cpython_api.rs"]
pub(crate) mod api_generated;

pub mod ffi;
pub mod runtime;

mod misc;
pub mod stdlib;

/// C `cpy_PyObject` (`hpy/cpy_types.h`): CPython's `PyObject` in the
/// CPython ABI.
pub type cpy_PyObject = PyObject;
/// C `cpy_PyMethodDef`: CPython's `PyMethodDef` (opaque here: only passed by pointer).
pub type cpy_PyMethodDef = PyMethodDef;
/// C `cpy_PyModuleDef`: CPython's `PyModuleDef` (opaque here: only passed by pointer).
pub type cpy_PyModuleDef = PyModuleDef;

pub use ffi::{
    PyMethodDef, PyModuleDef, PyObject, PyThreadState, PyTypeObject, PyVarObject,
    Py_TPFLAGS_BYTES_SUBCLASS, Py_TPFLAGS_DICT_SUBCLASS, Py_TPFLAGS_HAVE_VECTORCALL,
    Py_TPFLAGS_LIST_SUBCLASS, Py_TPFLAGS_LONG_SUBCLASS, Py_TPFLAGS_TUPLE_SUBCLASS,
    Py_TPFLAGS_TYPE_SUBCLASS, Py_TPFLAGS_UNICODE_SUBCLASS, PY_VECTORCALL_ARGUMENTS_OFFSET,
};
pub use runtime::{
    hpy_rs_alloc_simple, hpy_rs_alloc_simple_marked, hpy_rs_clear_field, hpy_rs_cpython_context,
    hpy_rs_cpython_freeze_type, hpy_rs_cpython_mark_plain, hpy_rs_cpython_mark_simple,
    hpy_rs_cpython_set_type_call, hpy_rs_is_plain_dealloc, hpy_rs_new, hpy_rs_new_filled,
    hpy_rs_new_plain_filled, hpy_rs_plain_dealloc, hpy_rs_simple_dealloc, hpy_rs_track_simple,
    hpy_rs_type_dealloc, SimpleAlloc,
};

/// Everything re-exported at the crate root in the CPython ABI.
pub(crate) mod api {
    pub use super::api_generated::*;
    pub use super::misc::*;
}

/// `offsetof(PyTypeObject, tp_flags)`.
pub const PyTypeObject_tp_flags_OFFSET: usize = core::mem::offset_of!(PyTypeObject, tp_flags);
/// `offsetof(PyTypeObject, tp_basicsize)`.
pub const PyTypeObject_tp_basicsize_OFFSET: usize =
    core::mem::offset_of!(PyTypeObject, tp_basicsize);
/// `offsetof(PyTypeObject, tp_dealloc)`.
pub const PyTypeObject_tp_dealloc_OFFSET: usize = core::mem::offset_of!(PyTypeObject, tp_dealloc);
/// `offsetof(PyTypeObject, tp_vectorcall_offset)`.
pub const PyTypeObject_tp_vectorcall_offset_OFFSET: usize =
    core::mem::offset_of!(PyTypeObject, tp_vectorcall_offset);
/// `offsetof(PyBytesObject, ob_sval)`: `PyVarObject` + `ob_shash`.
pub const PyBytesObject_ob_sval_OFFSET: usize =
    core::mem::size_of::<PyVarObject>() + core::mem::size_of::<crate::HPy_hash_t>();
/// `sizeof(PyASCIIObject)`: where a compact ASCII `str`'s characters
/// start (`PyUnicode_DATA` of one): after the object header, `length`,
/// `hash` and `state` (a 32-bit word, padded to the next field's
/// alignment), and before 3.12 the `wstr` pointer.
pub const PyASCIIObject_SIZE: usize = core::mem::size_of::<PyObject>()
    + 3 * core::mem::size_of::<crate::HPy_ssize_t>()
    + if cfg!(Py_3_12) {
        0
    } else {
        core::mem::size_of::<*mut core::ffi::c_void>()
    };
/// `offsetof(PyASCIIObject, length)`: a `str`'s length in code points,
/// right after the object header (where a variable-size object's
/// `ob_size` is too).
pub const PyASCIIObject_length_OFFSET: usize = core::mem::size_of::<PyObject>();
/// `offsetof(PyASCIIObject, state)`: the 32-bit word of a `str`'s
/// bitfields, after `length` and `hash`.
pub const PyASCIIObject_state_OFFSET: usize =
    core::mem::size_of::<PyObject>() + 2 * core::mem::size_of::<crate::HPy_ssize_t>();
/// The bits of `PyASCIIObject.state` set, both, exactly for a compact
/// ASCII `str` (`state.compact` and `state.ascii`: bits 5 and 6, after
/// the 2-bit `interned` and the 3-bit `kind`, in every release build of
/// 3.11-3.15 with the GIL). Checked against the C header by the layout
/// test.
pub const PyASCIIObject_STATE_COMPACT_ASCII: u32 = (1 << 5) | (1 << 6);
/// How this build changes reference counts: 0 by CPython's exported
/// functions (a debug build, whose counts are also totalled elsewhere),
/// 1 in place (`Py_INCREF` and `Py_DECREF` of a 3.11 release build), 2 in
/// place with immortal objects, whose count's low half is negative and
/// left alone (3.12 and later).
pub const HPY_RS_INLINE_REFCOUNT: usize = if !cfg!(hpy_inline_refcount) {
    0
} else if cfg!(Py_3_12) {
    2
} else {
    1
};
/// `offsetof(PyTupleObject, ob_item)`: after the `PyVarObject` header (and,
/// since 3.14, the cached hash `ob_hash`).
pub const PyTupleObject_ob_item_OFFSET: usize = core::mem::size_of::<PyVarObject>()
    + if cfg!(Py_3_14) {
        core::mem::size_of::<crate::HPy_hash_t>()
    } else {
        0
    };

#[cfg(hpy_inline_refcount)]
extern "C" {
    fn _Py_Dealloc(o: *mut PyObject);
}

#[cfg(not(hpy_inline_refcount))]
extern "C" {
    fn Py_IncRef(o: *mut PyObject);
    fn Py_DecRef(o: *mut PyObject);
}

/// The low 32 bits of the reference count (3.12+: where `Py_INCREF` and
/// `Py_DECREF` work, and whose sign bit marks immortal objects).
#[cfg(all(hpy_inline_refcount, Py_3_12))]
#[inline(always)]
unsafe fn refcnt_low(o: *mut PyObject) -> *mut u32 {
    // SAFETY: little-endian 64-bit layout: the low half of `ob_refcnt`
    // (3.12/3.13) or the 32-bit `ob_refcnt` (3.14+) is at offset 0.
    const { assert!(cfg!(target_endian = "little")) };
    o.cast::<u32>()
}

/// Whether `o`'s reference count is 1: giving up that reference would
/// deallocate it (used before 3.14 only, see `runtime::frees`). `true` where the count cannot be read inline (a debug
/// build of CPython), as the callers only use it to skip work for objects
/// that survive.
///
/// # Safety
/// `o` must point to a live object, and the GIL must be held.
#[cfg(not(Py_3_14))]
#[inline(always)]
pub(crate) unsafe fn is_last_reference(o: *mut PyObject) -> bool {
    #[cfg(all(hpy_inline_refcount, not(Py_3_12)))]
    // SAFETY: a live object (caller), 3.11's release layout.
    return unsafe { (*o).ob_refcnt == 1 };
    #[cfg(all(hpy_inline_refcount, Py_3_12))]
    // SAFETY: as for `Py_DECREF`: a mortal count lives in the low half; an
    // immortal object's has its sign bit set, so is never 1.
    return unsafe { *refcnt_low(o) == 1 };
    #[cfg(not(hpy_inline_refcount))]
    {
        let _ = o;
        true
    }
}

// ---- handle <-> object casts (hpy/cpython/misc.h) ----

/// `_h2py`: the `PyObject*` behind a CPython-ABI handle.
#[inline(always)]
pub fn _h2py(h: HPy) -> *mut PyObject {
    h._i as *mut PyObject
}

/// `_py2h`: a `PyObject*` as a CPython-ABI handle.
#[inline(always)]
pub fn _py2h(o: *mut PyObject) -> HPy {
    HPy { _i: o as isize }
}

/// `_hf2py`: the `PyObject*` stored in a field.
#[inline(always)]
pub fn _hf2py(f: HPyField) -> *mut PyObject {
    f._i as *mut PyObject
}

/// `_py2hf`: a `PyObject*` as a field value.
#[inline(always)]
pub fn _py2hf(o: *mut PyObject) -> HPyField {
    HPyField { _i: o as isize }
}

/// `_hg2py`: the `PyObject*` stored in a global.
#[inline(always)]
pub fn _hg2py(g: HPyGlobal) -> *mut PyObject {
    g._i as *mut PyObject
}

/// `_py2hg`: a `PyObject*` as a global value.
#[inline(always)]
pub fn _py2hg(o: *mut PyObject) -> HPyGlobal {
    HPyGlobal { _i: o as isize }
}

/// `_threads2h`: a `PyThreadState*` as an `HPyThreadState`.
#[inline(always)]
pub fn _threads2h(s: *mut PyThreadState) -> HPyThreadState {
    HPyThreadState { _i: s as isize }
}

/// `_h2threads`: the `PyThreadState*` behind an `HPyThreadState`.
#[inline(always)]
pub fn _h2threads(h: HPyThreadState) -> *mut PyThreadState {
    h._i as *mut PyThreadState
}

/// `_arr_py2h`: an array of `PyObject*` viewed as an array of handles (same
/// layout: `HPy` is a `repr(C)` pointer-sized integer).
#[inline(always)]
pub fn _arr_py2h(a: *const *mut PyObject) -> *const HPy {
    a.cast()
}

// ---- refcounting ----

/// `Py_INCREF`.
///
/// # Safety
/// `o` must point to a live object and the GIL must be held.
#[inline(always)]
pub unsafe fn Py_INCREF(o: *mut PyObject) {
    #[cfg(all(hpy_inline_refcount, not(Py_3_12)))]
    // SAFETY: `o` is a live object (caller); with the GIL held nobody else
    // touches `ob_refcnt` (3.11 release layout, checked by the layout test).
    unsafe {
        (*o).ob_refcnt += 1;
    }
    #[cfg(all(hpy_inline_refcount, Py_3_12))]
    // SAFETY: as above; an immortal object's count is left alone, as
    // CPython's own `Py_INCREF` does (a mortal count stays below 2**31, so
    // adding 1 to the low half never carries).
    unsafe {
        let rc = refcnt_low(o);
        let v = *rc;
        if (v as i32) >= 0 {
            *rc = v + 1;
        }
    }
    #[cfg(not(hpy_inline_refcount))]
    // SAFETY: `o` is a live object and the GIL is held (caller).
    unsafe {
        Py_IncRef(o)
    }
}

/// `Py_DECREF`: deallocates the object when the count reaches zero.
///
/// # Safety
/// `o` must point to a live object whose reference the caller owns, and the
/// GIL must be held.
#[inline(always)]
pub unsafe fn Py_DECREF(o: *mut PyObject) {
    #[cfg(all(hpy_inline_refcount, not(Py_3_12)))]
    // SAFETY: as for `Py_INCREF`; the caller owns the reference it gives up,
    // so deallocating at zero is what CPython's own macro does.
    unsafe {
        (*o).ob_refcnt -= 1;
        if (*o).ob_refcnt == 0 {
            _Py_Dealloc(o);
        }
    }
    #[cfg(all(hpy_inline_refcount, Py_3_12))]
    // SAFETY: as for `Py_INCREF`: immortal objects are skipped, a mortal
    // count lives in the low half (the high half is 0, or 3.14's flags).
    unsafe {
        let rc = refcnt_low(o);
        let v = *rc;
        if (v as i32) >= 0 {
            *rc = v - 1;
            if v == 1 {
                _Py_Dealloc(o);
            }
        }
    }
    #[cfg(not(hpy_inline_refcount))]
    // SAFETY: `o` is a live, owned reference and the GIL is held (caller).
    unsafe {
        Py_DecRef(o)
    }
}

/// `Py_XINCREF`: `Py_INCREF` unless `o` is NULL.
///
/// # Safety
/// As [`Py_INCREF`], or `o` is NULL.
#[inline(always)]
pub unsafe fn Py_XINCREF(o: *mut PyObject) {
    if !o.is_null() {
        // SAFETY: non-null, otherwise the caller's contract.
        unsafe { Py_INCREF(o) }
    }
}

/// `Py_XDECREF`: `Py_DECREF` unless `o` is NULL.
///
/// # Safety
/// As [`Py_DECREF`], or `o` is NULL.
#[inline(always)]
pub unsafe fn Py_XDECREF(o: *mut PyObject) {
    if !o.is_null() {
        // SAFETY: non-null, otherwise the caller's contract.
        unsafe { Py_DECREF(o) }
    }
}

// ---- macros of Python.h ----

/// `Py_TYPE(o)`.
///
/// # Safety
/// `o` must point to a live object.
#[inline(always)]
pub unsafe fn Py_TYPE(o: *mut PyObject) -> *mut PyTypeObject {
    // SAFETY: `o` is a live object (caller).
    unsafe { (*o).ob_type }
}

/// `Py_SIZE(o)` for variable-size objects.
///
/// # Safety
/// `o` must point to a live variable-size object.
#[inline(always)]
pub unsafe fn Py_SIZE(o: *mut PyObject) -> HPy_ssize_t {
    // SAFETY: `o` starts with a `PyVarObject` header (caller).
    unsafe { (*o.cast::<PyVarObject>()).ob_size }
}

/// The field of type `F` at byte `offset` of a type object (one of the
/// `PyTypeObject_*_OFFSET` constants, all checked by the layout test).
///
/// # Safety
/// `t` must point to a live type object, and `F` must be the type of the
/// field at `offset`.
#[inline(always)]
pub(crate) unsafe fn type_field<F: Copy>(t: *mut PyTypeObject, offset: usize) -> F {
    // SAFETY: a field of type `F` lives at this offset of `*t` (caller).
    unsafe { *t.cast::<u8>().add(offset).cast::<F>() }
}

/// `PyType_GetFlags`-equivalent read of `tp_flags` (the `PyType_HasFeature` macro).
///
/// # Safety
/// `t` must point to a live type object.
#[inline(always)]
pub unsafe fn tp_flags(t: *mut PyTypeObject) -> c_ulong {
    // SAFETY: `tp_flags` is a `c_ulong` at this offset of every type.
    unsafe { type_field(t, PyTypeObject_tp_flags_OFFSET) }
}

#[inline(always)]
unsafe fn type_has_flag(o: *mut PyObject, flag: c_ulong) -> c_int {
    // SAFETY: `o` is a live object (caller), so its type is a live type object.
    c_int::from(unsafe { tp_flags(Py_TYPE(o)) } & flag != 0)
}

macro_rules! fast_subclass_check {
    ($($name:ident => $flag:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "(o)` (a `", stringify!($flag), "` test).")]
        ///
        /// # Safety
        /// `o` must point to a live object.
        #[inline(always)]
        pub unsafe fn $name(o: *mut PyObject) -> c_int {
            // SAFETY: `o` is a live object (caller).
            unsafe { type_has_flag(o, $flag) }
        }
    )*};
}
fast_subclass_check!(
    PyLong_Check => Py_TPFLAGS_LONG_SUBCLASS,
    PyList_Check => Py_TPFLAGS_LIST_SUBCLASS,
    PyTuple_Check => Py_TPFLAGS_TUPLE_SUBCLASS,
    PyBytes_Check => Py_TPFLAGS_BYTES_SUBCLASS,
    PyUnicode_Check => Py_TPFLAGS_UNICODE_SUBCLASS,
    PyDict_Check => Py_TPFLAGS_DICT_SUBCLASS,
);

/// `PyBytes_GET_SIZE(o)`.
///
/// # Safety
/// `o` must point to a live `bytes` object.
#[inline(always)]
pub unsafe fn PyBytes_GET_SIZE(o: *mut PyObject) -> HPy_ssize_t {
    // SAFETY: a bytes object is a variable-size object (caller).
    unsafe { Py_SIZE(o) }
}

/// `PyBytes_AS_STRING(o)`: pointer to the NUL-terminated contents.
///
/// # Safety
/// `o` must point to a live `bytes` object.
#[inline(always)]
pub unsafe fn PyBytes_AS_STRING(o: *mut PyObject) -> *const core::ffi::c_char {
    // SAFETY: `ob_sval` is at this offset of every bytes object (layout test).
    unsafe { o.cast::<u8>().add(PyBytesObject_ob_sval_OFFSET).cast() }
}

/// `PyUnicode_New(len, 127)`: a new compact ASCII `str` of `len`
/// characters not written yet, with the address of its characters in
/// `*data` (NULL with an exception set, `*data` untouched, on failure).
/// The caller writes `len` ASCII bytes there before the object is used.
///
/// The characters of a compact ASCII object follow its header, at
/// [`PyASCIIObject_SIZE`] (checked against the C header by the layout
/// test).
///
/// # Safety
/// The GIL is held.
#[inline]
pub unsafe fn hpy_rs_unicode_new_ascii(len: HPy_ssize_t, data: &mut *mut u8) -> *mut PyObject {
    // SAFETY: the GIL is held (contract); a new reference or NULL.
    let obj = unsafe { ffi::PyUnicode_New(len, 127) };
    if !obj.is_null() {
        // A str of maxchar 127 is compact ASCII: its characters follow its
        // `PyASCIIObject`.
        *data = obj.cast::<u8>().wrapping_add(PyASCIIObject_SIZE);
    }
    obj
}

/// `PyTuple_GET_SIZE(o)`.
///
/// # Safety
/// `o` must point to a live `tuple` object.
#[inline(always)]
pub unsafe fn PyTuple_GET_SIZE(o: *mut PyObject) -> HPy_ssize_t {
    // SAFETY: a tuple is a variable-size object (caller).
    unsafe { Py_SIZE(o) }
}

/// `&PyTuple_GET_ITEM(o, 0)`: the tuple's item array, as CPython-ABI
/// trampolines for `HPyFunc_INITPROC`/`HPyFunc_NEWFUNC` pass it on.
///
/// # Safety
/// `o` must point to a live `tuple` object.
#[inline(always)]
pub unsafe fn _PyTuple_ITEMS(o: *mut PyObject) -> *const *mut PyObject {
    // SAFETY: `ob_item` is at this offset of every tuple (layout test).
    unsafe { o.cast::<u8>().add(PyTupleObject_ob_item_OFFSET).cast() }
}

/// `PyVectorcall_NARGS(nargsf)`: the argument count without the offset flag.
#[inline(always)]
pub const fn PyVectorcall_NARGS(nargsf: usize) -> usize {
    nargsf & !PY_VECTORCALL_ARGUMENTS_OFFSET
}
