//! The parts of CPython's C API that hpy-sys's runtime uses, declared in
//! Rust for CPython 3.11-3.15 (64-bit, release or debug, GIL builds).
//!
//! Struct layouts follow `Python.h` of each version; where a version
//! changed one, the field carries a `Py_3_*` cfg (set by build.rs as a
//! range: `Py_3_14` means 3.14 or later). `tests/layout.rs` compares every
//! size and offset declared here with a C probe compiled against the
//! `Python.h` of the interpreter the test is built for.
//!
//! Only what the runtime reads or writes is typed; function-pointer slots
//! that it never calls are `*mut c_void`.

use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void};

use crate::HPy_ssize_t;

/// CPython's `PyObject` header (release build layout; build.rs refuses
/// `Py_TRACE_REFS` and free-threaded builds).
#[repr(C)]
#[derive(Debug)]
pub struct PyObject {
    /// Reference count (3.12+: the low 32 bits; immortal objects have the
    /// sign bit of that half set).
    pub ob_refcnt: HPy_ssize_t,
    /// The object's type.
    pub ob_type: *mut PyTypeObject,
}

/// CPython's `PyVarObject` header.
#[repr(C)]
#[derive(Debug)]
pub struct PyVarObject {
    /// The object header.
    pub ob_base: PyObject,
    /// Number of items (`Py_SIZE`).
    pub ob_size: HPy_ssize_t,
}

/// `destructor`.
pub type destructor = unsafe extern "C" fn(*mut PyObject);
/// `freefunc`.
pub type freefunc = unsafe extern "C" fn(*mut c_void);
/// `allocfunc`.
pub type allocfunc = unsafe extern "C" fn(*mut PyTypeObject, HPy_ssize_t) -> *mut PyObject;
/// `newfunc`.
pub type newfunc =
    unsafe extern "C" fn(*mut PyTypeObject, *mut PyObject, *mut PyObject) -> *mut PyObject;
