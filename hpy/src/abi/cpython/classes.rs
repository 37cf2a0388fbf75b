//! Classes in the CPython ABI: making types from specs, allocating and
//! filling instances, and the slots CPython calls on them.

use super::*;

/// Whether `obj` is an instance of the class whose type `global` holds
/// (or of a subclass) once `ready` is set, compared without touching
/// refcounts: the global is a strong `PyObject*` to the type, alive as long
/// as the module. `None`: ask the HPy API (not ready yet; always in the
/// universal ABI, where a global is no object). A `final` class (one
/// nothing can subclass) is compared by type identity alone.
///
/// # Safety
/// `global` is the class's type slot, which holds the type once `ready`
/// is set and is never cleared while the module lives; `obj` is valid;
/// `final` only for a type without `Py_TPFLAGS_BASETYPE`.
#[inline(always)]
pub unsafe fn is_instance_fast(
    _ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    obj: HPy,
    final_: bool,
) -> Option<bool> {
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: both are valid objects (contract); the running interpreter's
    // cell, if any, holds its type object.
    unsafe {
        let ty = interp::global_object(global)?;
        let obj_ty = hpy_sys::cpython::Py_TYPE(_h2py(obj)).cast::<cpy_PyObject>();
        if obj_ty == ty {
            return Some(true);
        }
        if final_ {
            return Some(false);
        }
        Some(hpy_sys::HPyType_IsSubtype(ptr::null_mut(), _py2h(obj_ty), _py2h(ty)) != 0)
    }
}

/// Whether a short `str` is made faster from NUL-terminated text than
/// decoded from a length on this host: never in this ABI
/// (`PyUnicode_DecodeASCII` is the direct way).
#[inline(always)]
pub(crate) fn nul_terminated_text_is_cheaper(_ctx: Context<'_>) -> bool {
    false
}

/// A new `str` of `len` ASCII characters not written yet, and where its
/// characters go (`hpy_rs_unicode_new_ascii`): always `Some` in this ABI.
/// The caller writes `len` ASCII bytes there before anything else sees
/// the object.
#[inline]
pub(crate) fn ascii_str_uninit(
    ctx: Context<'_>,
    len: usize,
) -> Option<HPyResult<(crate::Handle<'_>, *mut u8)>> {
    let Ok(size) = hpy_sys::HPy_ssize_t::try_from(len) else {
        return Some(Err(HPyErr::overflow_error("str is too long")));
    };
    let mut data = ptr::null_mut();
    // SAFETY: GIL held (a call's context); the result is a new reference
    // or NULL with an exception set.
    let obj = unsafe { hpy_sys::cpython::hpy_rs_unicode_new_ascii(size, &mut data) };
    // SAFETY: owned or HPy_NULL.
    Some(unsafe { ctx.wrap_result(_py2h(obj)) }.map(|handle| (handle, data)))
}

/// A `str` decoded from the UTF-8 text `s` by its length
/// (`PyUnicode_FromStringAndSize`): no NUL-terminated copy, and NUL
/// characters need no detour. `None` where the host has no such call.
#[inline(always)]
pub(crate) fn str_from_utf8<'ctx>(
    ctx: Context<'ctx>,
    s: &str,
) -> Option<HPyResult<crate::Handle<'ctx>>> {
    let Ok(size) = hpy_sys::HPy_ssize_t::try_from(s.len()) else {
        return Some(Err(HPyErr::overflow_error("str is too long")));
    };
    // SAFETY: GIL held (a call's context); pointer and length describe
    // valid UTF-8 (a `&str`); the result is a new reference or NULL with
    // an exception set.
    let obj =
        unsafe { hpy_sys::cpython::ffi::PyUnicode_FromStringAndSize(s.as_ptr().cast(), size) };
    // SAFETY: owned or HPy_NULL.
    Some(unsafe { ctx.wrap_result(_py2h(obj)) })
}

/// A `str` of the code points `chars` (`PyUnicode_FromKindAndData` with
/// `PyUnicode_4BYTE_KIND`, which picks the narrowest storage). `None`
/// where the host has no such call.
#[inline(always)]
pub(crate) fn str_from_ucs4<'ctx>(
    ctx: Context<'ctx>,
    chars: &[u32],
) -> Option<HPyResult<crate::Handle<'ctx>>> {
    let Ok(size) = hpy_sys::HPy_ssize_t::try_from(chars.len()) else {
        return Some(Err(HPyErr::overflow_error("str is too long")));
    };
    /// CPython's `PyUnicode_4BYTE_KIND`.
    const UCS4: core::ffi::c_int = 4;
    // SAFETY: GIL held (a call's context); pointer and length describe
    // `chars` (non-null even when empty), which CPython copies (a value
    // above U+10FFFF would be its `SystemError`: the caller,
    // `Context::new_str_from_code_points`, refuses those first); the
    // result is a new reference or NULL with an exception set.
    let obj = unsafe {
        hpy_sys::cpython::ffi::PyUnicode_FromKindAndData(UCS4, chars.as_ptr().cast(), size)
    };
    // SAFETY: owned or HPy_NULL.
    Some(unsafe { ctx.wrap_result(_py2h(obj)) })
}

