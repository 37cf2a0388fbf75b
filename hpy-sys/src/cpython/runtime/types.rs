//! HPy types on CPython: `HPyType_FromSpec`, `HPy_New`, the `HPy_AsStruct_*`
//! family, the generic deallocator and `tp_traverse` bridge.
//!
//! # How an HPy type is recognised
//!
//! Every type made by [`ctx_Type_FromSpec`] carries [`HPY_RS_TPFLAGS_HPY_TYPE`]
//! (bit 21 of `tp_flags`) and owns a [`TypeExtra`] block: the HPy-only facts
//! CPython's type object has no field for (the builtin shape, the
//! `tp_traverse`/`tp_destroy` implementations, the default call function).
//! The block replaces the buffer CPython allocated for the type's name
//! (`PyHeapTypeObject._ht_tpname`, which CPython only ever frees, with
//! `PyMem_Free`, when the type dies), so the block lives exactly as long as
//! the type, and `tp_name` points at the copy of the name inside it.
//!
//! Why bit 21 is safe: CPython 3.11-3.15 define no `Py_TPFLAGS_*` value with
//! it (3.10 briefly used it for `Py_TPFLAGS_HAVE_AM_SEND`), and CPython
//! never copies unknown bits from a base to a subclass: a Python subclass of
//! an HPy type is therefore not marked, exactly as HPy requires (it is a
//! *legacy* type to HPy). The layout test scans every header of the Python
//! it is built for and fails if any flag definition uses the bit. HPy 0.9's
//! own runtime used bit 2, which 3.13 took for `Py_TPFLAGS_INLINE_VALUES`;
//! that is what made every HPy class crash there.

use core::ffi::{c_char, c_int, c_ulong, c_void, CStr};
use core::mem::size_of;
use core::ptr::{self, null_mut};

use super::super::ffi::*;
use super::super::{
    _h2py, _py2h, type_field, PyTypeObject_tp_basicsize_OFFSET, PyTypeObject_tp_dealloc_OFFSET,
    Py_DECREF, Py_INCREF, Py_TYPE, Py_XDECREF,
};
use super::{set_error, set_error_fmt};
use crate::*;

/// The `tp_flags` bit that marks types made by [`ctx_Type_FromSpec`]. See
/// the module documentation for why it is free on CPython 3.11-3.15.
pub const HPY_RS_TPFLAGS_HPY_TYPE: c_ulong = 1 << 21;

const EXTRA_MAGIC: u32 = 0x4850_7921; // "HPy!"

/// What hpy-sys keeps for each HPy type (see the module documentation).
#[repr(C)]
pub struct TypeExtra {
    magic: u32,
    /// The builtin shape the type was created with.
    pub shape: HPyType_BuiltinShape,
    /// `HPy_tp_traverse`'s implementation, if any.
    pub traverse: Option<HPyFunc_traverseproc>,
    /// `HPy_tp_destroy`'s implementation, if any.
    pub destroy: Option<HPyFunc_destroyfunc>,
    /// `HPy_tp_call`'s CPython trampoline: the call function new
    /// instances start with.
    pub default_call: Option<cpy_vectorcallfunc>,
    /// For a host of universal binaries: what its deallocator of a
    /// *simple* type empties in each instance (zeroed, nothing, until the
    /// host sets it when it marks the type).
    pub simple_plan: SimplePlan,
    /// The constructor a call of the type runs directly (set by
    /// [`hpy_rs_cpython_set_type_call`]): `HPy_tp_new`'s implementation,
    /// which accepts a tuple of keyword names as its `kw`.
    type_call_new: Option<HPyFunc_newfunc>,
    /// The context `type_call_new` is called with.
    type_call_ctx: *mut HPyContext,
    /// The type's `tp_new` when that was set: a call of the type that finds
    /// another (`__new__` assigned from Python) takes `type.__call__`.
    type_call_tp_new: Option<newfunc>,
    /// The type's name, NUL-terminated (`tp_name` points here).
    name: [c_char; 0],
}

/// What a deallocator of a *simple* type that is not compiled for the
/// type (a host's, for a universal binary's class) empties in a dying
/// instance before freeing it: `slots` fields from `slots_offset` bytes
/// into its payload, then whatever `finish` does with the payload (the
/// fields the value holds, the value's drop).
#[derive(Clone, Copy)]
#[repr(C)]
pub struct SimplePlan {
    /// Where the first field slot is, in bytes from the payload's start.
    pub slots_offset: usize,
    /// How many field slots follow it.
    pub slots: usize,
    /// Given the payload once the slots are empty, if anything remains.
    pub finish: Option<unsafe extern "C" fn(*mut c_void)>,
}

/// Records `plan` in the [`TypeExtra`] of `tp`, for the host's deallocator
/// of a simple type.
///
/// # Safety
/// `tp` is an HPy type (made by [`ctx_Type_FromSpec`]) without instances.
pub unsafe fn hpy_rs_set_simple_plan(tp: *mut PyTypeObject, plan: SimplePlan) {
    // SAFETY: an HPy type's `_ht_tpname` is its `TypeExtra` (contract),
    // written here before any instance reads it.
    unsafe {
        debug_assert!(is_hpy_type(tp));
        let extra = (*tp.cast::<PyHeapTypeObject>())
            ._ht_tpname
            .cast::<TypeExtra>();
        (*extra).simple_plan = plan;
    }
}

/// Makes calls of the HPy type `h_type` (`T(...)`) run its constructor
/// `new` directly through the type's `tp_vectorcall`, as CPython's own
/// types do, instead of `type.__call__` (the arguments packed into a tuple
/// and a dict, `tp_new` unpacking them, then the inherited `tp_init`
/// called). Only for a type whose `tp_init` is `object`'s, where calling
/// `tp_init` does nothing; while a call finds `tp_new` or `tp_init` changed
/// (assigned from Python), it goes through `type.__call__` as before.
/// CPython never copies `tp_vectorcall` to subclasses. Returns 1 if it set
/// the call.
///
/// # Safety
/// `h_type` must be a type just returned by `HPyType_FromSpec`; `new` must
/// be its `HPy_tp_new` implementation, callable with `ctx` (kept for the
/// type's life) from any call of the type, where handles are object
/// pointers (the CPython ABI, or the plain context of a host of universal
/// binaries), and a `kw` that is `HPy_NULL` or a tuple of keyword names
/// whose values follow the positional arguments (a vectorcall's).
pub unsafe fn hpy_rs_cpython_set_type_call(
    ctx: *mut HPyContext,
    h_type: HPy,
    new: HPyFunc_newfunc,
) -> c_int {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is a live type (contract); an HPy type's extra block
    // is written here before any call of the type reads it.
    unsafe {
        if !is_type_object(tp.cast()) || !is_hpy_type(tp) {
            return 0;
        }
        if (*tp).tp_new.is_none() || (*tp).tp_init != object_init() {
            return 0;
        }
        let extra = (*tp.cast::<PyHeapTypeObject>())
            ._ht_tpname
            .cast::<TypeExtra>();
        (*extra).type_call_new = Some(new);
        (*extra).type_call_ctx = ctx;
        (*extra).type_call_tp_new = (*tp).tp_new;
        let call: cpy_vectorcallfunc = type_call;
        (*tp).tp_vectorcall = call as *mut c_void;
    }
    1
}

/// Makes the type `h_type` immutable, as CPython 3.14's `PyType_Freeze`
/// does (and every static type is): `Py_TPFLAGS_IMMUTABLETYPE` set, so
/// that its attributes can no longer be set or deleted, and CPython's
/// specializing interpreter calls it as it calls its own classes
/// (`CALL_BUILTIN_CLASS`, straight to the type's vectorcall; a mutable
/// class takes the generic call). Refused, as `PyType_Freeze` refuses it,
/// while its base is mutable: -1 with `TypeError` set. 0 on success.
///
/// # Safety
/// The GIL is held; `h_type` is a live object (a handle is the object in
/// the CPython ABI and on a plain context).
pub unsafe fn hpy_rs_cpython_freeze_type(h_type: HPy) -> c_int {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is live (contract), and checked to be a type before
    // it is read as one; its base, if any, is a live type it holds.
    unsafe {
        if !is_type_object(tp.cast()) {
            set_error(PyExc_TypeError, c"only a type can be made immutable");
            return -1;
        }
        let base = (*tp).tp_base;
        if !base.is_null() && (*base).tp_flags & Py_TPFLAGS_IMMUTABLETYPE == 0 {
            set_error(
                PyExc_TypeError,
                c"a class with a mutable base cannot be made immutable (`immutable_type` on the base too)",
            );
            return -1;
        }
        (*tp).tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
        PyType_Modified(tp);
    }
    0
}

/// `object`'s `tp_init`.
#[inline(always)]
fn object_init() -> *mut c_void {
    // SAFETY: `PyBaseObject_Type` is a static type, ready before any module.
    unsafe { (*ptr::addr_of!(PyBaseObject_Type)).tp_init }
}