/// `visitproc`.
pub type visitproc = unsafe extern "C" fn(*mut PyObject, *mut c_void) -> c_int;
/// `vectorcallfunc`.
pub type vectorcallfunc = unsafe extern "C" fn(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject;

/// CPython's `PyTypeObject` (`struct _typeobject`), every field.
#[repr(C)]
pub struct PyTypeObject {
    /// The variable-size object header.
    pub ob_base: PyVarObject,
    /// `tp_name`.
    pub tp_name: *const c_char,
    /// `tp_basicsize`.
    pub tp_basicsize: HPy_ssize_t,
    /// `tp_itemsize`.
    pub tp_itemsize: HPy_ssize_t,
    /// `tp_dealloc`.
    pub tp_dealloc: Option<destructor>,
    /// `tp_vectorcall_offset`.
    pub tp_vectorcall_offset: HPy_ssize_t,
    /// `tp_getattr`.
    pub tp_getattr: *mut c_void,
    /// `tp_setattr`.
    pub tp_setattr: *mut c_void,
    /// `tp_as_async`.
    pub tp_as_async: *mut c_void,
    /// `tp_repr`.
    pub tp_repr: *mut c_void,
    /// `tp_as_number`.
    pub tp_as_number: *mut c_void,
    /// `tp_as_sequence`.
    pub tp_as_sequence: *mut c_void,
    /// `tp_as_mapping`.
    pub tp_as_mapping: *mut c_void,
    /// `tp_hash`.
    pub tp_hash: *mut c_void,
    /// `tp_call`.
    pub tp_call: *mut c_void,
    /// `tp_str`.
    pub tp_str: *mut c_void,
    /// `tp_getattro`.
    pub tp_getattro: *mut c_void,
    /// `tp_setattro`.
    pub tp_setattro: *mut c_void,
    /// `tp_as_buffer`.
    pub tp_as_buffer: *mut c_void,
    /// `tp_flags`.
    pub tp_flags: c_ulong,
    /// `tp_doc`.
    pub tp_doc: *const c_char,
    /// `tp_traverse`.
    pub tp_traverse: *mut c_void,
    /// `tp_clear`.
    pub tp_clear: *mut c_void,
    /// `tp_richcompare`.
    pub tp_richcompare: *mut c_void,
    /// `tp_weaklistoffset`.
    pub tp_weaklistoffset: HPy_ssize_t,
    /// `tp_iter`.
    pub tp_iter: *mut c_void,
    /// `tp_iternext`.
    pub tp_iternext: *mut c_void,
    /// `tp_methods`.
    pub tp_methods: *mut c_void,
    /// `tp_members`.
    pub tp_members: *mut c_void,
    /// `tp_getset`.
    pub tp_getset: *mut c_void,
    /// `tp_base`.
    pub tp_base: *mut PyTypeObject,
    /// `tp_dict`.
    pub tp_dict: *mut PyObject,
    /// `tp_descr_get`.
    pub tp_descr_get: *mut c_void,
    /// `tp_descr_set`.
    pub tp_descr_set: *mut c_void,
    /// `tp_dictoffset`.
    pub tp_dictoffset: HPy_ssize_t,
    /// `tp_init`.
    pub tp_init: *mut c_void,
    /// `tp_alloc`.
    pub tp_alloc: Option<allocfunc>,
    /// `tp_new`.
    pub tp_new: Option<newfunc>,
    /// `tp_free`.
    pub tp_free: Option<freefunc>,
    /// `tp_is_gc`.
    pub tp_is_gc: *mut c_void,
    /// `tp_bases`.
    pub tp_bases: *mut PyObject,
    /// `tp_mro`.
    pub tp_mro: *mut PyObject,
    /// `tp_cache`.
    pub tp_cache: *mut PyObject,
    /// `tp_subclasses` (a dict until 3.11, an opaque pointer since).
    pub tp_subclasses: *mut c_void,
    /// `tp_weaklist`.
    pub tp_weaklist: *mut PyObject,
    /// `tp_del`.
    pub tp_del: *mut c_void,
    /// `tp_version_tag`.
    pub tp_version_tag: c_uint,
    /// `tp_finalize`.
    pub tp_finalize: *mut c_void,
    /// `tp_vectorcall`.
    pub tp_vectorcall: *mut c_void,
    /// `tp_watched` (3.12+).
    #[cfg(Py_3_12)]
    pub tp_watched: u8,
    /// `tp_versions_used` (3.13+).
    #[cfg(Py_3_13)]
    pub tp_versions_used: u16,
    /// `_tp_iteritem` (3.15+).
    #[cfg(Py_3_15)]
    pub _tp_iteritem: *mut c_void,
}

/// CPython's `PyHeapTypeObject`, up to the last field hpy-sys reads
/// (`_ht_tpname`; 3.14 adds `ht_token` after it). Never allocated here:
/// only read and written through pointers to real heap types.
#[repr(C)]
pub struct PyHeapTypeObject {
    /// The type object.
    pub ht_type: PyTypeObject,
    /// `as_async` (`PyAsyncMethods`: 4 slots).
    pub as_async: [*mut c_void; 4],
    /// `as_number` (`PyNumberMethods`: 36 slots).
    pub as_number: [*mut c_void; 36],
    /// `as_mapping` (`PyMappingMethods`: 3 slots).
    pub as_mapping: [*mut c_void; 3],
    /// `as_sequence` (`PySequenceMethods`: 10 slots).
    pub as_sequence: [*mut c_void; 10],
    /// `as_buffer` (`PyBufferProcs`: 2 slots).
    pub as_buffer: [*mut c_void; 2],
    /// `ht_name`.
    pub ht_name: *mut PyObject,
    /// `ht_slots`.
    pub ht_slots: *mut PyObject,
    /// `ht_qualname`.
    pub ht_qualname: *mut PyObject,
    /// `ht_cached_keys`.
    pub ht_cached_keys: *mut c_void,
    /// `ht_module`.
    pub ht_module: *mut PyObject,
    /// `_ht_tpname`: the buffer `tp_name` points into, freed with
    /// `PyMem_Free` when the type is deallocated.
    pub _ht_tpname: *mut c_char,
}

/// `PyType_Slot`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct PyType_Slot {
    /// The slot number (`Py_tp_*`).
    pub slot: c_int,
    /// The slot's value.
    pub pfunc: *mut c_void,
}

