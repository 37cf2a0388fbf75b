//! Plain classes through the host: the CPython ABI's fast instance
//! allocation and deallocation (hpy-sys's `hpy_rs_cpython_mark_plain`) for
//! every type a universal binary creates, C HPy's included.
//!
//! A type is *plain* when deallocating an instance only has to free its
//! memory: shape `Object`, based on `object`, no GC, no `tp_destroy`, no
//! finalizer, no `__call__`, no `__dict__` or weak references (hpy-sys
//! checks the type object; the spec is checked here for `tp_destroy` and
//! legacy slots, which may bring a deallocator of their own). Such a type
//! gets hpy-sys's `hpy_rs_plain_dealloc` in place of CPython's
//! `subtype_dealloc`, and `HPy_New` allocates its instances inline
//! (`PyObject_Malloc`, the header, the payload zeroed as HPy specifies)
//! instead of through the runtime's generic `ctx_New`. Python subclasses of
//! a plain type keep CPython's deallocator and the generic allocation.

use core::ffi::{c_int, c_void};
use core::ptr::null_mut;

use hpy_sys::cpython::ffi::{PyTypeObject, Py_TPFLAGS_TYPE_SUBCLASS};
use hpy_sys::cpython::runtime::types::{
    hpy_rs_set_simple_plan, is_hpy_type, type_extra, SimplePlan,
};
use hpy_sys::cpython::{
    hpy_rs_alloc_simple_marked, hpy_rs_clear_field, hpy_rs_cpython_mark_plain,
    hpy_rs_cpython_mark_simple, hpy_rs_is_plain_dealloc, hpy_rs_new_filled,
    hpy_rs_new_plain_filled, hpy_rs_simple_dealloc, hpy_rs_track_simple, hpy_rs_type_dealloc,
    PyObject, SimpleAlloc,
};
use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::{
    HPy, HPyDef, HPyDef_Kind_Slot, HPyField, HPyType_Spec, HPyType_SpecParam, HPy_ssize_t,
    HPy_tp_destroy, PlainContextExt, SimpleFinish, PLAIN_CONTEXT_EXT_MAGIC,
    PLAIN_CONTEXT_EXT_VERSION,
};

/// Puts the plain-class functions into the plain universal context `ctx`
/// (the debug and trace contexts call them through it).
pub(crate) fn install(ctx: &mut Ctx) {
    ctx.ctx_Type_FromSpec = ctx_Type_FromSpec;
    ctx.ctx_New = ctx_New;
    // Globals per interpreter (`interp`): the debug and trace contexts
    // store and load through these too.
    ctx.ctx_Global_Store = crate::interp::ctx_Global_Store;
    ctx.ctx_Global_Load = crate::interp::ctx_Global_Load;
    // The extension table goes to the plain context alone: the debug and
    // trace contexts have `_private`s of their own and other names.
    ctx._private = core::ptr::from_ref(&PLAIN_EXT).cast_mut().cast();
}

/// The plain context's extension table (hpy-sys's [`PlainContextExt`]):
/// `_private` of the plain context points here. A static, never written:
/// valid for the rest of the process, as the context.
static PLAIN_EXT: PlainContextExt = PlainContextExt {
    magic: PLAIN_CONTEXT_EXT_MAGIC,
    version: PLAIN_CONTEXT_EXT_VERSION,
    tuple_new,
    tuple_items_offset: hpy_sys::cpython::PyTupleObject_ob_item_OFFSET,
    get_buffer,
    release_buffer,
    ob_type_offset: core::mem::offset_of!(hpy_sys::cpython::ffi::PyObject, ob_type),
    object_payload_offset: match hpy_sys::cpython::runtime::types::header_size(
        hpy_sys::HPyType_BuiltinShape_Object,
    ) {
        Some(size) => size,
        None => panic!("the Object shape has a header"),
    },
    tp_flags_offset: core::mem::offset_of!(hpy_sys::cpython::PyTypeObject, tp_flags),
    float_value_offset: core::mem::size_of::<hpy_sys::cpython::PyObject>(),
    mark_simple,
    alloc_simple,
    track_simple,
    clear_field,
    ascii_str_new,
    bytes_data_offset: hpy_sys::cpython::PyBytesObject_ob_sval_OFFSET,
    var_size_offset: core::mem::offset_of!(hpy_sys::cpython::ffi::PyVarObject, ob_size),
    set_type_call,
    builtins: crate::interp::builtins,
    freeze_type,
    dict_next,
    list_sort,
    refcount_in_place: hpy_sys::cpython::HPY_RS_INLINE_REFCOUNT,
    str_state_offset: hpy_sys::cpython::PyASCIIObject_state_OFFSET,
    str_compact_ascii_bits: hpy_sys::cpython::PyASCIIObject_STATE_COMPACT_ASCII as usize,
    str_ascii_data_offset: hpy_sys::cpython::PyASCIIObject_SIZE,
};