/// The `tp_vectorcall` of a type set by [`hpy_rs_cpython_set_type_call`].
///
/// # Safety
/// Called by CPython as a vectorcall of the type `callable`.
unsafe extern "C" fn type_call(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject {
    let tp = callable.cast::<PyTypeObject>();
    // SAFETY: only types marked by `hpy_rs_cpython_set_type_call` have this
    // call, and their extra block holds the constructor; the vectorcall's
    // arguments are what the constructor takes in the CPython ABI (handles
    // are object pointers, keyword names a tuple).
    unsafe {
        let extra = &*(*tp.cast::<PyHeapTypeObject>())
            ._ht_tpname
            .cast::<TypeExtra>();
        let now = (*tp).tp_new.map(|f| f as usize);
        match extra.type_call_new {
            Some(new)
                if now == extra.type_call_tp_new.map(|f| f as usize)
                    && (*tp).tp_init == object_init() =>
            {
                _h2py(new(
                    extra.type_call_ctx,
                    _py2h(callable),
                    args.cast::<HPy>(),
                    super::super::PyVectorcall_NARGS(nargsf) as HPy_ssize_t,
                    _py2h(kwnames),
                ))
            }
            _ => type_call_generic(callable, args, nargsf, kwnames),
        }
    }
}

/// A vectorcall of a type through `type.__call__`: the arguments packed
/// into the tuple and dict it takes.
///
/// # Safety
/// As [`type_call`].
#[cold]
unsafe fn type_call_generic(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject {
    // SAFETY: the vectorcall's arguments are live for the call; `type`'s
    // `tp_call` is `type.__call__`, which takes a tuple and a dict or NULL.
    unsafe {
        let n = super::super::PyVectorcall_NARGS(nargsf);
        let names = if kwnames.is_null() {
            0
        } else {
            super::super::PyTuple_GET_SIZE(kwnames) as usize
        };
        let tuple = PyTuple_New(n as HPy_ssize_t);
        if tuple.is_null() {
            return null_mut();
        }
        let items = super::super::_PyTuple_ITEMS(tuple).cast_mut();
        for i in 0..n {
            let o = *args.add(i);
            Py_INCREF(o);
            *items.add(i) = o;
        }
        let mut kw = null_mut();
        if names > 0 {
            kw = PyDict_New();
            if kw.is_null() {
                Py_DECREF(tuple);
                return null_mut();
            }
            let keys = super::super::_PyTuple_ITEMS(kwnames);
            for i in 0..names {
                if PyDict_SetItem(kw, *keys.add(i), *args.add(n + i)) < 0 {
                    Py_DECREF(kw);
                    Py_DECREF(tuple);
                    return null_mut();
                }
            }
        }
        let call: unsafe extern "C" fn(
            *mut PyObject,
            *mut PyObject,
            *mut PyObject,
        ) -> *mut PyObject =
            core::mem::transmute::<*mut c_void, _>((*ptr::addr_of!(PyType_Type)).tp_call);
        let result = call(callable, tuple, kw);
        Py_XDECREF(kw);
        Py_DECREF(tuple);
        result
    }
}

/// `PyType_Check(obj)`.
///
/// # Safety
/// `obj` must point to a live object.
#[inline(always)]
unsafe fn is_type_object(obj: *mut PyObject) -> bool {
    // SAFETY: a live object has a live type (caller).
    unsafe { (*Py_TYPE(obj)).tp_flags & Py_TPFLAGS_TYPE_SUBCLASS != 0 }
}

/// `true` if `tp` was made by [`ctx_Type_FromSpec`].
///
/// # Safety
/// `tp` must point to a live type object.
#[inline(always)]
pub unsafe fn is_hpy_type(tp: *mut PyTypeObject) -> bool {
    // SAFETY: `tp` is a live type (caller).
    unsafe { (*tp).tp_flags & HPY_RS_TPFLAGS_HPY_TYPE != 0 }
}

/// The [`TypeExtra`] of an HPy type, `None` for any other type.
///
/// # Safety
/// `tp` must point to a live type object.
#[inline(always)]
pub unsafe fn type_extra(tp: *mut PyTypeObject) -> Option<&'static TypeExtra> {
    // SAFETY: a marked type is a heap type whose `_ht_tpname` is the block
    // `ctx_Type_FromSpec` installed, alive as long as the type (caller).
    unsafe {
        if !is_hpy_type(tp) {
            return None;
        }
        let extra = (*tp.cast::<PyHeapTypeObject>())
            ._ht_tpname
            .cast::<TypeExtra>();
        debug_assert_eq!((*extra).magic, EXTRA_MAGIC);
        Some(&*extra)
    }
}

/// The builtin shape of `tp`: its own for an HPy type, `Legacy` for any
/// other (including Python subclasses of HPy types, as in HPy).
///
/// # Safety
/// `tp` must point to a live type object.
#[inline(always)]
pub unsafe fn type_shape(tp: *mut PyTypeObject) -> HPyType_BuiltinShape {
    // SAFETY: forwarded.
    unsafe { type_extra(tp) }.map_or(HPyType_BuiltinShape_Legacy, |e| e.shape)
}

/// Rounds `size` up to the strictest alignment of a C scalar (`long
/// double`: 16 on x86_64), as HPy does so that any payload struct fits.
const fn max_aligned(size: usize) -> usize {
    const A: usize = 16;
    (size + A - 1) & !(A - 1)
}

/// Sizes of the builtin objects a payload follows, per version (each
/// checked by the layout test).
pub mod builtin_sizes {
    #![allow(missing_docs)]
    use super::*;
    pub const OBJECT: usize = size_of::<PyObject>();
    #[cfg(not(Py_3_12))]
    pub const HEAP_TYPE: usize = 904;
    #[cfg(all(Py_3_12, not(Py_3_13)))]
    pub const HEAP_TYPE: usize = 920;
    #[cfg(all(Py_3_13, not(Py_3_14)))]
    pub const HEAP_TYPE: usize = 928;
    #[cfg(all(Py_3_14, not(Py_3_15)))]
    pub const HEAP_TYPE: usize = 936;
    #[cfg(Py_3_15)]
    pub const HEAP_TYPE: usize = 944;
    /// `PyLongObject` (3.11: header + one digit; 3.12+: tag + one digit).
    pub const LONG: usize = 32;
    /// `PyFloatObject`.
    pub const FLOAT: usize = 24;
    #[cfg(not(Py_3_12))]
    pub const UNICODE: usize = 80;
    #[cfg(Py_3_12)]
    pub const UNICODE: usize = 64;
    #[cfg(not(Py_3_14))]
    pub const TUPLE: usize = 32;
    #[cfg(Py_3_14)]
    pub const TUPLE: usize = 40;
    pub const LIST: usize = 40;
}

/// The offset of the payload in an object of `shape` (HPy's
/// `_HPy_GetHeaderSize`), or `None` for an unknown shape.
#[inline(always)]
pub const fn header_size(shape: HPyType_BuiltinShape) -> Option<usize> {
    use builtin_sizes::*;
    Some(match shape {
        HPyType_BuiltinShape_Legacy => 0,
        HPyType_BuiltinShape_Object => max_aligned(OBJECT),
        HPyType_BuiltinShape_Type => max_aligned(HEAP_TYPE),
        HPyType_BuiltinShape_Long => max_aligned(LONG),
        HPyType_BuiltinShape_Float => max_aligned(FLOAT),
        HPyType_BuiltinShape_Unicode => max_aligned(UNICODE),
        HPyType_BuiltinShape_Tuple => max_aligned(TUPLE),
        HPyType_BuiltinShape_List => max_aligned(LIST),
        _ => return None,
    })
}

/// The payload of `obj` for `shape` (a valid shape).
#[inline(always)]
unsafe fn payload(obj: *mut PyObject, shape: HPyType_BuiltinShape) -> *mut c_void {
    let offset = header_size(shape).unwrap_or_default();
    // SAFETY: the object is at least header-sized for its own shape (the
    // type was created with that header).
    unsafe { obj.cast::<u8>().add(offset).cast() }
}

/// The payload of `obj` by its type's shape (HPy's `_pyobj_as_struct`).
///
/// # Safety
/// `obj` must point to a live object.
#[inline(always)]
pub unsafe fn object_payload(obj: *mut PyObject) -> *mut c_void {
    // SAFETY: forwarded.
    unsafe { payload(obj, type_shape(Py_TYPE(obj))) }
}

/// Writes the type's default call function into a new instance, if the
/// type uses the vectorcall protocol (HPy's `_HPy_vectorcall_init`).
#[inline(always)]
unsafe fn init_call_function(tp: *mut PyTypeObject, obj: *mut PyObject) {
    // SAFETY: `obj` is a fresh instance of `tp`; a type with the vectorcall
    // flag has a positive `tp_vectorcall_offset` inside its instances.
    unsafe {
        if (*tp).tp_flags & Py_TPFLAGS_HAVE_VECTORCALL != 0 {
            let f = type_extra(tp).and_then(|e| e.default_call);
            set_call_function(tp, obj, f);
        }
    }
}

#[inline(always)]
unsafe fn set_call_function(
    tp: *mut PyTypeObject,
    obj: *mut PyObject,
    f: Option<cpy_vectorcallfunc>,
) {
    // SAFETY: see `init_call_function`; the field may be unaligned only in
    // theory (HPy aligns it), so write it unaligned.
    unsafe {
        let slot = obj.cast::<u8>().offset((*tp).tp_vectorcall_offset);
        ptr::write_unaligned(slot.cast::<Option<cpy_vectorcallfunc>>(), f);
    }
}

// ---------------------------------------------------------------------------
// deallocation
// ---------------------------------------------------------------------------

unsafe extern "C" fn clear_field(field: *mut HPyField, _arg: *mut c_void) -> c_int {
    // SAFETY: `field` is one of the object's fields, owning its reference.
    unsafe { hpy_rs_clear_field(field) };
    0
}

/// `tp_clear` of HPy types with `HPy_tp_traverse`: every `HPyField` of
/// every HPy type in the hierarchy is emptied.
unsafe extern "C" fn hpy_type_clear(obj: *mut PyObject) -> c_int {
    // SAFETY: CPython passes a live instance; the traverse functions of the
    // HPy types it is an instance of accept its payload.
    unsafe {
        let mut tp = Py_TYPE(obj);
        while !tp.is_null() {
            if let Some(traverse) = type_extra(tp).and_then(|e| e.traverse) {
                traverse(object_payload(obj), clear_field, null_mut());
            }
            tp = (*tp).tp_base;
        }
    }
    0
}

/// Whether the definitions announce a weak reference list
/// (`__weaklistoffset__`, hpy-rs's `weakref` classes).
///
/// # Safety
/// `defs` are valid definitions whose names are C strings.
unsafe fn has_weaklist_member(defs: &[&HPyDef]) -> bool {
    defs.iter().any(|d| {
        // SAFETY: the union member read is the one `kind` selects; member
        // names are C strings (contract).
        d.kind == HPyDef_Kind_Member
            && unsafe { CStr::from_ptr(d.u.member.name) } == c"__weaklistoffset__"
    })
}

/// `tp_dealloc` of HPy types with `HPy_tp_destroy`, `HPy_tp_traverse` or
/// weak references: finalizer, GC untracking, weak references cleared,
/// fields cleared, every `tp_destroy` of the hierarchy, then the memory and
/// the reference to the type.
unsafe extern "C" fn hpy_type_dealloc(obj: *mut PyObject) {
    // SAFETY: CPython passes an instance whose reference count reached 0.
    unsafe {
        let tp = Py_TYPE(obj);
        if !(*tp).tp_finalize.is_null() && PyObject_CallFinalizerFromDealloc(obj) < 0 {
            return; // resurrected
        }
        if (*tp).tp_flags & Py_TPFLAGS_HAVE_GC != 0 {
            PyObject_GC_UnTrack(obj.cast());
        }
        // A type with `__weaklistoffset__` (hpy-rs's `weakref` classes):
        // its weak references die with it (the `__dict__` slot, an
        // `HPyField` to the traverse function, is cleared just below).
        if (*tp).tp_weaklistoffset > 0 {
            PyObject_ClearWeakRefs(obj);
        }
        hpy_type_clear(obj);
        let mut base = tp;
        while !base.is_null() {
            if let Some(destroy) = type_extra(base).and_then(|e| e.destroy) {
                destroy(object_payload(obj));
            }
            base = (*base).tp_base;
        }
        if let Some(free) = (*tp).tp_free {
            free(obj.cast());
        }
        // Instances of heap types hold a reference to their type.
        Py_DECREF(tp.cast());
    }
}

/// The `tp_dealloc` of *plain* types (see [`hpy_rs_cpython_mark_plain`]):
/// the memory, then the reference to the heap type. Its address is also the
/// mark `hpy_rs_new` tests.
pub unsafe extern "C" fn hpy_rs_plain_dealloc(obj: *mut PyObject) {
    // SAFETY: CPython passes an instance of a plain type (or, through
    // `subtype_dealloc`, of a Python subclass of one) whose count reached 0.
    // The instance's own type frees it: a subclass's `tp_free` knows about
    // the memory it added before the object (3.11+ managed dicts).
    unsafe {
        let tp = Py_TYPE(obj);
        if let Some(free) = (*tp).tp_free {
            free(obj.cast());
        }
        Py_DECREF(tp.cast());
    }
}

/// Whether the heap type `tp` is based directly on `object`, with no items,
/// no finalizer, no `__call__`, no `__dict__` or weak references, and frees
/// its instances with `free`: what both the plain and the simple fast
/// paths need of a type.
///
/// # Safety
/// `tp` is a live type object.
unsafe fn is_bare_object_leaf(tp: *mut PyTypeObject, free: freefunc) -> bool {
    // SAFETY: a live type object (contract).
    unsafe {
        (*tp).tp_base == ptr::addr_of_mut!(PyBaseObject_Type)
            && (*tp).tp_itemsize == 0
            && (*tp).tp_finalize.is_null()
            && (*tp).tp_del.is_null()
            && (*tp).tp_call.is_null()
            && (*tp).tp_dictoffset == 0
            && (*tp).tp_weaklistoffset == 0
            && (*tp).tp_free.map(|f| f as usize) == Some(free as usize)
    }
}

/// Marks `h_type` *plain* if it is one: an HPy type of shape `Object` based
/// on `object` with nothing to do at deallocation but free the memory (no
/// GC, no `tp_destroy` — `has_destroy` says whether the class has one —, no
/// finalizer, no `__call__`, no `__dict__`/weak references). It gets
/// [`hpy_rs_plain_dealloc`] in place of CPython's `subtype_dealloc`, and
/// `hpy_rs_new` allocates its instances inline. Returns 1 if it marked it.
///
/// # Safety
/// `h_type` must be a type just returned by `HPyType_FromSpec`, before any
/// instance of it exists.
pub unsafe fn hpy_rs_cpython_mark_plain(
    _ctx: *mut HPyContext,
    h_type: HPy,
    has_destroy: c_int,
) -> c_int {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is a live object (contract); its type fields are read
    // only once it is known to be a type.
    unsafe {
        let is_type = is_type_object(tp.cast());
        if has_destroy != 0
            || !is_type
            || type_shape(tp) != HPyType_BuiltinShape_Object
            || (*tp).tp_flags & (Py_TPFLAGS_HEAPTYPE | Py_TPFLAGS_HAVE_GC) != Py_TPFLAGS_HEAPTYPE
            || !is_bare_object_leaf(tp, PyObject_Free)
        {
            return 0;
        }
        (*tp).tp_dealloc = Some(hpy_rs_plain_dealloc);
    }
    1
}

/// Marks `h_type` *simple* if it is one, giving it `dealloc` as its
/// `tp_dealloc` in place of the generic `hpy_type_dealloc`: an HPy type
/// of shape `Object` based on `object` that Python cannot subclass, whose
/// instances need more than freeing (garbage-collector tracking, fields,
/// `tp_destroy`) but no finalizer, `__call__`, `__dict__` or weak
/// references. Its instances then always have this very type, so `dealloc`
/// knows their layout and what to clear without walking the type chain
/// (the caller's per-class function, which calls [`hpy_rs_simple_dealloc`]),
/// and [`hpy_rs_alloc_simple`] allocates them. Returns 1 if it marked it.
///
/// # Safety
/// `h_type` must be a type just returned by `HPyType_FromSpec`, before any
/// instance of it exists; `dealloc` must be a deallocator for exactly its
/// instances, as [`hpy_rs_simple_dealloc`] describes.
pub unsafe fn hpy_rs_cpython_mark_simple(
    _ctx: *mut HPyContext,
    h_type: HPy,
    dealloc: destructor,
) -> c_int {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is a live object (contract); its type fields are read
    // only once it is known to be a type.
    unsafe {
        if !is_type_object(tp.cast()) || type_shape(tp) != HPyType_BuiltinShape_Object {
            return 0;
        }
        let gc = (*tp).tp_flags & Py_TPFLAGS_HAVE_GC != 0;
        let free: freefunc = if gc { PyObject_GC_Del } else { PyObject_Free };
        // HPy's type flags are CPython's (`HPy_TPFLAGS_BASETYPE` too).
        if (*tp).tp_flags & (Py_TPFLAGS_HEAPTYPE | HPy_TPFLAGS_BASETYPE) != Py_TPFLAGS_HEAPTYPE
            || (*tp).tp_dealloc.map(|f| f as usize) != Some(hpy_type_dealloc as destructor as usize)
            || !is_bare_object_leaf(tp, free)
        {
            return 0;
        }
        (*tp).tp_dealloc = Some(dealloc);
    }
    1
}

/// The body of the `tp_dealloc` of a *simple* type (see
/// [`hpy_rs_cpython_mark_simple`]): what `hpy_type_dealloc` does for it,
/// with the type chain known: untracked, `clear_and_destroy` given the
/// payload (it empties every field, then runs the `tp_destroy` part), then
/// the memory and the reference to the type.
///
/// # Safety
/// `obj` is an instance of a simple type whose reference count reached 0;
/// `clear_and_destroy` accepts its payload.
#[inline(always)]
pub unsafe fn hpy_rs_simple_dealloc(
    obj: *mut PyObject,
    clear_and_destroy: impl FnOnce(*mut c_void),
) {
    // SAFETY: `obj` is a dying instance of a simple type (contract): its
    // type is this HPy type itself, of shape `Object`, with the `tp_free`
    // checked when it was marked.
    unsafe {
        let tp = Py_TYPE(obj);
        let gc = (*tp).tp_flags & Py_TPFLAGS_HAVE_GC != 0;
        if gc {
            PyObject_GC_UnTrack(obj.cast());
        }
        clear_and_destroy(payload(obj, HPyType_BuiltinShape_Object));
        if gc {
            PyObject_GC_Del(obj.cast());
        } else {
            PyObject_Free(obj.cast());
        }
        Py_DECREF(tp.cast());
    }
}

/// Empties one field as the `tp_clear` of HPy types does: for the
/// `clear_and_destroy` of [`hpy_rs_simple_dealloc`]. Its object is
/// released through [`super::frees::release_held`], so that freeing a
/// long chain of objects does not nest a deallocator per object.
///
/// # Safety
/// `field` is a field of a dying or cleared object, empty or owning its
/// reference.
#[inline(always)]
pub unsafe fn hpy_rs_clear_field(field: *mut HPyField) {
    // SAFETY: `field` owns its reference (contract), given up here once the
    // field no longer names it.
    unsafe {
        let old = (*field)._i as *mut PyObject;
        *field = HPyField_NULL;
        if !old.is_null() {
            super::frees::release_held(old);
        }
    }
}

/// What [`hpy_rs_alloc_simple`] made.
pub enum SimpleAlloc {
    /// The type is not a *simple* type with that `tp_dealloc`: allocate it
    /// another way.
    NotSimple,
    /// The allocation failed, with the Python exception set.
    Failed,
    /// A new object whose payload (`size` bytes at `payload`) is as the
    /// allocator left it, not yet tracked by the garbage collector.
    Made {
        /// The object (one reference, the caller's).
        obj: *mut PyObject,
        /// Its payload, after the object header.
        payload: *mut c_void,
        /// The payload's size in bytes (`tp_basicsize` less the header).
        size: usize,
    },
}

/// Allocates an instance of a *simple* type whose `tp_dealloc` is
/// `dealloc` (see [`hpy_rs_cpython_mark_simple`]) without looking the
/// type's facts up again, and leaves its payload unwritten and the object
/// untracked, so that the caller writes every byte once; then
/// [`hpy_rs_track_simple`] hands it to the collector.
///
/// # Safety
/// `h_type` is a live object. With [`SimpleAlloc::Made`], the caller writes
/// the whole payload (every byte the type's `tp_traverse`, `tp_dealloc` or
/// anything else may read) and then calls [`hpy_rs_track_simple`] before
/// the object is seen by any other code.
#[inline(always)]
pub unsafe fn hpy_rs_alloc_simple(h_type: HPy, dealloc: destructor) -> SimpleAlloc {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is a live object (contract); its type fields are read
    // only once it is known to be a type, and a marked type's instances are
    // `tp_basicsize` bytes of shape `Object`.
    unsafe {
        if !(is_type_object(tp.cast())
            && (*tp).tp_dealloc.map(|f| f as usize) == Some(dealloc as usize))
        {
            return SimpleAlloc::NotSimple;
        }
        hpy_rs_alloc_simple_marked(h_type)
    }
}

/// The `tp_dealloc` of `h_type`, a type object, as an address: what
/// [`hpy_rs_alloc_simple_marked`] and [`hpy_rs_new_plain_filled`] need
/// known (the caller compares it with its simple deallocator and with
/// [`hpy_rs_is_plain_dealloc`]), read once.
///
/// # Safety
/// `h_type` is a live type object.
#[inline(always)]
pub unsafe fn hpy_rs_type_dealloc(h_type: HPy) -> usize {
    // SAFETY: a live type object (contract).
    unsafe { type_field(_h2py(h_type).cast(), PyTypeObject_tp_dealloc_OFFSET) }
}

/// Whether `dealloc` (from [`hpy_rs_type_dealloc`]) is the deallocator of
/// a type marked plain by [`hpy_rs_cpython_mark_plain`].
#[inline(always)]
pub fn hpy_rs_is_plain_dealloc(dealloc: usize) -> bool {
    dealloc == hpy_rs_plain_dealloc as *const () as usize
}

/// [`hpy_rs_alloc_simple`] of a type already known to be simple: never
/// `NotSimple`.
///
/// # Safety
/// `h_type` is a live type object whose `tp_dealloc` is the deallocator it
/// was marked simple with ([`hpy_rs_cpython_mark_simple`]); otherwise as
/// [`hpy_rs_alloc_simple`].
#[inline(always)]
pub unsafe fn hpy_rs_alloc_simple_marked(h_type: HPy) -> SimpleAlloc {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: a marked simple type (contract): its instances are
    // `tp_basicsize` bytes of shape `Object`.
    unsafe {
        let obj = if (*tp).tp_flags & Py_TPFLAGS_HAVE_GC != 0 {
            _PyObject_GC_New(tp)
        } else {
            _PyObject_New(tp)
        };
        if obj.is_null() {
            return SimpleAlloc::Failed;
        }
        let start = header_size(HPyType_BuiltinShape_Object).unwrap_or_default();
        SimpleAlloc::Made {
            obj,
            payload: payload(obj, HPyType_BuiltinShape_Object),
            size: (*tp).tp_basicsize as usize - start,
        }
    }
}

/// Hands an object made by [`hpy_rs_alloc_simple`], its payload written,
/// to the garbage collector (if its type is collected).
///
/// # Safety
/// `obj` comes from [`SimpleAlloc::Made`], its payload wholly written, and
/// is tracked only once.
#[inline(always)]
pub unsafe fn hpy_rs_track_simple(obj: *mut PyObject) {
    // SAFETY: a live object of a live type (contract).
    unsafe {
        if (*Py_TYPE(obj)).tp_flags & Py_TPFLAGS_HAVE_GC != 0 {
            PyObject_GC_Track(obj.cast());
        }
    }
}

// ---------------------------------------------------------------------------
// HPyType_FromSpec
// ---------------------------------------------------------------------------

/// CPython's number for an HPy type slot: the same number (HPy took
/// CPython's), except for the four slots CPython 3.15 renumbered.
fn cpython_type_slot(slot: HPySlot_Slot) -> c_int {
    match slot {
        HPy_bf_getbuffer => Py_bf_getbuffer,
        HPy_bf_releasebuffer => Py_bf_releasebuffer,
        HPy_mp_ass_subscript => Py_mp_ass_subscript,
        HPy_mp_length => Py_mp_length,
        other => other,
    }
}

/// The definitions of a spec or module def, as a slice.
///
/// # Safety
/// `defines` must be NULL or a NULL-terminated array of valid definitions.
pub(crate) unsafe fn defines<'a>(defines: *mut *mut HPyDef) -> &'a [&'a HPyDef] {
    if defines.is_null() {
        return &[];
    }
    let mut n = 0;
    // SAFETY: NULL-terminated array (caller); `*mut HPyDef` and `&HPyDef`
    // have the same layout and every entry before the NULL is valid.
    unsafe {
        while !(*defines.add(n)).is_null() {
            n += 1;
        }
        core::slice::from_raw_parts(defines.cast::<&HPyDef>(), n)
    }
}

fn slot_of(def: &HPyDef) -> Option<&HPySlot> {
    if def.kind != HPyDef_Kind_Slot {
        return None;
    }
    // SAFETY: the union holds a slot when `kind` says so.
    Some(unsafe { &def.u.slot })
}

/// The `PyMethodDef`s of the `HPyDef_Kind_Meth` definitions followed by the
/// legacy ones, ending with the sentinel. Never freed: CPython keeps
/// pointers into the array for the lifetime of the type or module.
pub(crate) unsafe fn method_defs(
    defs: &[&HPyDef],
    legacy: *const PyMethodDef,
) -> Result<*mut PyMethodDef, ()> {
    let mut out = Vec::new();
    for def in defs.iter().filter(|d| d.kind == HPyDef_Kind_Meth) {
        // SAFETY: `kind` says the union holds a method.
        let m = unsafe { &def.u.meth };
        let flags = match m.signature {
            HPyFunc_VARARGS => METH_FASTCALL,
            HPyFunc_KEYWORDS => METH_FASTCALL | METH_KEYWORDS,
            HPyFunc_NOARGS => METH_NOARGS,
            HPyFunc_O => METH_O,
            _ => {
                // SAFETY: plain C-API call with the GIL held.
                unsafe { set_error(PyExc_ValueError, c"Unsupported HPyMeth signature") };
                return Err(());
            }
        };
        out.push(PyMethodDef {
            ml_name: m.name,
            ml_meth: m.cpy_trampoline.map_or(null_mut(), |f| f as *mut c_void),
            ml_flags: flags,
            ml_doc: m.doc,
        });
    }
    // SAFETY: a legacy array ends with an entry whose name is NULL.
    unsafe { extend_until_null(&mut out, legacy, |m| m.ml_name.is_null()) };
    out.push(PyMethodDef {
        ml_name: ptr::null(),
        ml_meth: null_mut(),
        ml_flags: 0,
        ml_doc: ptr::null(),
    });
    Ok(Box::leak(out.into_boxed_slice()).as_mut_ptr())
}

/// Appends the entries of a C array up to (not including) the sentinel.
unsafe fn extend_until_null<T: Copy>(out: &mut Vec<T>, mut p: *const T, end: impl Fn(&T) -> bool) {
    if p.is_null() {
        return;
    }
    // SAFETY: the array ends with a sentinel entry (caller).
    unsafe {
        while !end(&*p) {
            out.push(*p);
            p = p.add(1);
        }
    }
}

/// A spec's legacy slots, split like HPy does: methods, members and getsets
/// are merged with the HPy definitions, everything else passes through.
struct Legacy {
    slots: Vec<PyType_Slot>,
    methods: *const PyMethodDef,
    members: *const PyMemberDef,
    getsets: *const PyGetSetDef,
}

unsafe fn split_legacy(slots: *const PyType_Slot) -> Legacy {
    let mut all = Vec::new();
    // SAFETY: a `PyType_Slot` array ends with slot 0 (HPy's contract).
    unsafe { extend_until_null(&mut all, slots, |s| s.slot == 0) };
    let mut legacy = Legacy {
        slots: Vec::new(),
        methods: ptr::null(),
        members: ptr::null(),
        getsets: ptr::null(),
    };
    for s in all {
        match s.slot {
            Py_tp_methods => legacy.methods = s.pfunc.cast(),
            Py_tp_members => legacy.members = s.pfunc.cast(),
            Py_tp_getset => legacy.getsets = s.pfunc.cast(),
            _ => legacy.slots.push(s),
        }
    }
    legacy
}

/// What the spec's parameters ask for.
struct Params {
    /// A new reference to the bases tuple, or NULL.
    bases: *mut PyObject,
    metaclass: *mut PyTypeObject,
}

unsafe fn read_params(params: *mut HPyType_SpecParam, name: *const c_char) -> Result<Params, ()> {
    let mut list = Vec::new();
    // SAFETY: a params array ends with kind 0 (HPy's contract).
    unsafe { extend_until_null(&mut list, params, |p| p.kind == 0) };
    let mut bases = Vec::new();
    let mut bases_tuple = None;
    let mut metaclass = null_mut::<PyTypeObject>();
    for p in &list {
        let obj = _h2py(p.object);
        match p.kind {
            HPyType_SpecParam_Base => bases.push(obj),
            HPyType_SpecParam_BasesTuple if bases_tuple.is_none() => bases_tuple = Some(obj),
            HPyType_SpecParam_BasesTuple => {
                // SAFETY: plain C-API call.
                unsafe {
                    set_error(
                        PyExc_TypeError,
                        c"HPyType_SpecParam_BasesTuple given more than once",
                    )
                };
                return Err(());
            }
            HPyType_SpecParam_Metaclass if metaclass.is_null() => {
                // SAFETY: `obj` is a live object (contract).
                if !unsafe { is_type_object(obj) } {
                    // SAFETY: plain C-API call.
                    unsafe {
                        set_error(
                            PyExc_TypeError,
                            c"the metaclass of an HPy type must be a subclass of 'type'",
                        )
                    };
                    return Err(());
                }
                metaclass = obj.cast();
            }
            HPyType_SpecParam_Metaclass => {
                // SAFETY: plain C-API call.
                unsafe {
                    set_error(
                        PyExc_ValueError,
                        c"HPyType_SpecParam_Metaclass given more than once",
                    )
                };
                return Err(());
            }
            _ => {
                // SAFETY: `name` is the spec's NUL-terminated name.
                unsafe {
                    set_error_fmt(
                        PyExc_TypeError,
                        format_args!(
                            "unknown HPyType_SpecParam kind {} for '{}'",
                            p.kind,
                            CStr::from_ptr(name).to_string_lossy()
                        ),
                    )
                };
                return Err(());
            }
        }
    }
    if bases_tuple.is_some() && !bases.is_empty() {
        // SAFETY: plain C-API call.
        unsafe {
            set_error(
                PyExc_TypeError,
                c"HPyType_SpecParam_Base and HPyType_SpecParam_BasesTuple cannot be combined",
            )
        };
        return Err(());
    }
    let tuple = if let Some(t) = bases_tuple {
        // SAFETY: a live object; the result owns a new reference.
        unsafe { Py_INCREF(t) };
        t
    } else if bases.is_empty() {
        null_mut()
    } else {
        // SAFETY: a fresh tuple of the right size filled with new references.
        unsafe {
            let t = PyTuple_New(bases.len() as HPy_ssize_t);
            if t.is_null() {
                return Err(());
            }
            let items = super::super::_PyTuple_ITEMS(t).cast_mut();
            for (i, b) in bases.iter().enumerate() {
                Py_INCREF(*b);
                *items.add(i) = *b;
            }
            t
        }
    };
    Ok(Params {
        bases: tuple,
        metaclass,
    })
}

/// `tp_new` of HPy types with `HPy_tp_call` but no `HPy_tp_new`: the
/// inherited `tp_new`, then the default call function set.
unsafe extern "C" fn new_with_call_function(
    tp: *mut PyTypeObject,
    args: *mut PyObject,
    kwds: *mut PyObject,
) -> *mut PyObject {
    // SAFETY: CPython calls this with a live subtype of the HPy type, whose
    // base has a `tp_new` (HPy types derive from a type that can be
    // instantiated, or `tp_new` refuses).
    unsafe {
        let base = (*tp).tp_base;
        let Some(new) = (*base).tp_new else {
            set_error(PyExc_TypeError, c"cannot create instances of this type");
            return null_mut();
        };
        let obj = new(tp, args, kwds);
        if !obj.is_null() {
            init_call_function(tp, obj);
        }
        obj
    }
}

/// HPy API function `HPyType_FromSpec` (runtime part).
///
/// # Safety
/// `spec` must be a valid spec (its definitions alive for the lifetime of
/// the type: they are static in practice), `params` NULL or a valid array.
pub unsafe fn ctx_Type_FromSpec(
    _ctx: *mut HPyContext,
    spec: *mut HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> HPy {
    // SAFETY: forwarded contract; every failure leaves an exception set.
    match unsafe { type_from_spec(&*spec, params) } {
        Ok(t) => _py2h(t),
        Err(()) => HPy_NULL,
    }
}

unsafe fn type_from_spec(
    spec: &HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> Result<*mut PyObject, ()> {
    // SAFETY: (whole function) the spec is valid (caller); C-API calls are
    // made with the GIL held and their failures are checked.
    unsafe {
        let defs = defines(spec.defines);
        let has_slot = |id| {
            defs.iter()
                .any(|d| slot_of(d).is_some_and(|s| s.slot == id))
        };
        let has_traverse = has_slot(HPy_tp_traverse);
        // A type with weak references needs the deallocator that clears
        // them (`hpy_type_dealloc`).
        let needs_dealloc = has_traverse || has_slot(HPy_tp_destroy) || has_weaklist_member(defs);
        let legacy = split_legacy(spec.legacy_slots.cast());

        if !spec.legacy_slots.is_null() && spec.builtin_shape != HPyType_BuiltinShape_Legacy {
            set_error(
                PyExc_TypeError,
                c"cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy",
            );
            return Err(());
        }
        if needs_dealloc && legacy.slots.iter().any(|s| s.slot == Py_tp_dealloc) {
            set_error(
                PyExc_TypeError,
                c"a legacy tp_dealloc cannot be combined with HPy_tp_traverse or HPy_tp_destroy",
            );
            return Err(());
        }
        if spec.flags & HPy_TPFLAGS_HAVE_GC != 0 && !has_traverse {
            set_error(
                PyExc_ValueError,
                c"HPy_TPFLAGS_HAVE_GC needs an HPy_tp_traverse slot",
            );
            return Err(());
        }
        let Some(head) = header_size(spec.builtin_shape) else {
            set_error_fmt(
                PyExc_ValueError,
                format_args!("invalid builtin shape: {}", spec.builtin_shape),
            );
            return Err(());
        };

        // The extra block, holding the name (CPython's own copy is replaced
        // by it below).
        let name = CStr::from_ptr(spec.name).to_bytes_with_nul();
        let extra = PyMem_Calloc(1, size_of::<TypeExtra>() + name.len()).cast::<TypeExtra>();
        if extra.is_null() {
            PyErr_NoMemory();
            return Err(());
        }
        let name_ptr = ptr::addr_of_mut!((*extra).name).cast::<c_char>();
        ptr::copy_nonoverlapping(name.as_ptr().cast::<c_char>(), name_ptr, name.len());
        (*extra).magic = EXTRA_MAGIC;
        (*extra).shape = spec.builtin_shape;
        match build_type(spec, params, defs, legacy, head, extra) {
            Ok(t) => Ok(t),
            Err(extra_is_ours) => {
                if extra_is_ours {
                    PyMem_Free(extra.cast());
                }
                Err(())
            }
        }
    }
}

/// The rest of [`type_from_spec`], once the extra block exists. `Err(true)`:
/// the block is still the caller's to free; `Err(false)`: it belongs to a
/// type (which has been released).
#[allow(clippy::too_many_lines)]
unsafe fn build_type(
    spec: &HPyType_Spec,
    params: *mut HPyType_SpecParam,
    defs: &[&HPyDef],
    legacy: Legacy,
    head: usize,
    extra: *mut TypeExtra,
) -> Result<*mut PyObject, bool> {
    // SAFETY: (whole function) as for `type_from_spec`; `extra` is a fresh
    // block with room for the name after it.
    unsafe {
        let has_slot = |id| {
            defs.iter()
                .any(|d| slot_of(d).is_some_and(|s| s.slot == id))
        };
        let has_traverse = has_slot(HPy_tp_traverse);
        // A type with weak references needs the deallocator that clears
        // them (`hpy_type_dealloc`).
        let needs_dealloc = has_traverse || has_slot(HPy_tp_destroy) || has_weaklist_member(defs);
        let name_ptr = ptr::addr_of_mut!((*extra).name).cast::<c_char>();

        let mut basicsize: isize = if spec.basicsize != 0 {
            spec.basicsize as isize + head as isize
        } else {
            0
        };
        let mut flags = spec.flags;
        let mut slots: Vec<PyType_Slot> = Vec::new();
        let mut call_offset = 0usize;
        let mut has_new = false;
        for def in defs.iter() {
            let Some(s) = slot_of(def) else { continue };
            let trampoline = s.cpy_trampoline.map_or(null_mut(), |f| f as *mut c_void);
            match s.slot {
                HPy_tp_destroy => {
                    (*extra).destroy =
                        core::mem::transmute::<HPyCFunction, Option<HPyFunc_destroyfunc>>(s.r#impl);
                    continue;
                }
                HPy_tp_call => {
                    if spec.itemsize != 0 {
                        set_error(
                            PyExc_TypeError,
                            c"HPy_tp_call cannot be used with variable-size objects",
                        );
                        return Err(true);
                    }
                    (*extra).default_call = s
                        .cpy_trampoline
                        .map(|f| core::mem::transmute::<cpy_PyCFunction, cpy_vectorcallfunc>(f));
                    // The call function lives in a hidden field after the
                    // payload.
                    call_offset = max_aligned(if basicsize == 0 {
                        head
                    } else {
                        basicsize as usize
                    });
                    if call_offset == 0 {
                        set_error(PyExc_TypeError, c"HPy_tp_call needs a non-zero basicsize on a legacy type (or use the legacy slot Py_tp_call)");
                        return Err(true);
                    }
                    basicsize = (call_offset + size_of::<cpy_vectorcallfunc>()) as isize;
                    continue;
                }
                HPy_tp_new => has_new = true,
                HPy_tp_traverse => {
                    (*extra).traverse = core::mem::transmute::<
                        HPyCFunction,
                        Option<HPyFunc_traverseproc>,
                    >(s.r#impl);
                }
                _ => {}
            }
            slots.push(PyType_Slot {
                slot: cpython_type_slot(s.slot),
                pfunc: trampoline,
            });
        }
        let member_offset = if basicsize != 0 { head as isize } else { 0 };
        if !spec.doc.is_null() {
            slots.push(PyType_Slot {
                slot: Py_tp_doc,
                pfunc: spec.doc.cast_mut().cast(),
            });
        }
        slots.extend(legacy.slots.iter().copied());

        let Ok(methods) = method_defs(defs, legacy.methods) else {
            return Err(true);
        };
        slots.push(PyType_Slot {
            slot: Py_tp_methods,
            pfunc: methods.cast(),
        });

        // Members (HPyField members are PyObject* in this ABI, so T_OBJECT
        // and T_OBJECT_EX read them directly).
        let mut members = Vec::new();
        if call_offset > 0 {
            members.push(PyMemberDef {
                name: c"__vectorcalloffset__".as_ptr(),
                type_code: Py_T_PYSSIZET,
                offset: call_offset as isize,
                flags: Py_READONLY,
                doc: ptr::null(),
            });
        }
        let mut explicit_call_offset = false;
        for def in defs.iter().filter(|d| d.kind == HPyDef_Kind_Member) {
            let m = &def.u.member;
            let is_call_offset = CStr::from_ptr(m.name) == c"__vectorcalloffset__";
            explicit_call_offset |= is_call_offset;
            members.push(PyMemberDef {
                name: m.name,
                type_code: m.r#type,
                offset: m.offset + member_offset,
                flags: if m.readonly != 0 { Py_READONLY } else { 0 },
                doc: m.doc,
            });
        }
        let before_legacy = members.len();
        extend_until_null(&mut members, legacy.members, |m| m.name.is_null());
        explicit_call_offset |= members[before_legacy..]
            .iter()
            .any(|m| CStr::from_ptr(m.name) == c"__vectorcalloffset__");
        if call_offset > 0 && explicit_call_offset {
            set_error(
                PyExc_TypeError,
                c"HPy_tp_call and an explicit '__vectorcalloffset__' member cannot be combined",
            );
            return Err(true);
        }
        if basicsize == 0
            && !members.is_empty()
            && spec.builtin_shape != HPyType_BuiltinShape_Legacy
        {
            set_error(
                PyExc_TypeError,
                c"a type with basicsize 0 cannot define members",
            );
            return Err(true);
        }
        if call_offset > 0 || explicit_call_offset {
            // CPython calls instances through `tp_call`; HPy's call protocol
            // is vectorcall, so the generic bridge is installed.
            slots.push(PyType_Slot {
                slot: Py_tp_call,
                pfunc: PyVectorcall_Call as *mut c_void,
            });
            if call_offset > 0 && !has_new {
                slots.push(PyType_Slot {
                    slot: Py_tp_new,
                    pfunc: new_with_call_function as *mut c_void,
                });
            }
            flags |= Py_TPFLAGS_HAVE_VECTORCALL;
        }
        members.push(PyMemberDef {
            name: ptr::null(),
            type_code: 0,
            offset: 0,
            flags: 0,
            doc: ptr::null(),
        });
        slots.push(PyType_Slot {
            slot: Py_tp_members,
            pfunc: Box::leak(members.into_boxed_slice()).as_mut_ptr().cast(),
        });

        let mut getsets = Vec::new();
        for def in defs.iter().filter(|d| d.kind == HPyDef_Kind_GetSet) {
            let g = &def.u.getset;
            getsets.push(PyGetSetDef {
                name: g.name,
                get: g
                    .getter_cpy_trampoline
                    .map_or(null_mut(), |f| f as *mut c_void),
                set: g
                    .setter_cpy_trampoline
                    .map_or(null_mut(), |f| f as *mut c_void),
                doc: g.doc,
                closure: g.closure,
            });
        }
        extend_until_null(&mut getsets, legacy.getsets, |g| g.name.is_null());
        getsets.push(PyGetSetDef {
            name: ptr::null(),
            get: null_mut(),
            set: null_mut(),
            doc: ptr::null(),
            closure: null_mut(),
        });
        slots.push(PyType_Slot {
            slot: Py_tp_getset,
            pfunc: Box::leak(getsets.into_boxed_slice()).as_mut_ptr().cast(),
        });

        if needs_dealloc {
            slots.push(PyType_Slot {
                slot: Py_tp_dealloc,
                pfunc: hpy_type_dealloc as *mut c_void,
            });
        }
        if has_traverse {
            slots.push(PyType_Slot {
                slot: Py_tp_clear,
                pfunc: hpy_type_clear as *mut c_void,
            });
        }
        slots.push(PyType_Slot {
            slot: 0,
            pfunc: null_mut(),
        });

        let Ok(basicsize) = c_int::try_from(basicsize) else {
            set_error(PyExc_OverflowError, c"HPyType_Spec.basicsize is too large");
            return Err(true);
        };
        let mut cspec = PyType_Spec {
            name: name_ptr,
            basicsize,
            itemsize: spec.itemsize,
            flags: flags as core::ffi::c_uint,
            slots: slots.as_mut_ptr(),
        };
        let params = match read_params(params, spec.name) {
            Ok(p) => p,
            Err(()) => {
                return Err(true);
            }
        };
        let created = create_type(&mut cspec, params.bases, params.metaclass);
        Py_XDECREF(params.bases);
        let (result, shared_name) = match created {
            Ok(r) => r,
            Err(()) => {
                return Err(true);
            }
        };
        let tp = result.cast::<PyTypeObject>();
        let ht = result.cast::<PyHeapTypeObject>();
        // CPython copied the name into a buffer of its own; the extra block
        // takes its place (see the module documentation).
        if !shared_name {
            PyMem_Free((*ht)._ht_tpname.cast());
        }
        (*ht)._ht_tpname = extra.cast();
        (*tp).tp_name = name_ptr;
        (*tp).tp_flags |= HPY_RS_TPFLAGS_HPY_TYPE;

        // A legacy type must not inherit a pure type's memory layout.
        let base = (*tp).tp_base;
        if spec.builtin_shape == HPyType_BuiltinShape_Legacy
            && !base.is_null()
            && type_shape(base) != HPyType_BuiltinShape_Legacy
        {
            Py_DECREF(result);
            set_error(
                PyExc_TypeError,
                c"A legacy type should not inherit its memory layout from a pure type",
            );
            return Err(false);
        }
        Ok(result)
    }
}

/// Creates the type; returns it and whether its `_ht_tpname` buffer is
/// shared with another type (3.11's metaclass path), which must then not
/// be freed.
#[cfg(Py_3_12)]
unsafe fn create_type(
    spec: &mut PyType_Spec,
    bases: *mut PyObject,
    meta: *mut PyTypeObject,
) -> Result<(*mut PyObject, bool), ()> {
    // SAFETY: valid spec and bases (NULL or a tuple), `meta` NULL or a type.
    let t = unsafe { PyType_FromMetaclass(meta, null_mut(), spec, bases) };
    if t.is_null() {
        Err(())
    } else {
        Ok((t, false))
    }
}

/// Creates the type. CPython 3.11 has no `PyType_FromMetaclass`: with a
/// metaclass, the type is first made by `PyType_FromSpecWithBases`, then
/// copied into an object allocated by the metaclass and readied again. The
/// first type stays alive (the copy's member descriptors point into it).
#[cfg(not(Py_3_12))]
unsafe fn create_type(
    spec: &mut PyType_Spec,
    bases: *mut PyObject,
    meta: *mut PyTypeObject,
) -> Result<(*mut PyObject, bool), ()> {
    // SAFETY: (whole function) C-API calls with the GIL held; the copy
    // moves a complete `PyHeapTypeObject` minus its object header into an
    // object of at least that size allocated by the metaclass.
    unsafe {
        let temp = PyType_FromSpecWithBases(spec, bases);
        if temp.is_null() {
            return Err(());
        }
        if meta.is_null() {
            return Ok((temp, false));
        }
        if (*meta).tp_new.map(|f| f as usize) != PyType_Type.tp_new.map(|f| f as usize) {
            Py_DECREF(temp);
            set_error(
                PyExc_TypeError,
                c"metaclasses with a custom tp_new are not supported",
            );
            return Err(());
        }
        let mut nmembers = 0;
        let mut s = spec.slots;
        while (*s).slot != 0 {
            if (*s).slot == Py_tp_members {
                let mut m = (*s).pfunc.cast::<PyMemberDef>();
                while !(*m).name.is_null() {
                    nmembers += 1;
                    m = m.add(1);
                }
            }
            s = s.add(1);
        }
        let Some(alloc) = (*meta).tp_alloc else {
            Py_DECREF(temp);
            set_error(PyExc_TypeError, c"the metaclass has no tp_alloc");
            return Err(());
        };
        let result = alloc(meta, nmembers);
        if result.is_null() {
            Py_DECREF(temp);
            return Err(());
        }
        let src = temp.cast::<PyHeapTypeObject>();
        let dst = result.cast::<PyHeapTypeObject>();
        let header = size_of::<PyVarObject>();
        ptr::copy_nonoverlapping(
            src.cast::<u8>().add(header),
            dst.cast::<u8>().add(header),
            size_of::<PyHeapTypeObject>() - header,
        );
        let tp = ptr::addr_of_mut!((*dst).ht_type);
        for o in [
            (*dst).ht_name,
            (*dst).ht_qualname,
            (*tp).tp_base.cast(),
            (*tp).tp_bases,
        ] {
            super::super::Py_XINCREF(o);
        }
        super::super::Py_XINCREF((*dst).ht_slots);
        (*tp).ob_base.ob_size = 0;
        (*tp).tp_as_async = ptr::addr_of_mut!((*dst).as_async).cast();
        (*tp).tp_as_number = ptr::addr_of_mut!((*dst).as_number).cast();
        (*tp).tp_as_sequence = ptr::addr_of_mut!((*dst).as_sequence).cast();
        (*tp).tp_as_mapping = ptr::addr_of_mut!((*dst).as_mapping).cast();
        (*tp).tp_as_buffer = ptr::addr_of_mut!((*dst).as_buffer).cast();
        (*tp).tp_flags = c_ulong::from(spec.flags) | Py_TPFLAGS_HEAPTYPE;
        (*tp).tp_dict = null_mut();
        (*tp).tp_mro = null_mut();
        (*tp).tp_cache = null_mut();
        (*tp).tp_subclasses = null_mut();
        (*tp).tp_weaklist = null_mut();
        (*dst).ht_cached_keys = null_mut();
        (*tp).tp_version_tag = 0;
        if !(*src).ht_type.tp_doc.is_null() {
            let doc = CStr::from_ptr((*src).ht_type.tp_doc).to_bytes_with_nul();
            let copy = PyObject_Malloc(doc.len()).cast::<c_char>();
            if copy.is_null() {
                (*tp).tp_doc = ptr::null();
                Py_DECREF(result);
                PyErr_NoMemory();
                return Err(());
            }
            ptr::copy_nonoverlapping(doc.as_ptr().cast(), copy, doc.len());
            (*tp).tp_doc = copy;
        }
        if PyType_Ready(tp) < 0 {
            Py_DECREF(result);
            return Err(());
        }
        // `__module__`, as PyType_FromSpec sets it.
        let name = CStr::from_ptr(spec.name).to_bytes();
        if let Some(dot) = name.iter().rposition(|&c| c == b'.') {
            let module = PyUnicode_FromStringAndSize(spec.name, dot as HPy_ssize_t);
            if module.is_null()
                || PyDict_SetItemString((*tp).tp_dict, c"__module__".as_ptr(), module) < 0
            {
                Py_XDECREF(module);
                Py_DECREF(result);
                return Err(());
            }
            Py_DECREF(module);
        }
        Ok((result, true))
    }
}

// ---------------------------------------------------------------------------
// instances
// ---------------------------------------------------------------------------

#[cfg(all(hpy_inline_refcount, not(Py_3_12)))]
extern "C" {
    fn _Py_NewReference(o: *mut PyObject);
}

// Declared only where `PyObject_Init_handle` (below) does not stand in for
// it, so that no build warns about an unused function.
#[cfg(all(
    any(not(hpy_inline_refcount), Py_3_12),
    not(any(target_arch = "x86_64", target_arch = "aarch64"))
))]
extern "C" {
    fn PyObject_Init(o: *mut PyObject, t: *mut PyTypeObject) -> *mut PyObject;
}

// `PyObject_Init` with its result as the handle it is in the CPython ABI,
// so that a function returning that handle can end in a tail call (a
// pointer to integer cast after the call keeps the compiler from making
// one). Only where the platform's C ABI returns `HPy` (a `repr(C)` struct
// of one `intptr_t`) exactly as it returns a pointer, in the same register
// (x86-64 System V and Windows, AArch64; i386's System V ABI, for one,
// returns a struct through memory): there the declaration describes the
// same function as CPython's. Elsewhere the pointer is converted.
#[cfg(all(
    any(not(hpy_inline_refcount), Py_3_12),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[allow(clashing_extern_declarations)]
extern "C" {
    #[link_name = "PyObject_Init"]
    fn PyObject_Init_handle(o: *mut PyObject, t: *mut PyTypeObject) -> HPy;
}

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
    // SAFETY: the contract of `hpy_rs_new_filled`, with the payload left
    // for the caller to write (this function's contract).
    unsafe { hpy_rs_new_filled(ctx, h_type, data, |_, _| {}) }
}

/// [`hpy_rs_new`] with the payload written by `fill` (a host's `ctx_New`,
/// which must hand it out zeroed, as HPy specifies): on the plain path `fill` gets the payload's
/// address and size in bytes (`tp_basicsize` minus the header) after
/// `*data` is set; on 3.12+ before the header is, so that the header's
/// setup ends the function (a tail call of `PyObject_Init`) instead of the
/// object being kept across it, before 3.12 after it. Every other type goes to HPy's
/// `ctx_New`, which zeroes the payload itself; `fill` is not called.
///
/// # Safety
/// As `HPy_New`; for a plain type the payload must be initialised (by
/// `fill` or the caller) before anything reads it, and `fill` writes only
/// inside the payload it is given.
#[inline(always)]
pub unsafe fn hpy_rs_new_filled(
    ctx: *mut HPyContext,
    h_type: HPy,
    data: *mut *mut core::ffi::c_void,
    fill: impl FnOnce(*mut u8, usize),
) -> HPy {
    // SAFETY: `h_type` is a live object (contract), whose deallocator is
    // read only once it is known to be a type; a type marked plain is what
    // `hpy_rs_new_plain_filled` needs.
    unsafe {
        if is_type_object(_h2py(h_type)) && hpy_rs_is_plain_dealloc(hpy_rs_type_dealloc(h_type)) {
            return hpy_rs_new_plain_filled(ctx, h_type, data, fill);
        }
        ctx_New(ctx, h_type, data)
    }
}

/// [`hpy_rs_new_filled`] of a type already known to be plain.
///
/// # Safety
/// `h_type` is a live type object marked plain ([`hpy_rs_cpython_mark_plain`]:
/// [`hpy_rs_is_plain_dealloc`] of its [`hpy_rs_type_dealloc`]); otherwise as
/// [`hpy_rs_new_filled`].
#[inline(always)]
pub unsafe fn hpy_rs_new_plain_filled(
    ctx: *mut HPyContext,
    h_type: HPy,
    data: *mut *mut core::ffi::c_void,
    fill: impl FnOnce(*mut u8, usize),
) -> HPy {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: a plain type (contract): its instances are `tp_basicsize`
    // bytes, the payload right after the header (checked when it was
    // marked). `fill` gets exactly that payload, inside the new allocation.
    unsafe {
        let size: isize = type_field(tp, PyTypeObject_tp_basicsize_OFFSET);
        let op = PyObject_Malloc(size as usize).cast::<PyObject>();
        if op.is_null() {
            return crate::HPyErr_NoMemory(ctx);
        }
        let obj: HPy;
        // Before 3.12 the header's setup ends in no call whose
        // result is the object: the payload is filled last, its
        // size read again (as `hpy_rs_new` and a fill after it:
        // fewer values kept across the call).
        #[cfg(all(hpy_inline_refcount, not(Py_3_12)))]
        {
            (*op).ob_type = tp;
            // A heap type (checked when it was marked).
            Py_INCREF(tp.cast());
            _Py_NewReference(op);
            let payload = op.add(1);
            *data = payload.cast();
            let size: isize = type_field(tp, PyTypeObject_tp_basicsize_OFFSET);
            fill(
                payload.cast(),
                (size as usize).wrapping_sub(core::mem::size_of::<PyObject>()),
            );
            obj = _py2h(op);
        }
        #[cfg(any(not(hpy_inline_refcount), Py_3_12))]
        {
            let payload = op.add(1);
            *data = payload.cast();
            fill(
                payload.cast(),
                (size as usize).wrapping_sub(core::mem::size_of::<PyObject>()),
            );
        }
        // `PyObject_Init` returns its (non-null) object, here as
        // its handle.
        #[cfg(all(
            any(not(hpy_inline_refcount), Py_3_12),
            any(target_arch = "x86_64", target_arch = "aarch64")
        ))]
        {
            obj = PyObject_Init_handle(op, tp);
        }
        #[cfg(all(
            any(not(hpy_inline_refcount), Py_3_12),
            not(any(target_arch = "x86_64", target_arch = "aarch64"))
        ))]
        {
            obj = _py2h(PyObject_Init(op, tp));
        }
        obj
    }
}