/// `PyType_Spec`.
#[repr(C)]
pub struct PyType_Spec {
    /// `name`.
    pub name: *const c_char,
    /// `basicsize`.
    pub basicsize: c_int,
    /// `itemsize`.
    pub itemsize: c_int,
    /// `flags`.
    pub flags: c_uint,
    /// `slots`, ending with `{0, NULL}`.
    pub slots: *mut PyType_Slot,
}

/// `PyMethodDef`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct PyMethodDef {
    /// `ml_name`.
    pub ml_name: *const c_char,
    /// `ml_meth`.
    pub ml_meth: *mut c_void,
    /// `ml_flags`.
    pub ml_flags: c_int,
    /// `ml_doc`.
    pub ml_doc: *const c_char,
}

/// `PyMemberDef`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct PyMemberDef {
    /// `name`.
    pub name: *const c_char,
    /// `type` (`T_*` / `Py_T_*`).
    pub type_code: c_int,
    /// `offset`.
    pub offset: HPy_ssize_t,
    /// `flags` (`READONLY`).
    pub flags: c_int,
    /// `doc`.
    pub doc: *const c_char,
}

/// `PyGetSetDef`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct PyGetSetDef {
    /// `name`.
    pub name: *const c_char,
    /// `get`.
    pub get: *mut c_void,
    /// `set`.
    pub set: *mut c_void,
    /// `doc`.
    pub doc: *const c_char,
    /// `closure`.
    pub closure: *mut c_void,
}

/// `PyModuleDef_Base`.
#[repr(C)]
pub struct PyModuleDef_Base {
    /// The object header (`PyModuleDef_Init` sets its type).
    pub ob_base: PyObject,
    /// `m_init`.
    pub m_init: *mut c_void,
    /// `m_index`.
    pub m_index: HPy_ssize_t,
    /// `m_copy`.
    pub m_copy: *mut PyObject,
}

/// `PyModuleDef_Slot`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct PyModuleDef_Slot {
    /// `slot` (`Py_mod_*`).
    pub slot: c_int,
    /// `value`.
    pub value: *mut c_void,
}

/// `PyModuleDef`.
#[repr(C)]
pub struct PyModuleDef {
    /// `m_base`.
    pub m_base: PyModuleDef_Base,
    /// `m_name`.
    pub m_name: *const c_char,
    /// `m_doc`.
    pub m_doc: *const c_char,
    /// `m_size`.
    pub m_size: HPy_ssize_t,
    /// `m_methods`.
    pub m_methods: *mut PyMethodDef,
    /// `m_slots`.
    pub m_slots: *mut PyModuleDef_Slot,
    /// `m_traverse`.
    pub m_traverse: *mut c_void,
    /// `m_clear`.
    pub m_clear: *mut c_void,
    /// `m_free`.
    pub m_free: *mut c_void,
}

/// CPython's `PyThreadState` (opaque).
#[repr(C)]
pub struct PyThreadState {
    _opaque: [u8; 0],
}

// ---- constants (stable across 3.11-3.15; checked by the layout test) ----

/// `Py_TPFLAGS_HEAPTYPE`.
pub const Py_TPFLAGS_HEAPTYPE: c_ulong = 1 << 9;
/// `Py_TPFLAGS_HAVE_VECTORCALL`: instances keep a `vectorcallfunc` at
/// `tp_vectorcall_offset`.
pub const Py_TPFLAGS_HAVE_VECTORCALL: c_ulong = 1 << 11;
/// `Py_TPFLAGS_HAVE_GC`.
pub const Py_TPFLAGS_HAVE_GC: c_ulong = 1 << 14;
/// `Py_TPFLAGS_LONG_SUBCLASS`.
pub const Py_TPFLAGS_LONG_SUBCLASS: c_ulong = 1 << 24;
/// `Py_TPFLAGS_LIST_SUBCLASS`.
pub const Py_TPFLAGS_LIST_SUBCLASS: c_ulong = 1 << 25;
/// `Py_TPFLAGS_TUPLE_SUBCLASS`.
pub const Py_TPFLAGS_TUPLE_SUBCLASS: c_ulong = 1 << 26;
/// `Py_TPFLAGS_BYTES_SUBCLASS`.
pub const Py_TPFLAGS_BYTES_SUBCLASS: c_ulong = 1 << 27;
/// `Py_TPFLAGS_UNICODE_SUBCLASS`.
pub const Py_TPFLAGS_UNICODE_SUBCLASS: c_ulong = 1 << 28;
/// `Py_TPFLAGS_DICT_SUBCLASS`.
pub const Py_TPFLAGS_DICT_SUBCLASS: c_ulong = 1 << 29;
/// `Py_TPFLAGS_IMMUTABLETYPE`: the type's attributes cannot be set or
/// deleted (CPython 3.10+).
pub const Py_TPFLAGS_IMMUTABLETYPE: c_ulong = 1 << 8;

