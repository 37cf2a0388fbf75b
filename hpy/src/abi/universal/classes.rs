//! Classes in the universal ABI: making types from specs, allocating and
//! filling instances, and the slots the host calls on them.

use super::*;

/// The type object a class `global` holds, as a handle of the plain
/// context `ctx` of hpy_rs_universal (whose handles and globals are the
/// objects' addresses) served by `plain_ext::fast`; `None` anywhere else
/// (another host, this host's debug and trace contexts: ask the HPy API),
/// or before the global holds the type.
///
/// On that context the slot itself says whether the type is there: it is
/// zero until the host stores the type's address into it (at the module's
/// exec, with the GIL held, as every use here holds it), and never
/// cleared while the module lives, so `ready` (whose acquiring load would
/// keep the compiler from sharing this context check with the next one,
/// e.g. a borrow's data) is not read.
///
/// # Safety
/// `global` is a class's type slot, which holds the type once `ready` is
/// set and is never cleared while the module lives.
#[inline(always)]
pub(super) unsafe fn plain_type(
    ctx: *mut HPyContext,
    _ready: &AtomicBool,
    global: *const HPyGlobal,
) -> Option<HPy> {
    plain_ext::fast(ctx)?;
    // SAFETY: the slot is readable (contract); every context of
    // hpy_rs_universal stores a global through the plain context, whose
    // global is the object's address (a strong reference), or, once a
    // subinterpreter loaded the module, a negative key of the host's
    // per-interpreter tables (table version 7), which only
    // `HPyGlobal_Load` reads: `None` then, as for an empty slot. A plain
    // read (an atomic one cost kiwisolver's `x + y` 20 instructions: the
    // compiler no longer shared it between checks): the host writes a
    // cell that an interpreter may read only holding the main
    // interpreter's GIL, when no other interpreter has the module yet.
    let ty = unsafe { *global }._i;
    (ty > 0).then_some(HPy { _i: ty })
}

/// Whether `obj` is an instance of the class whose type `global` holds
/// (or of a subclass), as the CPython ABI's `is_instance_fast` decides it,
/// on hpy_rs_universal's plain context: the object's type pointer
/// compared with the global's object, no `HPyGlobal_Load`, `HPy_TypeCheck`
/// or `HPy_Close` through the context for a final class. `None`
/// elsewhere: ask the HPy API.
///
/// # Safety
/// As [`plain_type`]; `obj` is a valid handle of `ctx`; `final_` only for
/// a type without `Py_TPFLAGS_BASETYPE`.
#[inline(always)]
pub unsafe fn is_instance_fast(
    ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    obj: HPy,
    final_: bool,
) -> Option<bool> {
    // SAFETY: forwarded.
    let ty = unsafe { plain_type(ctx, ready, global) }?;
    // SAFETY: on the plain context a handle's value is the live object's
    // address.
    if unsafe { plain_type_of(obj) } == ty._i {
        return Some(true);
    }
    if final_ {
        return Some(false);
    }
    // SAFETY: both are handles of the plain context (the global's object
    // borrowed: the global keeps it alive, and nothing closes it).
    Some(unsafe { hpy_sys::HPy_TypeCheck(ctx, obj, ty) } != 0)
}

/// Whether a short `str` is made faster from NUL-terminated text
/// (`HPyUnicode_FromString`) than decoded from a length
/// (`HPyUnicode_DecodeASCII`): on every host but hpy_rs_universal's plain
/// context, whose `HPyUnicode_DecodeASCII` is CPython's own. PyPy 7.3.19
/// takes about 20 ns less for 32 characters (`bench/xxhash_pypy.py
/// floor:`).
#[inline(always)]
pub(crate) fn nul_terminated_text_is_cheaper(ctx: Context<'_>) -> bool {
    plain_ext::fast(ctx.as_raw()).is_none()
}

/// A `str` of code points: the universal context has no such call (the
/// caller goes through `HPyUnicode_FromWideChar`).
#[inline(always)]
pub(crate) fn str_from_ucs4<'ctx>(
    _: Context<'ctx>,
    _: &[u32],
) -> Option<HPyResult<crate::Handle<'ctx>>> {
    None
}