/// HPy API function `HPy_New` (runtime part): a zeroed instance of
/// `h_type`, `*data` pointing at its payload.
///
/// # Safety
/// As `HPy_New`.
pub unsafe fn ctx_New(_ctx: *mut HPyContext, h_type: HPy, data: *mut *mut c_void) -> HPy {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is live (contract); a type's fields are read only
    // after the type check; the new object is `tp_basicsize` bytes.
    unsafe {
        if !is_type_object(tp.cast()) {
            set_error(PyExc_TypeError, c"HPy_New arg 1 must be a type");
            return HPy_NULL;
        }
        let gc = (*tp).tp_flags & Py_TPFLAGS_HAVE_GC != 0;
        let obj = if gc {
            _PyObject_GC_New(tp)
        } else {
            _PyObject_New(tp)
        };
        if obj.is_null() {
            return HPy_NULL;
        }
        // HPy zeroes the payload; for a legacy type everything after the
        // object header (never `ob_refcnt`/`ob_type`).
        let shape = type_shape(tp);
        let (start, p) = if shape == HPyType_BuiltinShape_Legacy {
            (size_of::<PyObject>(), obj.cast::<c_void>())
        } else {
            let h = header_size(shape).unwrap_or(0);
            (h, payload(obj, shape))
        };
        let size = ((*tp).tp_basicsize as usize).saturating_sub(start);
        ptr::write_bytes(obj.cast::<u8>().add(start), 0, size);
        init_call_function(tp, obj);
        if gc {
            PyObject_GC_Track(obj.cast());
        }
        *data = p;
        _py2h(obj)
    }
}