/// [`PlainContextExt::dict_next`]: `PyDict_Next` with new references, and
/// the size check of a dict's iterator; -2 (no exception) for a subclass
/// of `dict`, which its caller reads through its keys and `__getitem__`.
///
/// # Safety
/// As the table entry: the GIL is held; `dict` is a live handle of the
/// plain context to a `dict`; the pointers are valid for writes.
unsafe extern "C" fn dict_next(
    dict: HPy,
    pos: *mut HPy_ssize_t,
    len: HPy_ssize_t,
    key: *mut HPy,
    value: *mut HPy,
) -> c_int {
    use hpy_sys::cpython::ffi;
    // SAFETY: the contract; a handle of the plain context is the object.
    // `PyDict_Next` reads the dict's current entry table, bounded by its
    // current size, whatever `*pos` a caller kept across Python code; the
    // borrowed key and value get references of their own before anything
    // else runs.
    unsafe {
        let d = hpy_sys::cpython::_h2py(dict);
        if hpy_sys::cpython::Py_TYPE(d).cast_const() != core::ptr::addr_of!(ffi::PyDict_Type) {
            return -2;
        }
        if ffi::PyDict_Size(d) != len {
            ffi::PyErr_SetString(
                ffi::PyExc_RuntimeError,
                c"dictionary changed size during iteration".as_ptr(),
            );
            return -1;
        }
        let mut k: *mut PyObject = null_mut();
        let mut v: *mut PyObject = null_mut();
        if ffi::PyDict_Next(d, pos, &mut k, &mut v) == 0 {
            return 0;
        }
        hpy_sys::cpython::Py_INCREF(k);
        hpy_sys::cpython::Py_INCREF(v);
        *key = hpy_sys::cpython::_py2h(k);
        *value = hpy_sys::cpython::_py2h(v);
        1
    }
}

/// [`PlainContextExt::list_sort`]: `PyList_Sort`.
///
/// # Safety
/// As the table entry: the GIL is held; `list` is a live handle of the
/// plain context to a `list`.
unsafe extern "C" fn list_sort(list: HPy) -> c_int {
    // SAFETY: the contract; a handle of the plain context is the object.
    unsafe { hpy_sys::cpython::ffi::PyList_Sort(hpy_sys::cpython::_h2py(list)) }
}

/// [`PlainContextExt::freeze_type`]: hpy-sys's `hpy_rs_cpython_freeze_type`
/// (a handle of the plain context is the object).
///
/// # Safety
/// As the table entry: the GIL is held; `h_type` is a live handle of the
/// plain context.
unsafe extern "C" fn freeze_type(h_type: HPy) -> core::ffi::c_int {
    // SAFETY: forwarded (contract).
    unsafe { hpy_sys::cpython::hpy_rs_cpython_freeze_type(h_type) }
}

/// [`PlainContextExt::set_type_call`]: hpy-sys's
/// `hpy_rs_cpython_set_type_call`, the constructor called with the plain
/// context (where handles are objects, as that function requires).
///
/// # Safety
/// As the table entry: the GIL is held; `h_type` was just made by
/// `HPyType_FromSpec` on the plain context `ctx`; `new` is its
/// constructor and reads keyword names from a tuple.
unsafe extern "C" fn set_type_call(
    ctx: *mut hpy_sys::HPyContext,
    h_type: HPy,
    new: hpy_sys::HPyFunc_newfunc,
) -> core::ffi::c_int {
    // SAFETY: forwarded (contract); the plain context lives as long as the
    // process, as the type's vectorcall requires of it.
    unsafe { hpy_sys::cpython::hpy_rs_cpython_set_type_call(ctx, h_type, new) }
}