/// `Py_TPFLAGS_TYPE_SUBCLASS` (the `PyType_Check` bit).
pub const Py_TPFLAGS_TYPE_SUBCLASS: c_ulong = 1 << 31;
/// `PY_VECTORCALL_ARGUMENTS_OFFSET`: the flag bit in a vectorcall `nargsf`.
pub const PY_VECTORCALL_ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);

/// `METH_NOARGS`.
pub const METH_NOARGS: c_int = 0x0004;
/// `METH_O`.
pub const METH_O: c_int = 0x0008;
/// `METH_KEYWORDS`.
pub const METH_KEYWORDS: c_int = 0x0002;
/// `METH_FASTCALL`.
pub const METH_FASTCALL: c_int = 0x0080;

/// `Py_T_PYSSIZET` (`T_PYSSIZET`).
pub const Py_T_PYSSIZET: c_int = 19;
/// `Py_READONLY` (`READONLY`).
pub const Py_READONLY: c_int = 1;

/// `Py_tp_call`.
pub const Py_tp_call: c_int = 50;
/// `Py_tp_clear`.
pub const Py_tp_clear: c_int = 51;
/// `Py_tp_dealloc`.
pub const Py_tp_dealloc: c_int = 52;
/// `Py_tp_doc`.
pub const Py_tp_doc: c_int = 56;
/// `Py_tp_getset`.
pub const Py_tp_getset: c_int = 73;
/// `Py_tp_members`.
pub const Py_tp_members: c_int = 72;
/// `Py_tp_methods`.
pub const Py_tp_methods: c_int = 64;
/// `Py_tp_new`.
pub const Py_tp_new: c_int = 65;