/// HPy API function `HPyType_GenericNew` (runtime part).
///
/// # Safety
/// As `HPyType_GenericNew`.
pub unsafe fn ctx_Type_GenericNew(
    _ctx: *mut HPyContext,
    h_type: HPy,
    _args: *const HPy,
    _nargs: HPy_ssize_t,
    _kw: HPy,
) -> HPy {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: `h_type` is live; `tp_alloc` is read once it is a type.
    unsafe {
        if !is_type_object(tp.cast()) {
            set_error(PyExc_TypeError, c"HPyType_GenericNew arg 1 must be a type");
            return HPy_NULL;
        }
        let alloc = (*tp).tp_alloc.unwrap_or(PyType_GenericAlloc);
        let obj = alloc(tp, 0);
        if !obj.is_null() {
            init_call_function(tp, obj);
        }
        _py2h(obj)
    }
}

macro_rules! as_struct {
    ($($name:ident => $shape:ident),* $(,)?) => {$(
        #[doc = concat!("HPy API function `_HPy_AsStruct_*` for `", stringify!($shape), "` (runtime part).")]
        ///
        /// # Safety
        /// `h` must be a live instance of a type of that shape.
        #[inline(always)]
        pub unsafe fn $name(_ctx: *mut HPyContext, h: HPy) -> *mut c_void {
            // SAFETY: the instance has the shape's header (caller).
            unsafe { payload(_h2py(h), $shape) }
        }
    )*};
}
as_struct!(
    ctx_AsStruct_Object => HPyType_BuiltinShape_Object,
    ctx_AsStruct_Legacy => HPyType_BuiltinShape_Legacy,
    ctx_AsStruct_Type => HPyType_BuiltinShape_Type,
    ctx_AsStruct_Long => HPyType_BuiltinShape_Long,
    ctx_AsStruct_Float => HPyType_BuiltinShape_Float,
    ctx_AsStruct_Unicode => HPyType_BuiltinShape_Unicode,
    ctx_AsStruct_Tuple => HPyType_BuiltinShape_Tuple,
    ctx_AsStruct_List => HPyType_BuiltinShape_List,
);