/// The contents of `obj` if it is exactly a `bytes`, read in place
/// (`PyBytes_AS_STRING`, `PyBytes_GET_SIZE`); `None` otherwise.
///
/// # Safety
/// `obj` is a live object; the bytes are borrowed for no longer than a
/// reference to it is held.
#[inline(always)]
pub unsafe fn exact_bytes(_ctx: *mut HPyContext, obj: HPy) -> Option<(*const u8, usize)> {
    // SAFETY: a live object (contract); a `bytes` (checked) has its size
    // and its contents, immutable while it lives, at these places.
    unsafe {
        let o = _h2py(obj);
        if hpy_sys::cpython::Py_TYPE(o).cast::<cpy_PyObject>()
            != _h2py(hpy_sys::HPy_GetConstant(
                ptr::null_mut(),
                hpy_sys::HPyConstant::BytesType,
            ))
        {
            return None;
        }
        let len = hpy_sys::cpython::PyBytes_GET_SIZE(o) as usize;
        Some((hpy_sys::cpython::PyBytes_AS_STRING(o).cast::<u8>(), len))
    }
}

/// Whether `obj`'s type is exactly the context constant `ty` (a builtin
/// type): `Py_TYPE(obj) == ty`, always answered in this ABI.
///
/// # Safety
/// `obj` is a live object.
#[inline(always)]
pub unsafe fn is_exact_type(
    ctx: *mut HPyContext,
    obj: HPy,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    // SAFETY: a live object (contract); constants are immortal objects.
    unsafe {
        let obj_ty = hpy_sys::cpython::Py_TYPE(_h2py(obj)).cast::<cpy_PyObject>();
        Some(obj_ty == _h2py(hpy_sys::HPy_GetConstant(ctx, ty)))
    }
}

/// The type the ready `global` holds, as a handle that owns no reference
/// (the global's keeps the type alive as long as the module); `None`:
/// load it through the HPy API (not ready yet; always in the universal
/// ABI).
///
/// # Safety
/// As for [`is_instance_fast`]; the result is never closed.
#[inline(always)]
pub unsafe fn type_borrowed(
    _ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
) -> Option<HPy> {
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: the slot is readable (contract).
    Some(_py2h(unsafe { interp::global_object(global)? }))
}

/// Whether `cls` is the type the ready `global` holds (one compare, as in
/// [`is_instance_fast`]); `None`: ask the HPy API.
///
/// # Safety
/// As for [`is_instance_fast`].
#[inline(always)]
pub unsafe fn is_type_fast(
    _ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    cls: HPy,
) -> Option<bool> {
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: the slot is readable (contract).
    let ty = unsafe { interp::global_object(global)? };
    (_h2py(cls) == ty).then_some(true)
}

/// `_HPy_AsStruct_Object` (inline in this ABI).
///
/// # Safety
/// `h` is a live instance of a type of shape `Object`.
#[inline(always)]
pub unsafe fn as_struct_object(ctx: *mut HPyContext, h: HPy) -> *mut c_void {
    // SAFETY: forwarded.
    unsafe { hpy_sys::_HPy_AsStruct_Object(ctx, h) }
}

/// Empties a field that owns its reference (a decref).
///
/// # Safety
/// `field` is a field of a dying instance, empty or owning its reference.
#[inline(always)]
pub unsafe fn clear_owned_field(field: *mut hpy_sys::HPyField) {
    // SAFETY: forwarded.
    unsafe { hpy_sys::cpython::hpy_rs_clear_field(field) }
}