/// [`PlainContextExt::mark_simple`]: hpy-sys's `hpy_rs_cpython_mark_simple`
/// (the CPython ABI's simple classes) with the host's [`simple_dealloc`],
/// which follows the plan recorded in the type.
///
/// # Safety
/// As the table entry: the GIL is held; `h_type` was just made by
/// `HPyType_FromSpec` on the plain context and has no instances; the plan
/// describes its instances' payload.
unsafe extern "C" fn mark_simple(
    h_type: HPy,
    slots_offset: usize,
    slots: usize,
    finish: Option<SimpleFinish>,
) -> c_int {
    // SAFETY: the contract. The plan is written before the type can have
    // instances, and only to an HPy type (checked first; marking checks
    // the rest of what a simple type is).
    unsafe {
        let tp = hpy_sys::cpython::_h2py(h_type).cast::<PyTypeObject>();
        if (*hpy_sys::cpython::Py_TYPE(tp.cast())).tp_flags & Py_TPFLAGS_TYPE_SUBCLASS == 0
            || !is_hpy_type(tp)
        {
            return 0;
        }
        hpy_rs_set_simple_plan(
            tp,
            SimplePlan {
                slots_offset,
                slots,
                finish,
            },
        );
        let marked =
            hpy_rs_cpython_mark_simple(null_mut(), h_type, dealloc_for(slots, finish.is_some()));
        if marked == 0 {
            // Not simple after all: no plan, so that `alloc_simple`, which
            // takes a type with a plan for one it marked, leaves it alone.
            hpy_rs_set_simple_plan(
                tp,
                SimplePlan {
                    slots_offset: 0,
                    slots: 0,
                    finish: None,
                },
            );
        }
        marked
    }
}

/// The deallocators of simple types whose plan has no `finish`, by their
/// number of field slots: compiled for that number, they empty the slots
/// without the jump on the count, the test of `finish` and the registers
/// [`simple_dealloc`] keeps across its calls (on CPython 3.11, a `Term`
/// holding one field: 59 instructions a deallocation in the generic one).
/// The generic [`simple_dealloc`] serves every other plan.
const SLOT_DEALLOCS: [unsafe extern "C" fn(*mut PyObject); 5] = [
    slots_dealloc::<0>,
    slots_dealloc::<1>,
    slots_dealloc::<2>,
    slots_dealloc::<3>,
    slots_dealloc::<4>,
];

/// The deallocator [`mark_simple`] gives a type whose plan empties
/// `slots` fields and has a `finish` or not.
fn dealloc_for(slots: usize, finish: bool) -> unsafe extern "C" fn(*mut PyObject) {
    match SLOT_DEALLOCS.get(slots) {
        Some(&dealloc) if !finish => dealloc,
        _ => simple_dealloc,
    }
}

/// Whether `tp` is a type [`mark_simple`] marked: an HPy type with a
/// plan, which only a marked type keeps (a simple class's slots follow its
/// block, so their offset is never 0; a type the marking refused has its
/// plan emptied again, and no other code writes one). One load and test,
/// where comparing `tp_dealloc` with the deallocator the plan names took
/// several.
///
/// # Safety
/// `tp` is a live type object.
#[inline(always)]
unsafe fn is_marked_simple(tp: *mut PyTypeObject) -> bool {
    // SAFETY: a live type (contract); `type_extra` reads the plan of an
    // HPy type only.
    unsafe { type_extra(tp) }.is_some_and(|extra| extra.simple_plan.slots_offset != 0)
}

/// The `tp_dealloc` of a universal binary's simple classes whose plan
/// has no `finish` and `N` field slots ([`SLOT_DEALLOCS`]): as
/// [`simple_dealloc`], with the count known.
///
/// # Safety
/// As for [`simple_dealloc`], for a type whose plan has `N` slots and no
/// `finish` (the types [`mark_simple`] gives this function).
unsafe extern "C" fn slots_dealloc<const N: usize>(obj: *mut PyObject) {
    // SAFETY: as in `simple_dealloc`; the plan's count is `N` and it has
    // no `finish` (the contract).
    unsafe {
        let offset = match type_extra(hpy_sys::cpython::Py_TYPE(obj)) {
            Some(extra) => extra.simple_plan.slots_offset,
            // A marked type is an HPy type (checked by `mark_simple`).
            None => std::process::abort(),
        };
        hpy_rs_simple_dealloc(obj, |payload| {
            clear_fields(payload.cast::<u8>().add(offset).cast::<HPyField>(), N);
        });
    }
}