/// A `str` from UTF-8 text by its length: HPy 0.9's universal context
/// has no such call (only NUL-terminated `HPyUnicode_FromString`), so
/// the caller terminates the text.
#[inline(always)]
pub(crate) fn str_from_utf8<'ctx>(
    _: Context<'ctx>,
    _: &str,
) -> Option<HPyResult<crate::Handle<'ctx>>> {
    None
}

/// A new `str` of `len` ASCII characters not written yet, and where its
/// characters go, on hpy_rs_universal's plain context (its extension
/// table's `ascii_str_new`); `None` elsewhere: HPy 0.9 makes a `str` from
/// finished text only, so the caller decodes its bytes. The caller writes
/// `len` ASCII bytes there before anything else sees the object.
#[inline(always)]
pub(crate) fn ascii_str_uninit(
    ctx: Context<'_>,
    len: usize,
) -> Option<HPyResult<(crate::Handle<'_>, *mut u8)>> {
    let ext = plain_ext::of(ctx.as_raw()).filter(|ext| ext.version >= 5)?;
    let Ok(size) = hpy_sys::HPy_ssize_t::try_from(len) else {
        return Some(Err(crate::HPyErr::overflow_error("str is too long")));
    };
    let mut data = core::ptr::null_mut();
    // SAFETY: a call on the plain context, whose table this is (version
    // 5, checked); the result is an owned handle or HPy_NULL.
    Some(unsafe { ctx.wrap_result((ext.ascii_str_new)(size, &mut data)) }.map(|h| (h, data)))
}

/// Whether the UTF-8 `HPyUnicode_AsUTF8AndSize` hands out on `ctx` is
/// known to be valid: on hpy_rs_universal's plain context, which is
/// CPython's `PyUnicode_AsUTF8AndSize` (it refuses lone surrogates with
/// the `UnicodeEncodeError` the check would raise), so a universal binary
/// behaves the same there without checking the text again; not on other
/// hosts (PyPy hands out WTF-8: `Quirk::Utf8MayHoldSurrogates`).
#[inline(always)]
pub(crate) fn utf8_is_valid(ctx: *mut HPyContext) -> bool {
    plain_ext::of(ctx).is_some()
}

/// The contents of `obj` if it is exactly a `bytes`, read in place on
/// hpy_rs_universal's plain context (its extension table's offsets: no
/// `HPyBytes_Check`, `HPy_Type`, `HPyBytes_GET_SIZE` and
/// `HPyBytes_AS_STRING` through the context); `None` otherwise, and on
/// every other host: ask the HPy API.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context; the bytes are
/// borrowed for no longer than the handle.
#[inline(always)]
pub unsafe fn exact_bytes(ctx: *mut HPyContext, obj: HPy) -> Option<(*const u8, usize)> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 5)?;
    let o = obj._i as *const u8;
    // SAFETY: on the plain context a handle's value is the live object's
    // address, and a constant's handle the constant object's; the table's
    // offsets are the running CPython's: the type pointer, and for a
    // `bytes` (checked first) its size and its contents, immutable while
    // the object lives.
    unsafe {
        let ty = *o.add(ext.ob_type_offset).cast::<isize>();
        if ty != hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::BytesType)._i {
            return None;
        }
        let len = *o.add(ext.var_size_offset).cast::<hpy_sys::HPy_ssize_t>();
        Some((o.add(ext.bytes_data_offset), len as usize))
    }
}

/// Whether `obj`'s type is exactly the context constant `ty` (a builtin
/// type), on hpy_rs_universal's plain context: the object's type pointer
/// compared with the constant's object, no `HPy_Type`, `HPy_Is` and
/// `HPy_Close` through the context. `None` elsewhere: ask the HPy API.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context.
#[inline(always)]
pub unsafe fn is_exact_type(
    ctx: *mut HPyContext,
    obj: HPy,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 3)?;
    // SAFETY: on the plain context a handle's value is the live object's
    // address, with its type pointer `ob_type_offset` bytes after it, and
    // a constant's handle is the constant object's address.
    unsafe {
        let obj_ty = *(obj._i as *const u8)
            .add(ext.ob_type_offset)
            .cast::<isize>();
        Some(obj_ty == hpy_sys::HPy_GetConstant(ctx, ty)._i)
    }
}

