//! Sequences in the universal ABI: tuples, lists and their items, through
//! the context or, on hpy_rs_universal's plain context, read in place.

use super::*;

/// Always `None`: a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn list_or_tuple_items(_: HPy) -> Option<(*const HPy, usize)> {
    None
}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn dict_set_item(_: HPy, _: HPy, _: HPy) -> Option<core::ffi::c_int> {
    None
}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn dict_get_item(_: HPy, _: HPy) -> Option<HPy> {
    None
}

/// Always `None` (the universal ABI reads a `range` by its numbers: see
/// `iter::range_of`).
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn exact_range_len(_: HPy) -> Option<usize> {
    None
}

/// Item `i` of `obj` if `obj` is exactly a `list` or a `tuple` and `i` is
/// below its current length, on hpy_rs_universal's plain context (a table
/// of version 5 with the layout `plain_ext::fast` checks): read from the
/// item array as the CPython ABI reads it, with one `HPy_Dup` for the new
/// reference instead of `HPy_GetItem_i`'s int key and sequence protocol.
/// A list's item pointer follows its size (`PyListObject` in every
/// CPython the host serves, as the CPython ABI's `ListHead`), a tuple's
/// items start at the table's offset. `None`: ask the HPy API (another
/// type, an index past the end, any other context).
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context.
#[inline(always)]
pub unsafe fn list_or_tuple_item(ctx: *mut HPyContext, obj: HPy, i: usize) -> Option<HPy> {
    let ext = plain_ext::fast(ctx).filter(|ext| ext.version >= 5)?;
    // SAFETY: a live handle of the plain context (the object); its type
    // decides its layout: an exact list's size and item pointer, an exact
    // tuple's size and items, at the offsets above; an index below the
    // current size is a set item, which gets a reference of its own
    // before any Python code runs.
    unsafe {
        let t = plain_type_of(obj);
        let o = obj._i as *const u8;
        let items: *const isize =
            if t == hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::ListType)._i {
                *o.add(ext.var_size_offset + core::mem::size_of::<isize>())
                    .cast::<*const isize>()
            } else if t == hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::TupleType)._i {
                o.add(ext.tuple_items_offset).cast::<isize>()
            } else {
                return None;
            };
        let len = *o.add(ext.var_size_offset).cast::<isize>();
        if i >= len as usize {
            return None;
        }
        Some(super::dup(ctx, HPy { _i: *items.add(i) }))
    }
}

/// The type pointer of `obj`, a handle of hpy_rs_universal's plain
/// context (the object's address) served by `plain_ext::fast`.
///
/// # Safety
/// `obj` is a live handle of that context.
#[inline(always)]
pub(super) unsafe fn plain_type_of(obj: HPy) -> isize {
    // SAFETY: the object's type pointer is `OB_TYPE` bytes after its
    // address (the layout `plain_ext::fast` checked against the table).
    unsafe {
        *(obj._i as *const u8)
            .add(plain_ext::layout::OB_TYPE)
            .cast::<isize>()
    }
}

/// CPython's `Py_TPFLAGS_{LONG,LIST,TUPLE,BYTES,UNICODE,DICT,
/// BASE_EXC,TYPE}_SUBCLASS` (bits 24-31, its stable ABI): a type with one
/// of them derives from that builtin type.
pub(super) const BUILTIN_SUBCLASS_BITS: core::ffi::c_ulong = 0xff << 24;

/// `isinstance(obj, ty)` for a builtin type constant, on hpy_rs_universal's
/// plain context (a table of version 4) as CPython's `PyLong_Check` and
/// its siblings decide it, as the CPython ABI does: the exact type, then
/// the type's subclass bit in `tp_flags` (CPython's stable-ABI
/// `Py_TPFLAGS_*_SUBCLASS` values); `None` (the caller checks through HPy)
/// for a subclass of `float`, which has no bit, for the constants not
/// listed here, and on any other context.
#[inline(always)]
pub(crate) fn type_check_constant(
    obj: &crate::Handle<'_>,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    use hpy_sys::HPyConstant as C;
    let flag: core::ffi::c_ulong = match ty {
        C::LongType => 1 << 24,
        C::ListType => 1 << 25,
        C::TupleType => 1 << 26,
        C::BytesType => 1 << 27,
        C::UnicodeType => 1 << 28,
        C::TypeType => 1 << 31,
        C::FloatType => 0,
        _ => return None,
    };
    let ctx = obj.context().as_raw();
    plain_ext::fast(ctx)?;
    // SAFETY: a live handle of the plain context (the object); the
    // constant is a type object of the context, read from it; the object's
    // type is live, its `tp_flags` at the layout's offset.
    unsafe {
        let t = plain_type_of(obj.as_raw());
        if t == hpy_sys::HPy_GetConstant(ctx, ty)._i {
            return Some(true);
        }
        let flags = *(t as *const u8)
            .add(plain_ext::layout::TP_FLAGS)
            .cast::<core::ffi::c_ulong>();
        if flag != 0 {
            return Some(flags & flag != 0);
        }
        // `float` has no bit, but its instances' layout conflicts with
        // those of the types that have one (no class has both as bases):
        // an `int` is no `float` without walking its bases.
        if flags & BUILTIN_SUBCLASS_BITS != 0 {
            return Some(false);
        }
        None
    }
}