/// The slot numbers CPython 3.15 renumbered (it still accepts the old
/// ones, which are HPy's). Each pair is (before 3.15, since 3.15).
macro_rules! renumbered_slots {
    ($($(#[$m:meta])* $name:ident = ($old:literal, $new:literal);)*) => {$(
        $(#[$m])*
        #[cfg(not(Py_3_15))]
        pub const $name: c_int = $old;
        $(#[$m])*
        #[cfg(Py_3_15)]
        pub const $name: c_int = $new;
    )*};
}
renumbered_slots! {
    /// `Py_mod_create`.
    Py_mod_create = (1, 84);
    /// `Py_mod_exec`.
    Py_mod_exec = (2, 85);
    /// `Py_mod_multiple_interpreters` (3.12+).
    Py_mod_multiple_interpreters = (3, 86);
    /// `Py_bf_getbuffer`.
    Py_bf_getbuffer = (1, 88);
    /// `Py_bf_releasebuffer`.
    Py_bf_releasebuffer = (2, 89);
    /// `Py_mp_ass_subscript`.
    Py_mp_ass_subscript = (3, 90);
    /// `Py_mp_length`.
    Py_mp_length = (4, 91);
}

/// `Py_eval_input`.
pub const Py_eval_input: c_int = 258;
/// `Py_file_input`.
pub const Py_file_input: c_int = 257;
/// `Py_single_input`.
pub const Py_single_input: c_int = 256;

// CPython's own objects and functions, under their C names: their
// documentation is the C API reference.
#[allow(missing_docs)]
extern "C" {
    pub static mut PyType_Type: PyTypeObject;
    pub static mut PyBaseObject_Type: PyTypeObject;
    pub static mut PyModule_Type: PyTypeObject;
    pub static mut PyDict_Type: PyTypeObject;
    pub static mut PyRange_Type: PyTypeObject;
    pub static mut PyExc_TypeError: *mut PyObject;
    pub static mut PyExc_ValueError: *mut PyObject;
    pub static mut PyExc_SystemError: *mut PyObject;
    pub static mut PyExc_OverflowError: *mut PyObject;
    pub static mut PyExc_ImportError: *mut PyObject;
    pub static mut PyExc_RuntimeError: *mut PyObject;

    pub fn PyErr_SetString(exc: *mut PyObject, msg: *const c_char);
    pub fn PyErr_SetObject(exc: *mut PyObject, value: *mut PyObject);
    pub fn PyErr_Occurred() -> *mut PyObject;
    pub fn PyErr_Clear();
    pub fn PyGILState_Check() -> c_int;
    /// (`PyInterpreterState` is opaque here: a pointer is an identity.)
    pub fn PyInterpreterState_Get() -> *mut c_void;
    pub fn PyInterpreterState_Main() -> *mut c_void;
    pub fn PyInterpreterState_GetID(interp: *mut c_void) -> i64;
    /// (`PyGILState_STATE` is a C enum: an `int`.)
    pub fn PyGILState_Ensure() -> c_int;
    pub fn PyGILState_Release(state: c_int);
    pub fn PyErr_CheckSignals() -> c_int;
    /// (Declared without its always-NULL result, as the generated shims do.)
    pub fn PyErr_NoMemory();

    pub fn PyMem_Malloc(n: usize) -> *mut c_void;
    pub fn PyMem_Calloc(n: usize, size: usize) -> *mut c_void;
    pub fn PyMem_Free(p: *mut c_void);
    pub fn PyObject_Malloc(size: usize) -> *mut c_void;

    pub fn PyType_IsSubtype(a: *mut PyTypeObject, b: *mut PyTypeObject) -> c_int;
    pub fn PyType_FromSpecWithBases(spec: *mut PyType_Spec, bases: *mut PyObject) -> *mut PyObject;
    #[cfg(Py_3_12)]
    pub fn PyType_FromMetaclass(
        meta: *mut PyTypeObject,
        module: *mut PyObject,
        spec: *mut PyType_Spec,
        bases: *mut PyObject,
    ) -> *mut PyObject;
    pub fn PyType_Ready(t: *mut PyTypeObject) -> c_int;
    pub fn PyType_Modified(t: *mut PyTypeObject);
    pub fn PyType_GenericAlloc(t: *mut PyTypeObject, nitems: HPy_ssize_t) -> *mut PyObject;

    pub fn _PyObject_New(t: *mut PyTypeObject) -> *mut PyObject;
    pub fn _PyObject_GC_New(t: *mut PyTypeObject) -> *mut PyObject;
    pub fn PyObject_GC_Track(o: *mut c_void);
    pub fn PyObject_GC_UnTrack(o: *mut c_void);
    pub fn PyObject_GC_Del(p: *mut c_void);
    pub fn PyObject_ClearWeakRefs(o: *mut PyObject);
    pub fn PyObject_CallFinalizerFromDealloc(o: *mut PyObject) -> c_int;
    pub fn PyObject_Free(p: *mut c_void);
    #[cfg(not(Py_3_15))]
    pub fn _PyObject_Dump(o: *mut PyObject);
    #[cfg(Py_3_15)]
    pub fn PyObject_Dump(o: *mut PyObject);

    pub fn PyVectorcall_Call(
        callable: *mut PyObject,
        tuple: *mut PyObject,
        kwargs: *mut PyObject,
    ) -> *mut PyObject;
    pub fn PyObject_Call(
        callable: *mut PyObject,
        args: *mut PyObject,
        kwargs: *mut PyObject,
    ) -> *mut PyObject;
    /// The next item of an iterator (a new reference), or NULL at its end
    /// (no exception set) or on an error.
    pub fn PyIter_Next(iterator: *mut PyObject) -> *mut PyObject;
    /// `iter(o)`: a new reference, or NULL with an exception.
    pub fn PyObject_GetIter(o: *mut PyObject) -> *mut PyObject;
    /// `isinstance(inst, cls)`: 1, 0, or -1 with an exception.
    pub fn PyObject_IsInstance(inst: *mut PyObject, cls: *mut PyObject) -> c_int;
    pub fn PyObject_Vectorcall(
        callable: *mut PyObject,
        args: *const *mut PyObject,
        nargsf: usize,
        kwnames: *mut PyObject,
    ) -> *mut PyObject;
    pub fn PyObject_VectorcallMethod(
        name: *mut PyObject,
        args: *const *mut PyObject,
        nargsf: usize,
        kwnames: *mut PyObject,
    ) -> *mut PyObject;
    pub fn PyObject_GetItem(o: *mut PyObject, key: *mut PyObject) -> *mut PyObject;
    pub fn PyObject_SetItem(o: *mut PyObject, key: *mut PyObject, v: *mut PyObject) -> c_int;
    pub fn PyObject_DelItem(o: *mut PyObject, key: *mut PyObject) -> c_int;

    pub fn PyTuple_New(n: HPy_ssize_t) -> *mut PyObject;
    pub fn PyList_New(n: HPy_ssize_t) -> *mut PyObject;
    pub fn PyDict_New() -> *mut PyObject;
    pub fn PyDict_SetItemString(d: *mut PyObject, k: *const c_char, v: *mut PyObject) -> c_int;
    pub fn PyDict_SetItem(d: *mut PyObject, k: *mut PyObject, v: *mut PyObject) -> c_int;
    pub fn PyDict_GetItemWithError(d: *mut PyObject, k: *mut PyObject) -> *mut PyObject;
    /// The entry at or after `*pos` of a dict's entry table, borrowed
    /// (`key` and `value`), advancing `*pos`: 1, or 0 at the end. Reads the
    /// current table whatever happened to the dict before the call.
    pub fn PyDict_Next(
        d: *mut PyObject,
        pos: *mut HPy_ssize_t,
        key: *mut *mut PyObject,
        value: *mut *mut PyObject,
    ) -> c_int;
    pub fn PyDict_Size(d: *mut PyObject) -> HPy_ssize_t;
    /// `list.sort()` of a list: 0, or -1 with an exception set.
    pub fn PyList_Sort(list: *mut PyObject) -> c_int;
    pub fn PyLong_FromSsize_t(v: HPy_ssize_t) -> *mut PyObject;
    pub fn PyUnicode_FromString(s: *const c_char) -> *mut PyObject;
    pub fn PyUnicode_FromStringAndSize(s: *const c_char, n: HPy_ssize_t) -> *mut PyObject;
    pub fn PyUnicode_AsUTF8(o: *mut PyObject) -> *const c_char;
    pub fn PyUnicode_New(size: HPy_ssize_t, maxchar: u32) -> *mut PyObject;
    pub fn PyUnicode_FromKindAndData(
        kind: c_int,
        buffer: *const c_void,
        size: HPy_ssize_t,
    ) -> *mut PyObject;
    pub fn PyUnicode_InternInPlace(p: *mut *mut PyObject);
    pub fn PyBytes_FromStringAndSize(s: *const c_char, n: HPy_ssize_t) -> *mut PyObject;
    pub fn PyCapsule_New(p: *mut c_void, name: *const c_char, d: *mut c_void) -> *mut PyObject;
    pub fn PyCapsule_SetDestructor(c: *mut PyObject, d: *mut c_void) -> c_int;
    pub fn Py_CompileString(src: *const c_char, file: *const c_char, start: c_int)
        -> *mut PyObject;
    pub fn PyContextVar_Get(
        var: *mut PyObject,
        default: *mut PyObject,
        value: *mut *mut PyObject,
    ) -> c_int;
    pub fn PyModuleDef_Init(def: *mut PyModuleDef) -> *mut PyObject;
    pub fn PyEval_GetBuiltins() -> *mut PyObject;
    /// Fills `view` (a `Py_buffer`, which has `HPy_buffer`'s layout) from
    /// `obj`'s buffer export: 0, or -1 with an exception set.
    pub fn PyObject_GetBuffer(
        obj: *mut PyObject,
        view: *mut crate::types::HPy_buffer,
        flags: c_int,
    ) -> c_int;
    /// Releases a view filled by `PyObject_GetBuffer`.
    pub fn PyBuffer_Release(view: *mut crate::types::HPy_buffer);
}