/// `_HPy_AsStruct_Object`: on hpy_rs_universal's plain context the
/// handle's object plus the layout's payload offset, without the call
/// through the context; elsewhere HPy's.
///
/// # Safety
/// `h` is a live instance of a type of shape `Object`, a handle of `ctx`.
#[inline(always)]
pub unsafe fn as_struct_object(ctx: *mut HPyContext, h: HPy) -> *mut c_void {
    match plain_ext::fast(ctx) {
        // On the plain context a handle's value is the object's address,
        // and the payload of its shape follows the header.
        Some(_) => (h._i as *mut u8)
            .wrapping_add(plain_ext::layout::OBJECT_PAYLOAD)
            .cast(),
        // SAFETY: forwarded.
        None => unsafe { hpy_sys::_HPy_AsStruct_Object(ctx, h) },
    }
}

/// Always `None`: a tuple's items are read through the HPy API.
///
/// # Safety
/// None here; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn tuple_items_borrowed(_: HPy) -> Option<(*const HPy, usize)> {
    None
}

/// The type the ready `global` holds, as a handle of the plain context
/// `ctx` that owns no reference (the global keeps the type alive as long
/// as the module); `None`: load it through the HPy API (another host or
/// context, or not ready yet).
///
/// # Safety
/// As for [`is_instance_fast`]; the result is never closed.
#[inline(always)]
pub unsafe fn type_borrowed(
    ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
) -> Option<HPy> {
    // SAFETY: forwarded.
    unsafe { plain_type(ctx, ready, global) }
}

/// Whether `cls` is the type the ready `global` holds (one compare, on
/// the plain context as in [`is_instance_fast`]); `None`: ask the HPy API.
///
/// # Safety
/// As for [`is_instance_fast`].
#[inline(always)]
pub unsafe fn is_type_fast(
    ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    cls: HPy,
) -> Option<bool> {
    // SAFETY: forwarded.
    let ty = unsafe { plain_type(ctx, ready, global) }?;
    (cls._i == ty._i).then_some(true)
}

/// Empties a field that owns its reference, for a simple class's
/// deallocation ([`simple_clear_and_destroy`]), which exists only behind
/// hpy_rs_universal's plain context: through its table's `clear_field`.
/// Anywhere else the HPy runtime empties fields through `tp_traverse`.
///
/// # Safety
/// `field` is a field of a dying instance of a simple class, empty or
/// owning its reference.
#[inline(always)]
pub unsafe fn clear_owned_field(field: *mut hpy_sys::HPyField) {
    match plain_ext::recorded_fast() {
        // SAFETY: forwarded; a simple class's fields hold the plain
        // context's references (the objects' addresses).
        Some(ext) => unsafe { (ext.clear_field)(field) },
        None => unreachable!("simple classes exist only behind hpy_rs_universal's table"),
    }
}

/// A new instance of `cls`, its data written by `fill(obj, data)`.
///
/// On hpy_rs_universal's plain context, for a class it took as *simple*
/// (see [`type_created`]) or, with a table of version 8, one it made
/// *plain* (freed without reading the payload), the host allocates the
/// object without zeroing or tracking it (its table's `alloc_simple`):
/// `fill` writes `T`'s block, everything after it is zeroed here, and the
/// host tracks the object after `fill` (if its class is collected:
/// `SimpleClass::COLLECTED`), as the CPython ABI does. Anywhere else
/// HPy's `HPy_New` (zeroed, tracked), through the context.
///
/// # Safety
/// `cls` is a class of `T` or a subclass of one; `fill` writes the whole
/// instance data (the ancestors' blocks and `T`'s) and runs no Python code
/// that could see the object.
#[inline(always)]
pub unsafe fn new_instance_filled<'ctx, T: crate::abi::SimpleClass>(
    cls: &crate::Handle<'ctx>,
    fill: impl FnOnce(&crate::Handle<'ctx>, *mut c_void),
) -> HPyResult<crate::Handle<'ctx>> {
    let ctx = cls.context();
    if T::MAY_BE_SIMPLE {
        if let Some(ext) = plain_ext::fast(ctx.as_raw()) {
            let mut size = 0usize;
            // SAFETY: the plain context's table (`plain_ext`); `cls` is a
            // live type. On success the payload is written whole below
            // (T's block by `fill`, the rest zeroed: a simple class has no
            // ancestors' blocks) before the object is tracked or seen.
            let raw = unsafe { (ext.alloc_simple)(cls.as_raw(), &mut size) };
            if raw._i != 0 {
                // SAFETY: a new object of the plain context (its address),
                // its payload `size` bytes at the table's offset, seen by
                // nothing else until tracked; T's block starts it.
                unsafe {
                    let payload = (raw._i as *mut u8).add(plain_ext::layout::OBJECT_PAYLOAD);
                    crate::abi::zero_after_block::<T>(payload, size);
                    let obj = crate::Handle::from_raw(ctx, raw);
                    fill(&obj, payload.cast());
                    // A type without `HPy_TPFLAGS_HAVE_GC` is not the
                    // collector's (the host's `track_simple` would test
                    // that and do nothing): no call.
                    if T::COLLECTED {
                        (ext.track_simple)(raw);
                    }
                    return Ok(obj);
                }
            }
            if size != usize::MAX {
                return Err(crate::HPyErr::raised(ctx));
            }
        }
    }
    let mut data: *mut c_void = core::ptr::null_mut();
    // SAFETY: `cls` is a type; `HPy_New` returns an owned handle (or NULL)
    // and points `data` at the zeroed instance data, written by `fill`.
    let obj = unsafe { ctx.wrap_result(hpy_sys::_HPy_New(ctx.as_raw(), cls.as_raw(), &mut data))? };
    fill(&obj, data);
    Ok(obj)
}