/// The value of `obj` as `HPyFloat_AsDouble` gives it, where that is
/// cheaper to have directly, on hpy_rs_universal's plain context (a table
/// of version 4): an exact `float`'s read from the object as
/// `PyFloat_AS_DOUBLE` does; an exact `int`'s from `HPyLong_AsDouble`
/// (what `int.__float__` returns, without `PyFloat_AsDouble` looking the
/// method up); `None` for anything else, for an `int` too large (its
/// `OverflowError` is left to the caller's `HPyFloat_AsDouble`), or on any
/// other context (the caller reads the float through HPy).
#[inline(always)]
pub(crate) fn exact_float_value(obj: &crate::Handle<'_>) -> Option<f64> {
    let ctx = obj.context().as_raw();
    plain_ext::fast(ctx)?;
    // SAFETY: a live handle of the plain context (the object); an exact
    // `float`'s `double` is at the layout's offset; the constants are the
    // context's own type objects.
    unsafe {
        let t = plain_type_of(obj.as_raw());
        if t == hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::FloatType)._i {
            return Some(
                (obj.as_raw()._i as *const u8)
                    .add(plain_ext::layout::FLOAT_VALUE)
                    .cast::<f64>()
                    .read_unaligned(),
            );
        }
        if t == hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::LongType)._i {
            return exact_int_value(ctx, obj.as_raw());
        }
        None
    }
}

/// [`exact_float_value`] of an exact `int`: out of line, as the rarer
/// case.
///
/// # Safety
/// `obj` is a live exact `int`, a handle of the plain context `ctx`.
#[inline(never)]
pub(super) unsafe fn exact_int_value(ctx: *mut HPyContext, obj: HPy) -> Option<f64> {
    // SAFETY: the contract; the error, if any, is cleared here and raised
    // again by the caller's `HPyFloat_AsDouble`.
    unsafe {
        let v = hpy_sys::HPyLong_AsDouble(ctx, obj);
        if v == -1.0 && hpy_sys::HPyErr_Occurred(ctx) != 0 {
            hpy_sys::HPyErr_Clear(ctx);
            return None;
        }
        Some(v)
    }
}

/// Always `false`: a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn is_exact_float(_: HPy) -> bool {
    false
}

/// Always `None` (call the builtin `next`): HPy 0.9 has no iterator API.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn iter_next(_: HPy) -> Option<HPy> {
    None
}

/// Always `None` (call the builtin `iter`): HPy 0.9 has no iterator API.
#[inline(always)]
pub(crate) fn get_iter<'ctx>(_: &crate::Handle<'ctx>) -> Option<HPyResult<crate::Handle<'ctx>>> {
    None
}

/// Always `None` (call the builtin `isinstance`): HPy 0.9 has no
/// `isinstance`.
#[inline(always)]
pub(crate) fn is_instance(_: &crate::Handle<'_>, _: &crate::Handle<'_>) -> Option<HPyResult<bool>> {
    None
}

/// An object kept after its first lookup (see the CPython ABI's
/// `ObjectCache`). Here it is kept in an `HPyGlobal`, which HPy's
/// universal ABI allows only where the module definition lists it: a
/// cache whose [`global_ptr`](Self::global_ptr) every module lists (the
/// `StdClass` caches, through `impl_::SDK_GLOBALS`) is marked so by
/// [`mark_listed`](Self::mark_listed) at module exec and then keeps its
/// object (one `HPyGlobal_Load` per `get`); an unlisted one keeps nothing.
pub(crate) struct ObjectCache(crate::Global);