/// HPy API function `_HPy_AsStruct_Slow`: the payload by the object's own
/// type.
///
/// # Safety
/// `h` must be a live object.
pub unsafe fn ctx_AsStruct_Slow(_ctx: *mut HPyContext, h: HPy) -> *mut c_void {
    // SAFETY: forwarded.
    unsafe { object_payload(_h2py(h)) }
}

/// HPy's `tp_traverse` bridge: runs the HPy traverse function on the
/// payload of `self_`, turning each visited `HPyField` into the `PyObject*`
/// CPython's visitor expects.
///
/// # Safety
/// Called from a `tp_traverse` trampoline with CPython's arguments.
pub unsafe fn call_traverseproc_from_trampoline(
    tp_traverse: HPyFunc_traverseproc,
    self_: *mut PyObject,
    cpy_visit: cpy_visitproc,
    cpy_arg: *mut c_void,
) -> c_int {
    struct Visit {
        visit: cpy_visitproc,
        arg: *mut c_void,
    }
    unsafe extern "C" fn bridge(field: *mut HPyField, arg: *mut c_void) -> c_int {
        // SAFETY: `arg` is the `Visit` below; `field` is a field of the
        // object being traversed.
        unsafe {
            let v = &*arg.cast::<Visit>();
            let obj = (*field)._i as *mut PyObject;
            if obj.is_null() {
                return 0;
            }
            (v.visit)(obj, v.arg)
        }
    }
    let mut v = Visit {
        visit: cpy_visit,
        arg: cpy_arg,
    };
    // SAFETY: CPython's arguments (caller); `v` outlives the call.
    unsafe { tp_traverse(object_payload(self_), bridge, ptr::addr_of_mut!(v).cast()) }
}