/// What the host does with the payload of a dying instance of a *simple*
/// class `T` once it emptied the `Field` slots (see [`type_created`]): the
/// value's own fields emptied, the value dropped.
///
/// # Safety
/// `data` is the payload of a dying instance of `T`'s simple type.
pub(super) unsafe extern "C" fn simple_clear_and_destroy<T: crate::abi::SimpleClass>(
    data: *mut c_void,
) {
    // SAFETY: forwarded; the payload was written at allocation (zeroed by
    // `HPy_New`, or written whole by `new_instance_filled`); the slots the
    // host emptied are seen empty.
    unsafe { T::clear_and_destroy(data) }
}

/// Called once a class's type object exists: on hpy_rs_universal's plain
/// context (a table of version 4) a class that may be simple
/// (`SimpleClass::MAY_BE_SIMPLE`) is offered to the host as one, with the plan of its
/// deallocation: its `Field` slots (and `__dict__` slot), which follow
/// `T`'s block at the payload's start, emptied by the host, then
/// [`simple_clear_and_destroy`] only if the value holds fields of its own
/// or needs dropping. The host checks the type object itself, and leaves
/// alone a type it already allocates and frees on its own fast path.
/// Nothing to do anywhere else.
///
/// # Safety
/// `ty` was just created from a spec on `ctx` and has no instances yet.
#[inline(always)]
pub unsafe fn type_created<T: crate::abi::SimpleClass>(
    ctx: *mut HPyContext,
    ty: HPy,
    defines: *mut *mut HPyDef,
) {
    // A call of the class runs its constructor directly on the plain
    // context (version 6), as in the CPython ABI.
    if let Some(ext) = plain_ext::fast(ctx).filter(|ext| ext.version >= 6) {
        // SAFETY: `defines` are the class's (contract); its constructor
        // (`impl_new`) reads keyword names from a tuple and may be called
        // with the plain context, where `ty` was just made.
        unsafe {
            if let Some(new) = crate::abi::defines_slot(defines, hpy_sys::HPy_tp_new) {
                if !new.r#impl.is_null() {
                    let new = core::mem::transmute::<hpy_sys::HPyCFunction, hpy_sys::HPyFunc_newfunc>(
                        new.r#impl,
                    );
                    (ext.set_type_call)(ctx, ty, new);
                }
            }
        }
    }
    if !T::MAY_BE_SIMPLE {
        return;
    }
    if let Some(ext) = plain_ext::fast(ctx) {
        let finish: Option<hpy_sys::SimpleFinish> = if T::NEEDS_FINISH {
            Some(simple_clear_and_destroy::<T>)
        } else {
            None
        };
        // SAFETY: the plain context's table; `ty` is `T`'s type, just made
        // on it, without instances; a simple class's payload is T's block
        // (no ancestors) followed by its slots, fields of the plain
        // context, and `finish` handles the rest of T's payload.
        unsafe { (ext.mark_simple)(ty, T::BLOCK_SIZE, T::HOST_CLEARED_SLOTS, finish) };
    }
}