impl ObjectCache {
    /// An empty cache, for a `static`.
    #[allow(clippy::new_without_default)]
    pub(crate) const fn new() -> Self {
        ObjectCache(crate::Global::new())
    }

    /// The pointer a module definition lists for this cache.
    pub(crate) const fn global_ptr(&self) -> *mut HPyGlobal {
        self.0.as_raw_ptr()
    }

    /// Records that the module definition being executed lists
    /// [`global_ptr`](Self::global_ptr).
    ///
    /// # Safety
    /// It must list it.
    pub(crate) unsafe fn mark_listed(&self) {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.0.mark_registered() }
    }

    /// The kept object, as a new handle (one `HPyGlobal_Load`); `None`
    /// before [`set`](Self::set) or where the module does not list it.
    #[inline]
    pub(crate) fn get<'ctx>(&self, ctx: Context<'ctx>) -> Option<crate::Handle<'ctx>> {
        if !self.0.registered() {
            return None;
        }
        // An error (none is expected from a load) is dropped, which
        // clears it: the caller looks the object up again.
        self.0.load_unboxed(ctx).ok().flatten()
    }

    /// Keeps `obj` unless an object is kept already (or the module does not
    /// list the cache). Stored once per module exec (`store_unboxed`: on
    /// PyPy a store keeps what it replaces alive, see
    /// `Quirk::GlobalStoreLeaks`, and these objects live as long anyway).
    pub(crate) fn set(&self, obj: &crate::Handle<'_>) {
        if !self.0.registered() || self.0.is_stored() {
            return;
        }
        // Cannot fail: the global is registered.
        let _ = self.0.store_unboxed(obj);
    }

    /// Empties the cache without releasing its object (at module exec:
    /// the interpreter that owned it may be gone), as the CPython ABI's.
    pub(crate) fn forget(&self) {
        self.0.forget();
    }
}

/// `HPyField_Store` of an owned handle into an empty field, then closes
/// the handle.
///
/// # Safety
/// As `HPyField_Store`: `field` is a field of the live `owner`; it is
/// empty; `obj` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn field_store_owned(
    ctx: *mut HPyContext,
    owner: HPy,
    field: *mut hpy_sys::HPyField,
    obj: HPy,
) {
    if plain_ext::fast(ctx).is_some() {
        // On hpy_rs_universal's plain context (a table of version 3 or
        // later says so) a field holds the object's address as a strong reference,
        // as in the CPython ABI, and a handle is that address owning one
        // reference: the handle's reference moves into the empty field,
        // no `HPyField_Store` and `HPy_Close` through the context.
        // SAFETY: an empty field of `owner` (contract), which owns the
        // reference from now on.
        unsafe { *field = hpy_sys::HPyField { _i: obj._i } };
        return;
    }
    // SAFETY: forwarded (contract); the handle is closed once stored.
    unsafe {
        hpy_sys::HPyField_Store(ctx, owner, field, obj);
        hpy_sys::HPy_Close(ctx, obj);
    }
}

/// `HPyField_Store` of a borrowed handle into an empty field: `obj` stays
/// open. Where a handle owns its object's reference and the field keeps the
/// address (hpy_rs_universal's plain context), the field gets a reference
/// of its own (`HPy_Dup`) and no `HPyField_Store`; elsewhere (PyPy, the
/// debug and trace contexts) one `HPyField_Store`, with no duplicate and no
/// close: two calls fewer than storing an owned duplicate.
///
/// # Safety
/// As `HPyField_Store`: `field` is a field of the live `owner`; it is
/// empty; `obj` is a valid handle of the call.
#[inline(always)]
pub unsafe fn field_store_borrowed(
    ctx: *mut HPyContext,
    owner: HPy,
    field: *mut hpy_sys::HPyField,
    obj: HPy,
) {
    if plain_ext::fast(ctx).is_some() {
        // SAFETY: as in `field_store_owned`, with a new reference.
        unsafe {
            *field = hpy_sys::HPyField {
                _i: super::dup(ctx, obj)._i,
            }
        };
        return;
    }
    // SAFETY: forwarded (contract).
    unsafe { hpy_sys::HPyField_Store(ctx, owner, field, obj) }
}