/// The `tp_dealloc` of a universal binary's simple classes: hpy-sys's
/// `hpy_rs_simple_dealloc` following the plan the binary gave for the
/// type ([`mark_simple`]): its field slots emptied here (as the CPython
/// ABI's simple classes empty theirs inline), then its `finish`, if any.
///
/// # Safety
/// Called by CPython only, with a dying instance of a type marked by
/// [`mark_simple`] (of exactly that type: it cannot be subclassed).
unsafe extern "C" fn simple_dealloc(obj: *mut PyObject) {
    // SAFETY: a marked type is an HPy type whose plan describes this
    // instance's payload; its fields own their references or are empty
    // (skipped); `hpy_rs_simple_dealloc`'s contract is this function's.
    unsafe {
        let plan = match type_extra(hpy_sys::cpython::Py_TYPE(obj)) {
            Some(extra) => extra.simple_plan,
            // A marked type is an HPy type (checked by `mark_simple`).
            None => std::process::abort(),
        };
        hpy_rs_simple_dealloc(obj, |payload| {
            let fields = payload
                .cast::<u8>()
                .add(plan.slots_offset)
                .cast::<HPyField>();
            clear_fields(fields, plan.slots);
            if let Some(finish) = plan.finish {
                finish(payload);
            }
        });
    }
}

/// Empties the `n` fields at `fields` (each empty or owning its
/// reference). Up to eight (every class of the ports) by a jump to a
/// straight run of tests, three instructions an empty field, as the CPython
/// ABI's deallocator compiled for its class does; a loop beyond.
///
/// # Safety
/// `fields` points to `n` fields of a dying instance, empty or owning
/// their references.
#[inline(always)]
unsafe fn clear_fields(fields: *mut HPyField, n: usize) {
    /// Empties field `i`, if it holds a reference.
    macro_rules! clear {
        ($($i:literal)*) => {{$(
            // SAFETY: `i < n` (the arm's count), a field of the instance.
            unsafe {
                let field = fields.add($i);
                if (*field)._i != 0 {
                    hpy_rs_clear_field(field);
                }
            }
        )*}};
    }
    match n {
        0 => {}
        1 => clear!(0),
        2 => clear!(0 1),
        3 => clear!(0 1 2),
        4 => clear!(0 1 2 3),
        5 => clear!(0 1 2 3 4),
        6 => clear!(0 1 2 3 4 5),
        7 => clear!(0 1 2 3 4 5 6),
        8 => clear!(0 1 2 3 4 5 6 7),
        _ => {
            for i in 0..n {
                // SAFETY: `i < n`, a field of the instance.
                unsafe {
                    let field = fields.add(i);
                    if (*field)._i != 0 {
                        hpy_rs_clear_field(field);
                    }
                }
            }
        }
    }
}

/// [`PlainContextExt::alloc_simple`]: for a simple type hpy-sys's
/// `hpy_rs_alloc_simple_marked`, for (version 8) a plain one, whose
/// deallocation reads nothing of the payload, hpy-sys's
/// `hpy_rs_new_plain_filled` (the allocation inline, as the CPython ABI
/// makes a plain class's instance, where `_PyObject_New` is a call of its
/// own): both are written whole by the binary, with no zeroing first
/// (`ctx_New` zeroes a plain type's payload, which the binary then writes
/// again). The type's deallocator is read once and says which it is.
///
/// # Safety
/// As the table entry: the GIL is held; `h_type` is a live object;
/// `payload_size` is writable; a made object's payload is written whole
/// and the object handed to [`track_simple`] before anything sees it.
unsafe extern "C" fn alloc_simple(h_type: HPy, payload_size: *mut usize) -> HPy {
    let obj = hpy_sys::cpython::_h2py(h_type);
    // SAFETY: the contract: `h_type` is a live object, whose type fields
    // are read only once it is known to be a type; a type marked simple or
    // plain has the instances each function makes (checked when marked).
    unsafe {
        if (*hpy_sys::cpython::Py_TYPE(obj)).tp_flags & Py_TPFLAGS_TYPE_SUBCLASS == 0 {
            *payload_size = usize::MAX;
            return HPy { _i: 0 };
        }
        let dealloc = hpy_rs_type_dealloc(h_type);
        if hpy_rs_is_plain_dealloc(dealloc) {
            let mut data = null_mut();
            // The payload follows the header (a plain type's shape is
            // `Object`); the binary writes it whole.
            let made = hpy_rs_new_plain_filled(null_mut(), h_type, &mut data, |_, size| {
                *payload_size = size
            });
            if made._i == 0 {
                // `MemoryError` is set.
                *payload_size = 0;
            }
            return made;
        }
        if !is_marked_simple(obj.cast()) {
            *payload_size = usize::MAX;
            return HPy { _i: 0 };
        }
        match hpy_rs_alloc_simple_marked(h_type) {
            SimpleAlloc::Made { obj, size, .. } => {
                *payload_size = size;
                hpy_sys::cpython::_py2h(obj)
            }
            _ => {
                *payload_size = 0;
                HPy { _i: 0 }
            }
        }
    }
}

