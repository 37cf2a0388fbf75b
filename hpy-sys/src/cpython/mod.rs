//! CPython ABI only: the parts of CPython's `Python.h` that the CPython-ABI
//! shims rely on, re-implemented in Rust, plus HPy's runtime.
//!
//! * [`PyObject`], [`PyVarObject`] and the few `PyTypeObject`/`PyBytesObject`/
//!   `PyTupleObject` offsets used inline (verified against `Python.h` by
//!   `tests/layout.rs`);
//! * refcounting ([`Py_INCREF`], [`Py_XDECREF`], ...): inline on CPython 3.11
//!   (`ob_refcnt` at offset 0, `_Py_Dealloc` at zero), the exported
//!   `Py_IncRef`/`Py_DecRef` on every other version;
//! * the C macros used by HPy's CPython shims (`PyBytes_Check`,
//!   `PyBytes_GET_SIZE`, ...);
//! * [`hpy_rs_cpython_context`], the crate's global CPython-ABI context;
//! * [`runtime`]: HPy's own runtime (`ctx_Type_FromSpec`,
//!   `_HPyModuleDef_AsPyInit`, `call_traverseproc_from_trampoline`, ...).
//!
//! None of this exists with the `universal` feature.

use core::ffi::{c_int, c_ulong};

use crate::{HPy, HPyContext, HPyField, HPyGlobal, HPyThreadState, HPy_ssize_t};

#[rustfmt::skip]
#[path = "../generated/cpython_api.rs"]
pub(crate) mod api_generated;

#[rustfmt::skip]
#[path = "../generated/cpython_runtime.rs"]
pub mod runtime;

mod misc;

/// Everything re-exported at the crate root in the CPython ABI.
pub(crate) mod api {
    pub use super::api_generated::*;
    pub use super::misc::*;
}

/// CPython's `PyObject` header (non-debug build without `Py_TRACE_REFS`; build.rs
/// refuses other builds).
#[repr(C)]
#[derive(Debug)]
pub struct PyObject {
    /// Reference count.
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

/// CPython's `PyTypeObject` (opaque; fields are read by offset, see
/// [`PyTypeObject_tp_flags_OFFSET`]).
#[repr(C)]
pub struct PyTypeObject {
    _opaque: [u8; 0],
}

/// CPython's `PyThreadState` (opaque).
#[repr(C)]
pub struct PyThreadState {
    _opaque: [u8; 0],
}

/// CPython's `PyMethodDef` (opaque: only passed by pointer here).
#[repr(C)]
pub struct PyMethodDef {
    _opaque: [u8; 0],
}

/// CPython's `PyModuleDef` (opaque: only passed by pointer here).
#[repr(C)]
pub struct PyModuleDef {
    _opaque: [u8; 0],
}

/// `offsetof(PyTypeObject, tp_flags)` (the same from CPython 3.8 to 3.13 on
/// 64-bit targets; checked by the layout test for the Python built against).
pub const PyTypeObject_tp_flags_OFFSET: usize = 21 * core::mem::size_of::<usize>();
/// `offsetof(PyTypeObject, tp_basicsize)` (after `PyVarObject` and `tp_name`).
pub const PyTypeObject_tp_basicsize_OFFSET: usize = 4 * core::mem::size_of::<usize>();
/// `offsetof(PyTypeObject, tp_dealloc)` (after `tp_basicsize`, `tp_itemsize`).
pub const PyTypeObject_tp_dealloc_OFFSET: usize = 6 * core::mem::size_of::<usize>();
/// `offsetof(PyTypeObject, tp_vectorcall_offset)` (after `tp_dealloc`).
pub const PyTypeObject_tp_vectorcall_offset_OFFSET: usize = 7 * core::mem::size_of::<usize>();
/// `offsetof(PyBytesObject, ob_sval)`: `PyVarObject` + `ob_shash`.
pub const PyBytesObject_ob_sval_OFFSET: usize =
    core::mem::size_of::<PyVarObject>() + core::mem::size_of::<crate::HPy_hash_t>();
/// `offsetof(PyTupleObject, ob_item)`: right after the `PyVarObject` header.
pub const PyTupleObject_ob_item_OFFSET: usize = core::mem::size_of::<PyVarObject>();

/// `Py_TPFLAGS_HAVE_VECTORCALL`: instances keep a `vectorcallfunc` at
/// `tp_vectorcall_offset`.
pub const Py_TPFLAGS_HAVE_VECTORCALL: c_ulong = 1 << 11;
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
/// `Py_TPFLAGS_TYPE_SUBCLASS` (the `PyType_Check` bit).
pub const Py_TPFLAGS_TYPE_SUBCLASS: c_ulong = 1 << 31;
/// `PY_VECTORCALL_ARGUMENTS_OFFSET`: the flag bit in a vectorcall `nargsf`.
pub const PY_VECTORCALL_ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);