/// `_HPyType_GetBuiltinShape` (runtime part); -2 with `TypeError` for a
/// non-type.
///
/// # Safety
/// `h_type` must be a live object.
pub unsafe fn ctx_Type_GetBuiltinShape(_ctx: *mut HPyContext, h_type: HPy) -> HPyType_BuiltinShape {
    let tp = _h2py(h_type).cast::<PyTypeObject>();
    // SAFETY: live object; read as a type only after the check.
    unsafe {
        if !is_type_object(tp.cast()) {
            set_error(PyExc_TypeError, c"arg must be a type");
            return -2;
        }
        type_shape(tp)
    }
}

/// `HPyType_GetName` (runtime part): `__name__` as UTF-8 (for heap types
/// the name object's UTF-8, else the last dotted part of `tp_name`).
///
/// # Safety
/// `t` must be a live type.
pub unsafe fn ctx_Type_GetName(_ctx: *mut HPyContext, t: HPy) -> *const c_char {
    let tp = _h2py(t).cast::<PyTypeObject>();
    // SAFETY: a live type (contract).
    unsafe {
        if (*tp).tp_flags & Py_TPFLAGS_HEAPTYPE != 0 {
            return PyUnicode_AsUTF8((*tp.cast::<PyHeapTypeObject>()).ht_name);
        }
        let name = CStr::from_ptr((*tp).tp_name).to_bytes();
        match name.iter().rposition(|&c| c == b'.') {
            Some(dot) => (*tp).tp_name.add(dot + 1),
            None => (*tp).tp_name,
        }
    }
}

/// `HPy_SetCallFunction` (runtime part).
///
/// # Safety
/// `h` must be a live object and `func` a valid call function.
pub unsafe fn ctx_SetCallFunction(
    _ctx: *mut HPyContext,
    h: HPy,
    func: *mut HPyCallFunction,
) -> c_int {
    let obj = _h2py(h);
    // SAFETY: live object (contract).
    unsafe {
        let tp = Py_TYPE(obj);
        if (*tp).tp_flags & Py_TPFLAGS_HAVE_VECTORCALL == 0 {
            set_error_fmt(
                PyExc_TypeError,
                format_args!(
                    "type '{}' does not implement the HPy call protocol",
                    CStr::from_ptr((*tp).tp_name).to_string_lossy()
                ),
            );
            return -1;
        }
        set_call_function(tp, obj, (*func).cpy_trampoline);
    }
    0
}