/// [`PlainContextExt::track_simple`]: hpy-sys's `hpy_rs_track_simple`.
///
/// # Safety
/// As the table entry: `obj` comes from [`alloc_simple`], its payload
/// written, and is tracked once.
unsafe extern "C" fn track_simple(obj: HPy) {
    // SAFETY: the contract.
    unsafe { hpy_rs_track_simple(hpy_sys::cpython::_h2py(obj)) }
}

/// [`PlainContextExt::clear_field`]: hpy-sys's `hpy_rs_clear_field`, for a
/// field that holds a reference (a plain context's field is the object's
/// address, owning one reference).
///
/// # Safety
/// As the table entry: `field` is a field of a dying instance, empty or
/// owning its reference.
unsafe extern "C" fn clear_field(field: *mut HPyField) {
    // SAFETY: the contract (an empty field stays empty).
    unsafe { hpy_rs_clear_field(field) }
}

/// [`PlainContextExt::ascii_str_new`]: hpy-sys's `hpy_rs_unicode_new_ascii`
/// (`PyUnicode_New(len, 127)` and where its characters go), which HPy 0.9's
/// context lacks (it makes a `str` from finished text only).
///
/// # Safety
/// The GIL is held; `data` is writable; the caller writes the `len`
/// characters before the object is used.
unsafe extern "C" fn ascii_str_new(len: HPy_ssize_t, data: *mut *mut u8) -> HPy {
    // SAFETY: the contract.
    hpy_sys::cpython::_py2h(unsafe { hpy_sys::cpython::hpy_rs_unicode_new_ascii(len, &mut *data) })
}

/// [`PlainContextExt::get_buffer`]: `PyObject_GetBuffer`, which HPy 0.9's
/// context lacks (it can export buffers, not consume them).
///
/// # Safety
/// The GIL is held; `obj` is a live handle of the plain context (the
/// object) and `view` points to writable memory for one `HPy_buffer`.
unsafe extern "C" fn get_buffer(
    obj: HPy,
    view: *mut hpy_sys::HPy_buffer,
    flags: core::ffi::c_int,
) -> core::ffi::c_int {
    // SAFETY: the contract; on the plain context a handle is the
    // `PyObject*` and `HPy_buffer` has `Py_buffer`'s layout (hpy-sys's
    // layout test), so the view CPython fills holds the object as its
    // handle.
    unsafe { hpy_sys::cpython::ffi::PyObject_GetBuffer(obj._i as *mut _, view, flags) }
}

/// [`PlainContextExt::release_buffer`]: `PyBuffer_Release`.
///
/// # Safety
/// The GIL is held; `view` was filled by [`get_buffer`] and not released.
unsafe extern "C" fn release_buffer(view: *mut hpy_sys::HPy_buffer) {
    // SAFETY: the contract.
    unsafe { hpy_sys::cpython::ffi::PyBuffer_Release(view) }
}

/// [`PlainContextExt::tuple_new`]: `PyTuple_New` (on the plain context a
/// handle is the object), for a universal binary to move owned items into,
/// as the CPython ABI's `tuple_from_owned` does: no reference taken and
/// then one released per item, as `HPyTuple_FromArray` and the `HPy_Close`s
/// after it cost.
///
/// # Safety
/// The GIL is held; the caller fills every slot before the tuple is used.
unsafe extern "C" fn tuple_new(n: HPy_ssize_t) -> HPy {
    // SAFETY: the GIL is held (contract).
    hpy_sys::cpython::_py2h(unsafe { hpy_sys::cpython::ffi::PyTuple_New(n) })
}