/// `HPyListBuilder_Set`, then closes `item`; on hpy_rs_universal's plain
/// context (a table of version 9, whose builder is the list) the item's
/// reference moves into its slot, as in the CPython ABI.
///
/// # Safety
/// As `HPyListBuilder_Set`; `item` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn list_builder_put(
    ctx: *mut HPyContext,
    builder: hpy_sys::HPyListBuilder,
    index: usize,
    item: HPy,
) {
    if let Some(ext) = plain_ext::fast(ctx).filter(|ext| ext.version >= 9) {
        if builder._lst != 0 {
            // SAFETY: per the contract, and the table's promise (version
            // 9): the builder is the list being built, whose unset slot
            // `index` takes the item's reference, as in the CPython ABI.
            unsafe {
                let items = *(builder._lst as *const u8)
                    .add(ext.var_size_offset + core::mem::size_of::<isize>())
                    .cast::<*mut isize>();
                *items.add(index) = item._i;
            }
            return;
        }
    }
    // SAFETY: per the contract.
    unsafe {
        hpy_sys::HPyListBuilder_Set(ctx, builder, index as hpy_sys::HPy_ssize_t, item);
        hpy_sys::HPy_Close(ctx, item);
    }
}

/// A new tuple of `items`: on hpy_rs_universal's plain context the items
/// move into a fresh tuple from its extension (as on the CPython ABI);
/// elsewhere `HPyTuple_FromArray`, which takes its own references, and the
/// items are closed after.
#[inline(always)]
pub fn tuple_from_owned<'ctx, const N: usize>(
    ctx: Context<'ctx>,
    items: [crate::Handle<'ctx>; N],
) -> HPyResult<crate::Handle<'ctx>> {
    if let Some(ext) = plain_ext::of(ctx.as_raw()) {
        // SAFETY: the plain context's `PyTuple_New` (`ext` is its table,
        // checked by `plain_ext`); the GIL is held in every call.
        let tuple = unsafe { (ext.tuple_new)(N as hpy_sys::HPy_ssize_t) };
        if tuple._i == 0 {
            // `items` are closed as they drop.
            return Err(crate::HPyErr::raised(ctx));
        }
        let slots = (tuple._i as *mut u8).wrapping_add(ext.tuple_items_offset);
        // The handles are given up: the tuple takes over their references,
        // as `PyTuple_SET_ITEM` does.
        let raw = items.map(crate::Handle::into_raw);
        // SAFETY: on the plain context a handle's value is the object, so
        // `slots` is the first of the fresh tuple's N empty item slots, one
        // word apart (the table's offset); each is written once, with an
        // owned handle.
        unsafe { slots.cast::<[HPy; N]>().write(raw) };
        // SAFETY: the fresh tuple, owned, all its items set.
        return Ok(unsafe { crate::Handle::from_raw(ctx, tuple) });
    }
    let mut raw = items.each_ref().map(|h| h.as_raw());
    // SAFETY: `raw` holds N valid handles, kept open by `items`; the tuple
    // takes its own references.
    unsafe {
        ctx.wrap_result(hpy_sys::HPyTuple_FromArray(
            ctx.as_raw(),
            raw.as_mut_ptr(),
            N as hpy_sys::HPy_ssize_t,
        ))
    }
}

/// `HPyTupleBuilder_Set`, then closes `item`.
///
/// # Safety
/// As `HPyTupleBuilder_Set`; `item` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn tuple_builder_put(
    ctx: *mut HPyContext,
    builder: hpy_sys::HPyTupleBuilder,
    index: usize,
    item: HPy,
) {
    // SAFETY: per the contract.
    unsafe {
        hpy_sys::HPyTupleBuilder_Set(ctx, builder, index as hpy_sys::HPy_ssize_t, item);
        hpy_sys::HPy_Close(ctx, item);
    }
}

// ---- what `Handle::iter` reads (iter.rs) ----