/// A new instance of `cls`, a class of `T` or a subclass, its data
/// written by `fill(obj, data)` (`data`: where `HPy_New` puts it).
///
/// For a class marked *simple* (see [`type_created`]) hpy-sys allocates the
/// object without HPy's runtime and without zeroing it: `fill` writes
/// `T`'s block and everything after it (the `Field` slots, the
/// interpreter's own slots) starts zeroed here, so each byte is written
/// once; the collector tracks the object after `fill`. Any other class
/// goes through hpy-sys's `HPy_New` (zeroed, tracked).
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
    use hpy_sys::cpython::SimpleAlloc;
    let ctx = cls.context();
    // SAFETY: `cls` is a class (contract), a live type object. Its
    // deallocator, read once, says how it was marked when it was made.
    let dealloc = unsafe { hpy_sys::cpython::hpy_rs_type_dealloc(cls.as_raw()) };
    if T::MAY_BE_SIMPLE && dealloc == simple_dealloc::<T> as *const () as usize {
        // SAFETY: `cls` was marked simple with `simple_dealloc::<T>`, the
        // deallocator it has; on `Made` the data is written whole below
        // (T's block by `fill`, the rest zeroed: a simple class has no
        // ancestors' blocks) before the object is tracked or seen.
        match unsafe { hpy_sys::cpython::hpy_rs_alloc_simple_marked(cls.as_raw()) } {
            // SAFETY: a new object of `size` payload bytes, seen by nothing
            // else until it is tracked; T's block is `ClassData<T>` at the
            // start (a simple class), the slots after it are zeroed here.
            SimpleAlloc::Made { obj, payload, size } => unsafe {
                crate::abi::zero_after_block::<T>(payload.cast(), size);
                let obj = crate::Handle::from_raw(ctx, _py2h(obj));
                fill(&obj, payload);
                hpy_sys::cpython::hpy_rs_track_simple(_h2py(obj.as_raw()));
                return Ok(obj);
            },
            SimpleAlloc::Failed => return Err(HPyErr::raised(ctx)),
            SimpleAlloc::NotSimple => {}
        }
    }
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: `cls` is a type, marked plain where its deallocator says so;
    // the new instance's data (zeroed, or on the plain path unwritten) is
    // written by `fill` before anything reads it.
    let obj = unsafe {
        ctx.wrap_result(if hpy_sys::cpython::hpy_rs_is_plain_dealloc(dealloc) {
            hpy_sys::cpython::hpy_rs_new_plain_filled(
                ctx.as_raw(),
                cls.as_raw(),
                &mut data,
                |_, _| {},
            )
        } else {
            hpy_sys::cpython::hpy_rs_new(ctx.as_raw(), cls.as_raw(), &mut data)
        })?
    };
    fill(&obj, data);
    Ok(obj)
}

/// The `tp_dealloc` of a *simple* class `T`: hpy-sys's generic deallocator
/// with the class known (no walk up the type chain, no search for the
/// data): every field emptied, as `tp_clear` does (the `Field` slots and
/// the value's, as `tp_traverse` finds them), then the value dropped (a
/// panic in `Drop` is reported and the value leaked, as in `tp_destroy`).
///
/// # Safety
/// Called by CPython only, for an instance of `T`'s type (marked simple, so
/// of exactly that type) whose reference count reached 0.
pub(super) unsafe extern "C" fn simple_dealloc<T: crate::abi::SimpleClass>(obj: *mut cpy_PyObject) {
    // SAFETY: the contract, as `hpy_rs_simple_dealloc` requires it; the
    // payload of a simple class is `T`'s block and slots (`SimpleClass::MAY_BE_SIMPLE`),
    // written at allocation, as `SimpleClass::clear_and_destroy` requires.
    unsafe { hpy_sys::cpython::hpy_rs_simple_dealloc(obj, |data| T::clear_and_destroy(data)) }
}

/// Called once a class's type object exists: marks it plain for hpy-sys's
/// runtime (instances allocated by [`new_instance_raw`]), telling it
/// whether the class has a `tp_destroy`; a class that is not plain but
/// may be simple (`SimpleClass::MAY_BE_SIMPLE`) is offered to hpy-sys as simple, with
/// [`simple_dealloc`] as its deallocator.
///
/// # Safety
/// `ty` was just created from a spec with these `defines` (null or a
/// null-terminated array of valid definitions) and has no instances yet.
pub unsafe fn type_created<T: crate::abi::SimpleClass>(
    ctx: *mut HPyContext,
    ty: HPy,
    defines: *mut *mut HPyDef,
) {
    // SAFETY: forwarded; `simple_dealloc::<T>` deallocates exactly the
    // instances of `T`'s type, which this is.
    unsafe {
        let destroy = crate::abi::defines_slot(defines, hpy_sys::HPy_tp_destroy).is_some();
        let plain = hpy_sys::cpython::hpy_rs_cpython_mark_plain(ctx, ty, c_int::from(destroy));
        if plain == 0 && T::MAY_BE_SIMPLE {
            hpy_sys::cpython::hpy_rs_cpython_mark_simple(ctx, ty, simple_dealloc::<T>);
        }
        // A call of the class runs its constructor directly: hpy-rs's
        // constructors (`impl_new`) read keyword names from a tuple too.
        if let Some(new) = crate::abi::defines_slot(defines, hpy_sys::HPy_tp_new) {
            if !new.r#impl.is_null() {
                let new = core::mem::transmute::<hpy_sys::HPyCFunction, hpy_sys::HPyFunc_newfunc>(
                    new.r#impl,
                );
                hpy_sys::cpython::hpy_rs_cpython_set_type_call(ctx, ty, new);
            }
        }
    }
}