/// `ctx_Type_FromSpec`: the runtime's, then the new type marked plain if
/// it is one.
///
/// # Safety
/// As `HPyType_FromSpec`; the GIL is held.
#[allow(non_snake_case)] // named after the context field
unsafe extern "C" fn ctx_Type_FromSpec(
    _ctx: *mut Ctx,
    spec: *mut HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> HPy {
    // SAFETY: the extension passes a valid spec and params (the API's
    // contract); the CPython ABI never reads its context. A type just made
    // has no instances, as marking requires; the spec's defines are a
    // null-terminated array of valid definitions.
    unsafe {
        let ty = hpy_sys::HPyType_FromSpec(null_mut(), spec, params);
        if ty._i != 0 && (*spec).legacy_slots.is_null() && !has_destroy((*spec).defines) {
            hpy_rs_cpython_mark_plain(null_mut(), ty, 0);
        }
        ty
    }
}

/// Whether the null-terminated `defines` (or null) hold a `tp_destroy`.
///
/// # Safety
/// `defines` is null or a null-terminated array of valid definitions.
unsafe fn has_destroy(defines: *mut *mut HPyDef) -> bool {
    if defines.is_null() {
        return false;
    }
    let mut at = defines;
    // SAFETY: within the array, up to and including its null entry; a
    // slot definition's `u.slot` is its valid member.
    unsafe {
        while !(*at).is_null() {
            let def = &**at;
            if def.kind == HPyDef_Kind_Slot && def.u.slot.slot == HPy_tp_destroy {
                return true;
            }
            at = at.add(1);
        }
    }
    false
}

/// `ctx_New`: a plain type's instance allocated inline with its payload
/// zeroed; any other type through the runtime's `ctx_New`.
///
/// # Safety
/// As `HPy_New`; the GIL is held.
#[allow(non_snake_case)] // named after the context field
unsafe extern "C" fn ctx_New(_ctx: *mut Ctx, h_type: HPy, data: *mut *mut c_void) -> HPy {
    // SAFETY: `h_type` is a live object (the API's contract).
    // `hpy_rs_new_filled` calls the closure for exactly the plain types
    // with their payload (right after the object header, shape `Object`),
    // which it zeroes before the header is set; every other type goes to
    // the runtime's `ctx_New`, which zeroes it.
    unsafe {
        hpy_rs_new_filled(null_mut(), h_type, data, |payload, size| {
            zero_payload(payload, size)
        })
    }
}

/// Zeroes the `size` bytes at `p`, a new instance's payload: up to four
/// words written one by one (most classes; `write_bytes` calls `memset`,
/// about 15 instructions more for a small payload), `write_bytes` beyond.
///
/// # Safety
/// `p` is valid for writes of `size` bytes.
#[inline(always)]
unsafe fn zero_payload(p: *mut u8, size: usize) {
    const WORD: usize = core::mem::size_of::<u64>();
    let w = p.cast::<u64>();
    // SAFETY: every write is inside the `size` bytes at `p` (contract);
    // unaligned writes need no alignment.
    unsafe {
        // No payload and one word first (a compare each, and a store),
        // the others out of line (inlined, the compiler makes these tests
        // part of a jump table over all sizes, 11 instructions): most
        // classes' payload is empty (a Rust struct without fields) or one
        // word.
        if size == 0 {
        } else if size == WORD {
            w.write_unaligned(0);
        } else {
            zero_other_payload(p, size);
        }
    }
}

/// [`zero_payload`] of any size but none or one word.
///
/// # Safety
/// As [`zero_payload`].
#[inline(never)]
unsafe fn zero_other_payload(p: *mut u8, size: usize) {
    const WORD: usize = core::mem::size_of::<u64>();
    const WORDS_2: usize = 2 * WORD;
    const WORDS_3: usize = 3 * WORD;
    const WORDS_4: usize = 4 * WORD;
    let w = p.cast::<u64>();
    // SAFETY: every write is inside the `size` bytes at `p` (contract);
    // unaligned writes need no alignment.
    unsafe {
        match size {
            WORDS_2 => {
                w.write_unaligned(0);
                w.add(1).write_unaligned(0);
            }
            WORDS_3 => {
                w.write_unaligned(0);
                w.add(1).write_unaligned(0);
                w.add(2).write_unaligned(0);
            }
            WORDS_4 => {
                w.write_unaligned(0);
                w.add(1).write_unaligned(0);
                w.add(2).write_unaligned(0);
                w.add(3).write_unaligned(0);
            }
            _ => core::ptr::write_bytes(p, 0, size),
        }
    }
}