/// The start, step and length of `obj` if it is exactly a `range` whose
/// start, step and length fit an `isize` (`None` otherwise: it is then read
/// through its iterator). HPy 0.9 has no iterator call, so each item is
/// then one `HPyLong_FromSsize_t` instead of a call of the builtin `next`
/// (76 ns an item on PyPy 7.3.19). A `range` is immutable and cannot be
/// subclassed, and its iterator yields exactly `start + i * step` for `i`
/// below its length, so the items are the same `int`s. `range_type` gives
/// the class `range` (the caller keeps it after its first look-up: one
/// `HPyGlobal_Load` then, where the builtins' dict was searched by name at
/// every call).
pub(crate) fn range_parts<'ctx>(
    obj: &crate::Handle<'ctx>,
    range_type: impl FnOnce(crate::Context<'ctx>) -> HPyResult<crate::Handle<'ctx>>,
) -> HPyResult<Option<(isize, isize, usize)>> {
    let ctx = obj.context();
    if !obj.get_type().is(&range_type(ctx)?) {
        return Ok(None);
    }
    // Each error (an `OverflowError`: a number over `isize`, a length over
    // `sys.maxsize`) is dropped, clearing its exception, before the next
    // call; the range is then read through its iterator.
    let number = |name: &str| obj.get_attr_s(name)?.extract::<isize>();
    let Ok(start) = number("start") else {
        return Ok(None);
    };
    let Ok(step) = number("step") else {
        return Ok(None);
    };
    let Ok(left) = obj.len() else {
        return Ok(None);
    };
    Ok(Some((start, step, left)))
}

/// Whether `obj` is read by index instead of through its iterator: an
/// object that is exactly a `list` or a `tuple`. HPy 0.9 offers no
/// iterator call, and calling the builtin `next` per item (`HPy_Call`)
/// costs 76 ns an item on PyPy 7.3.19 against 21 ns for `HPy_GetItem_i`
/// (`bench/pypy-costs`). Reading `obj[0]`, `obj[1]` … until `IndexError`
/// gives what their iterators give, also for a list that changes while it
/// is read.
pub(crate) fn reads_by_index(obj: &crate::Handle<'_>) -> bool {
    let ty = obj.get_type();
    ty.is_constant(hpy_sys::HPyConstant::ListType)
        || ty.is_constant(hpy_sys::HPyConstant::TupleType)
}

/// The item `i` of the exact list or tuple `seq` (`reads_by_index`);
/// `None` at its end (`IndexError`, cleared), another error as it is.
pub(crate) fn indexed_item<'ctx>(
    seq: &crate::Handle<'ctx>,
    i: isize,
) -> Option<HPyResult<crate::Handle<'ctx>>> {
    let ctx = seq.context();
    match seq.get_item_i(i) {
        Ok(item) => Some(Ok(item)),
        Err(err) => {
            if err.is_pending() && ctx.err_matches(hpy_sys::HPyConstant::IndexError) {
                ctx.err_clear();
                err.keep_exception();
                None
            } else {
                Some(Err(err))
            }
        }
    }
}

/// The current length of the exact list or tuple `seq` (one `HPy_Length`,
/// which an exact list or tuple answers without error).
pub(crate) fn indexed_len(seq: &crate::Handle<'_>) -> usize {
    seq.len().unwrap_or(0)
}

/// What [`crate::Handle::builtin_kind`] answers, on hpy_rs_universal's
/// plain context (a table of version 4), from the object's type pointer
/// and its `tp_flags`, as the CPython ABI decides; `None` (the caller asks
/// HPy) for what may be a subclass of `float`, which has no bit, and on
/// any other context.
#[inline(always)]
pub(crate) fn builtin_kind(obj: &crate::Handle<'_>) -> Option<crate::BuiltinKind> {
    let ctx = obj.context().as_raw();
    plain_ext::fast(ctx)?;
    // SAFETY: a live handle of the plain context (the object); its type
    // is live, its `tp_flags` at the layout's offset; the constants are
    // the context's own objects.
    unsafe {
        let t = plain_type_of(obj.as_raw());
        let flags = *(t as *const u8)
            .add(plain_ext::layout::TP_FLAGS)
            .cast::<core::ffi::c_ulong>();
        let constant = |c| hpy_sys::HPy_GetConstant(ctx, c)._i;
        crate::types::any::classify_builtin(obj.as_raw()._i, t, flags, constant)
    }
}