extern "C" {
    /// HPy's `_HPyGetContext()`, from the C shim compiled by build.rs.
    #[link_name = "hpy_rs_cpython_context"]
    fn hpy_rs_cpython_context_from_c() -> *mut HPyContext;

    /// Marks a freshly created class as *plain* (a pure type based on
    /// `object` with nothing to do at deallocation but free the memory: no
    /// GC, no `tp_destroy` (`has_destroy` must say whether it has one), no
    /// finalizer, no `__call__`, no `__dict__`/weak references) by giving
    /// it [`hpy_rs_plain_dealloc`] in place of CPython's `subtype_dealloc`.
    /// Returns 1 if it did, 0 if the type is not plain. From the C shim.
    ///
    /// # Safety
    /// `h_type` must be a type just returned by `HPyType_FromSpec`, before
    /// any instance of it exists.
    pub fn hpy_rs_cpython_mark_plain(
        ctx: *mut HPyContext,
        h_type: HPy,
        has_destroy: c_int,
    ) -> c_int;

    /// The `tp_dealloc` of plain types: `tp_free`, then the reference to the
    /// heap type dropped. Its address is the mark [`hpy_rs_new`] looks for.
    /// From the C shim.
    pub fn hpy_rs_plain_dealloc(o: *mut PyObject);
}

static CPYTHON_CONTEXT: core::sync::atomic::AtomicPtr<HPyContext> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// The crate's global CPython-ABI `HPyContext` (HPy's `_HPyGetContext()`),
/// which HPy's runtime functions need. Always valid; initialised on first
/// use (call it with the GIL held). After that it is one load, not a call.
#[inline(always)]
pub fn hpy_rs_cpython_context() -> *mut HPyContext {
    let ctx = CPYTHON_CONTEXT.load(core::sync::atomic::Ordering::Relaxed);
    if ctx.is_null() {
        cpython_context_slow()
    } else {
        ctx
    }
}

#[cold]
#[inline(never)]
fn cpython_context_slow() -> *mut HPyContext {
    // SAFETY: the C shim returns HPy's static context, filling it on first use.
    let ctx = unsafe { hpy_rs_cpython_context_from_c() };
    CPYTHON_CONTEXT.store(ctx, core::sync::atomic::Ordering::Relaxed);
    ctx
}

#[cfg(hpy_inline_refcount)]
extern "C" {
    fn _Py_Dealloc(o: *mut PyObject);
    fn _Py_NewReference(o: *mut PyObject);
}

#[cfg(not(hpy_inline_refcount))]
extern "C" {
    fn PyObject_Init(o: *mut PyObject, t: *mut PyTypeObject) -> *mut PyObject;
}

extern "C" {
    fn PyObject_Malloc(size: usize) -> *mut core::ffi::c_void;
}

// ---- allocation ----

/// `HPy_New` with hpy-rs's short path for plain types (see
/// [`hpy_rs_cpython_mark_plain`]): `PyObject_Malloc`, the header set, and
/// `*data` pointed right after it, where HPy's `ctx_New` also checks the
/// type, looks up its shape, zeroes the payload and prepares vectorcall.
/// The payload is *not* zeroed on this path: the caller writes it whole
/// before the object is used. Every other type goes to HPy's `ctx_New`.
///
/// # Safety
/// As `HPy_New`; for a plain type the caller must also initialise the
/// payload (`tp_basicsize` minus the header) before anything reads it.
#[inline(always)]
pub unsafe fn hpy_rs_new(
    ctx: *mut HPyContext,
    h_type: HPy,
    data: *mut *mut core::ffi::c_void,
) -> HPy {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is a live object (contract); `tp_dealloc` and
    // `tp_basicsize` are read only once it is known to be a type, at their
    // offsets (layout test).
    unsafe {
        let is_type = tp_flags(Py_TYPE(tp.cast())) & Py_TPFLAGS_TYPE_SUBCLASS != 0;
        if is_type {
            let dealloc: usize = type_field(tp, PyTypeObject_tp_dealloc_OFFSET);
            if dealloc == hpy_rs_plain_dealloc as *const () as usize {
                let size: isize = type_field(tp, PyTypeObject_tp_basicsize_OFFSET);
                let op = PyObject_Malloc(size as usize).cast::<PyObject>();
                if op.is_null() {
                    return crate::HPyErr_NoMemory(ctx);
                }
                #[cfg(hpy_inline_refcount)]
                {
                    (*op).ob_type = tp;
                    // A heap type (checked when it was marked).
                    Py_INCREF(tp.cast());
                    _Py_NewReference(op);
                }
                #[cfg(not(hpy_inline_refcount))]
                PyObject_Init(op, tp);
                *data = op.add(1).cast();
                return _py2h(op);
            }
        }
        runtime::ctx_New(ctx, h_type, data)
    }
}

#[cfg(not(hpy_inline_refcount))]
extern "C" {
    fn Py_IncRef(o: *mut PyObject);
    fn Py_DecRef(o: *mut PyObject);
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
    #[cfg(hpy_inline_refcount)]
    // SAFETY: `o` is a live object (caller); with the GIL held nobody else
    // touches `ob_refcnt` (3.11 non-debug layout, checked by the layout test).
    unsafe {
        (*o).ob_refcnt += 1;
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
    #[cfg(hpy_inline_refcount)]
    // SAFETY: as for `Py_INCREF`; the caller owns the reference it gives up,
    // so deallocating at zero is what CPython's own macro does.
    unsafe {
        (*o).ob_refcnt -= 1;
        if (*o).ob_refcnt == 0 {
            _Py_Dealloc(o);
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