/// Whether `obj` is an instance of the builtin type whose subclass bit
/// (`crate::types::any::type_flag`) is `flag`: on hpy_rs_universal's plain
/// context (a table of version 4, with the layout `plain_ext::fast`
/// checks) read from the type's `tp_flags`, as CPython's own
/// `PyUnicode_Check` and its siblings read it; on any other context HPy's
/// `check` (`HPyUnicode_Check` and its siblings).
#[inline(always)]
pub(crate) fn has_type_flag(
    obj: &crate::Handle<'_>,
    flag: core::ffi::c_ulong,
    check: unsafe fn(*mut HPyContext, HPy) -> core::ffi::c_int,
) -> bool {
    let ctx = obj.context().as_raw();
    if plain_ext::fast(ctx).is_none() {
        // SAFETY: a live handle of its context; the check cannot fail.
        return unsafe { check(ctx, obj.as_raw()) != 0 };
    }
    // SAFETY: a live handle of the plain context (the object); its type is
    // live, its `tp_flags` at the layout's offset.
    let flags = unsafe {
        *(plain_type_of(obj.as_raw()) as *const u8)
            .add(plain_ext::layout::TP_FLAGS)
            .cast::<core::ffi::c_ulong>()
    };
    flags & flag != 0
}

/// The characters of the `str` `obj` if it is a compact ASCII str (every
/// str CPython makes of ASCII text), read where they lie, on
/// hpy_rs_universal's plain context (a table of version 10, whose `str`
/// layout `plain_ext::fast10` checks): they are its UTF-8, with no
/// `HPyUnicode_AsUTF8AndSize` through the context. `None` for any other
/// str, and on any other context.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context, to a `str` (or an
/// instance of a subclass). The bytes live as long as the object.
#[inline(always)]
pub(crate) unsafe fn ascii_str_bytes<'a>(ctx: *mut HPyContext, obj: HPy) -> Option<&'a [u8]> {
    let ext = plain_ext::fast10(ctx)?;
    // SAFETY: a live str of the plain context (contract): its state word,
    // its length and, when the state says compact ASCII, its characters
    // at the offsets of the table (version 10), which never change while
    // the object lives (a str is immutable).
    unsafe {
        let o = obj._i as *const u8;
        let state = o.add(plain_ext::layout::STR_STATE).cast::<u32>().read();
        let bits = plain_ext::layout::STR_COMPACT_ASCII;
        if state & bits != bits {
            return None;
        }
        let len = o.add(plain_ext::layout::VAR_SIZE).cast::<isize>().read();
        Some(core::slice::from_raw_parts(
            o.add(ext.str_ascii_data_offset),
            len as usize,
        ))
    }
}

/// Whether [`dict_next`] may read a dict of `ctx` in place: on
/// hpy_rs_universal's plain context (a table of version 9); elsewhere the
/// caller reads through the keys from the start.
///
/// # Safety
/// `dict` is a live handle of `ctx` to a `dict` (unused here; the CPython
/// ABI reads its type).
#[inline(always)]
pub unsafe fn dict_reads_in_place(ctx: *mut HPyContext, _dict: HPy) -> bool {
    plain_ext::of(ctx).is_some_and(|ext| ext.version >= 9)
}

/// One step of reading a `dict`'s items in place on hpy_rs_universal's
/// plain context (a table of version 9), as the CPython ABI does:
/// `Some(1)` with owned handles to the key and the value, `Some(0)` at the
/// end, `Some(-1)` with `RuntimeError` set if the dict no longer holds
/// `len` items; `None` on any other context, and for a subclass of `dict`
/// (read through its keys and `__getitem__`).
///
/// # Safety
/// `dict` is a live handle of `ctx` to a `dict`.
#[inline(always)]
pub unsafe fn dict_next(
    ctx: *mut HPyContext,
    dict: HPy,
    pos: &mut isize,
    len: isize,
    key: &mut HPy,
    value: &mut HPy,
) -> Option<core::ffi::c_int> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 9)?;
    // SAFETY: the GIL is held (a call's handle); the entry of version 9 is
    // there (checked); a handle of the plain context is the object.
    match unsafe { (ext.dict_next)(dict, pos, len, key, value) } {
        -2 => None,
        status => Some(status),
    }
}

/// `PyList_Sort(list)` on hpy_rs_universal's plain context (a table of
/// version 9): `Some(0)`, or `Some(-1)` with an exception set; `None` on
/// any other context (the caller calls `list.sort`).
///
/// # Safety
/// `list` is a live handle of `ctx` to a `list`.
#[inline(always)]
pub unsafe fn list_sort(ctx: *mut HPyContext, list: HPy) -> Option<core::ffi::c_int> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 9)?;
    // SAFETY: as `dict_next`.
    Some(unsafe { (ext.list_sort)(list) })
}
