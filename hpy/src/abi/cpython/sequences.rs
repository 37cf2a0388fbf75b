//! Sequences in the CPython ABI: tuples, lists and their items read in
//! place, building them, and the fast paths the conversions use.

use super::*;

/// The start of a `list` object (`PyListObject`, the same from CPython 3.11
/// to 3.15): the variable-size header, then the item array.
#[repr(C)]
pub(super) struct ListHead {
    ob_base: hpy_sys::cpython::PyVarObject,
    ob_item: *mut *mut cpy_PyObject,
}

/// The item array and current length of `obj` if it is exactly a `list`
/// or a `tuple`, borrowed: valid only until Python code runs (which may
/// change a list). `None`: another type (always in the universal ABI).
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub unsafe fn list_or_tuple_items(obj: HPy) -> Option<(*const HPy, usize)> {
    use hpy_sys::cpython::{_PyTuple_ITEMS, Py_SIZE, Py_TYPE};
    use hpy_sys::HPyConstant;
    // SAFETY: `obj` is a live object (contract). An exact list starts with
    // `ListHead` and a tuple's items are where `_PyTuple_ITEMS` says (layout
    // test); a handle is the `PyObject*` in this ABI.
    unsafe {
        let o = _h2py(obj);
        let ty = Py_TYPE(o) as isize;
        let items: *const *mut cpy_PyObject =
            if ty == hpy_sys::HPy_GetConstant(ptr::null_mut(), HPyConstant::ListType)._i {
                (*o.cast::<ListHead>()).ob_item
            } else if ty == hpy_sys::HPy_GetConstant(ptr::null_mut(), HPyConstant::TupleType)._i {
                _PyTuple_ITEMS(o)
            } else {
                return None;
            };
        Some((items.cast::<HPy>(), Py_SIZE(o) as usize))
    }
}

/// Whether `obj` is exactly a `dict` (no subclass, whose `__getitem__` or
/// `__setitem__` may differ).
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub(super) unsafe fn is_exact_dict(obj: HPy) -> bool {
    // SAFETY: a live object (contract); `PyDict_Type` is CPython's static.
    unsafe {
        hpy_sys::cpython::Py_TYPE(_h2py(obj)).cast_const()
            == ptr::addr_of!(hpy_sys::cpython::ffi::PyDict_Type)
    }
}

/// `dict[key] = value` through `PyDict_SetItem` when `dict` is exactly a
/// `dict` (what `HPy_SetItem` does there, without `PyObject_SetItem`'s
/// dispatch): `Some(0)`, or `Some(-1)` with an exception set. `None`: ask
/// the HPy API (another type; always in the universal ABI).
///
/// # Safety
/// All three are valid handles.
#[inline(always)]
pub unsafe fn dict_set_item(dict: HPy, key: HPy, value: HPy) -> Option<c_int> {
    // SAFETY: live objects (contract); `PyDict_SetItem` takes its own
    // references.
    unsafe {
        if !is_exact_dict(dict) {
            return None;
        }
        Some(hpy_sys::cpython::ffi::PyDict_SetItem(
            _h2py(dict),
            _h2py(key),
            _h2py(value),
        ))
    }
}

/// `dict[key]` through `PyDict_GetItemWithError` when `dict` is exactly a
/// `dict` and holds `key`: `Some(item)` (a new reference), or
/// `Some(HPy_NULL)` with the exception of a failing `__hash__`/`__eq__`
/// set. `None`: ask the HPy API (another type or a missing key, for its
/// `KeyError`; always in the universal ABI).
///
/// # Safety
/// Both are valid handles.
#[inline(always)]
pub unsafe fn dict_get_item(dict: HPy, key: HPy) -> Option<HPy> {
    // SAFETY: live objects (contract); the item is borrowed from the dict
    // and given a reference of its own before any Python code runs.
    unsafe {
        if !is_exact_dict(dict) {
            return None;
        }
        let item = hpy_sys::cpython::ffi::PyDict_GetItemWithError(_h2py(dict), _h2py(key));
        if item.is_null() {
            if hpy_sys::cpython::ffi::PyErr_Occurred().is_null() {
                return None;
            }
            return Some(hpy_sys::HPy_NULL);
        }
        hpy_sys::cpython::Py_INCREF(item);
        Some(_py2h(item))
    }
}

/// Item `i` of `obj` if `obj` is exactly a `list` or a `tuple` and `i` is
/// below its current length: a new reference read from the item array,
/// which is what `obj[i]` gives, without the int key and the mapping
/// protocol of HPy's `HPy_GetItem_i`. `None`: ask the HPy API (another
/// type or an index past the end; always in the universal ABI).
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub unsafe fn list_or_tuple_item(_ctx: *mut HPyContext, obj: HPy, i: usize) -> Option<HPy> {
    // SAFETY: `obj` is valid (contract); an index below the current length
    // is a set item, returned with a reference of its own.
    unsafe {
        let (items, len) = list_or_tuple_items(obj)?;
        if i >= len {
            return None;
        }
        let item = *items.add(i);
        hpy_sys::cpython::Py_INCREF(_h2py(item));
        Some(item)
    }
}

/// The length of `obj` if it is exactly a `range` (immutable, not
/// subclassable) and its length fits an `isize`; `None` for anything else
/// (always in the universal ABI). A length over `sys.maxsize` raises
/// `OverflowError` in CPython, which is cleared here: the caller only
/// loses a hint.
///
/// # Safety
/// `obj` is a valid handle; no exception is set.
#[inline(always)]
pub unsafe fn exact_range_len(obj: HPy) -> Option<usize> {
    // SAFETY: a live object (contract); `PyRange_Type` is CPython's static,
    // and a range's length runs no Python code.
    unsafe {
        let o = _h2py(obj);
        if hpy_sys::cpython::Py_TYPE(o).cast_const()
            != ptr::addr_of!(hpy_sys::cpython::ffi::PyRange_Type)
        {
            return None;
        }
        let n = hpy_sys::HPy_Length(ptr::null_mut(), obj);
        if n < 0 {
            hpy_sys::cpython::ffi::PyErr_Clear();
            return None;
        }
        Some(n as usize)
    }
}

/// `next(iterator)` through `PyIter_Next`, without a call of the builtin
/// `next`: `Some(item)` (owned), or `Some(HPy_NULL)` at the end or on an
/// error (`HPyErr_Occurred` tells which; a `StopIteration` is not set at
/// the end). `None`: call the builtin (always in the universal ABI).
///
/// # Safety
/// `iterator` is a valid handle to an iterator (what `iter()` returned).
#[inline(always)]
pub unsafe fn iter_next(iterator: HPy) -> Option<HPy> {
    // SAFETY: a live iterator (contract); the result is a new reference or
    // NULL, a handle in this ABI.
    Some(unsafe { _py2h(hpy_sys::cpython::ffi::PyIter_Next(_h2py(iterator))) })
}

/// `iter(obj)` (`PyObject_GetIter`, without looking the builtin up);
/// `None`: call the builtin `iter` (always in the universal ABI).
#[inline(always)]
pub(crate) fn get_iter<'ctx>(obj: &crate::Handle<'ctx>) -> Option<HPyResult<crate::Handle<'ctx>>> {
    let ctx = obj.context();
    // SAFETY: a live object; the result is a new reference or NULL with an
    // exception, a handle in this ABI.
    Some(unsafe {
        ctx.wrap_result(_py2h(hpy_sys::cpython::ffi::PyObject_GetIter(_h2py(
            obj.as_raw(),
        ))))
    })
}

/// `isinstance(obj, cls)` (`PyObject_IsInstance`, without looking the
/// builtin up); `None`: call the builtin `isinstance` (always in the
/// universal ABI).
#[inline(always)]
pub(crate) fn is_instance(
    obj: &crate::Handle<'_>,
    cls: &crate::Handle<'_>,
) -> Option<HPyResult<bool>> {
    // SAFETY: two live objects; -1 comes with an exception set.
    let r = unsafe {
        hpy_sys::cpython::ffi::PyObject_IsInstance(_h2py(obj.as_raw()), _h2py(cls.as_raw()))
    };
    Some(match r {
        -1 => Err(HPyErr::raised(obj.context())),
        r => Ok(r != 0),
    })
}

/// An object kept after its first lookup, for lookups that HPy 0.9 offers
/// no cheaper way to repeat (`collections.abc`'s classes): one strong
/// reference in a static, kept for the main interpreter only (another
/// interpreter looks the object up each time: see `interp.rs`).
/// Emptied (its reference left to the
/// interpreter) by each module exec through [`ObjectCache::forget`], so
/// that an interpreter started again never sees an object of the one
/// before. The universal ABI keeps the object in an `HPyGlobal` the
/// module lists ([`global_ptr`](Self::global_ptr)); that global is listed
/// in this ABI too, so that a module's list of globals is the same in both,
/// but this ABI never stores to it.
pub(crate) struct ObjectCache(AtomicPtr<cpy_PyObject>, crate::Global);

impl ObjectCache {
    /// An empty cache, for a `static`.
    #[allow(clippy::new_without_default)]
    pub(crate) const fn new() -> Self {
        ObjectCache(AtomicPtr::new(ptr::null_mut()), crate::Global::new())
    }

    /// The pointer a module definition lists for this cache (unused in
    /// this ABI: see the type's doc).
    pub(crate) const fn global_ptr(&self) -> *mut HPyGlobal {
        self.1.as_raw_ptr()
    }

    /// Records that the module definition being executed lists
    /// [`global_ptr`](Self::global_ptr) (nothing uses it in this ABI).
    ///
    /// # Safety
    /// It must list it.
    pub(crate) unsafe fn mark_listed(&self) {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.1.mark_registered() }
    }

    /// The kept object, as a new handle; `None` before [`set`](Self::set).
    #[inline(always)]
    pub(crate) fn get<'ctx>(&self, ctx: Context<'ctx>) -> Option<crate::Handle<'ctx>> {
        let obj = self.0.load(Ordering::Acquire);
        // The main interpreter's object: any other looks it up each time.
        if obj.is_null() || !in_main() {
            return None;
        }
        // SAFETY: the cache's own reference keeps `obj` alive (the context
        // shows the interpreter is held, and the cache was emptied when
        // this module was executed in this interpreter); the new reference
        // is the handle's.
        unsafe {
            hpy_sys::cpython::Py_INCREF(obj);
            Some(crate::Handle::from_raw(ctx, _py2h(obj)))
        }
    }

    /// Keeps `obj` (a new reference) unless an object is kept already.
    pub(crate) fn set(&self, obj: &crate::Handle<'_>) {
        if !in_main() {
            return;
        }
        let raw = _h2py(obj.as_raw());
        // SAFETY: a live object (a handle); the cache owns the new reference.
        unsafe { hpy_sys::cpython::Py_INCREF(raw) };
        if self
            .0
            .compare_exchange(ptr::null_mut(), raw, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            // SAFETY: the reference just taken, not kept.
            unsafe { hpy_sys::cpython::Py_DECREF(raw) };
        }
    }

    /// Empties the cache without releasing its reference (at the module's
    /// exec in the main interpreter: the main interpreter that owned it
    /// may be gone, finalized and initialised again).
    pub(crate) fn forget(&self) {
        if in_main() {
            self.0.store(ptr::null_mut(), Ordering::Release);
        }
    }
}

/// `HPyField_Store` of an owned handle into an empty field, the handle's
/// reference moving into it (in this ABI a field is the `PyObject*`: no
/// new reference and then a close, and no old value to release).
///
/// # Safety
/// As `HPyField_Store`: `field` is a field of the live `owner`; it is
/// empty; `obj` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn field_store_owned(
    _ctx: *mut HPyContext,
    _owner: HPy,
    field: *mut HPyField,
    obj: HPy,
) {
    // SAFETY: an empty field of `owner` (contract), which owns the
    // reference from now on.
    unsafe { *field = hpy_sys::cpython::_py2hf(_h2py(obj)) };
}

/// `HPyField_Store` of a borrowed handle into an empty field: the field
/// takes a reference of its own (one incref, inline); `obj` stays open.
///
/// # Safety
/// As `HPyField_Store`: `field` is a field of the live `owner`; it is
/// empty; `obj` is a valid handle.
#[inline(always)]
pub unsafe fn field_store_borrowed(
    ctx: *mut HPyContext,
    owner: HPy,
    field: *mut HPyField,
    obj: HPy,
) {
    // SAFETY: forwarded; the new reference moves into the field.
    unsafe { field_store_owned(ctx, owner, field, hpy_sys::HPy_Dup(ctx, obj)) }
}

/// `HPy_TypeCheck(obj, <the type constant ty>)` as CPython's own
/// `PyLong_Check` and its siblings do it: the exact type, then the
/// subclass bit of `tp_flags` for the types that have one (`float` has
/// none: its bases are walked); `None` for a constant not listed here,
/// which the caller checks through HPy.
#[inline(always)]
pub(crate) fn type_check_constant(
    obj: &crate::Handle<'_>,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    use hpy_sys::cpython::ffi::{
        PyTypeObject, PyType_IsSubtype, Py_TPFLAGS_BYTES_SUBCLASS, Py_TPFLAGS_LIST_SUBCLASS,
        Py_TPFLAGS_LONG_SUBCLASS, Py_TPFLAGS_TUPLE_SUBCLASS, Py_TPFLAGS_TYPE_SUBCLASS,
        Py_TPFLAGS_UNICODE_SUBCLASS,
    };
    use hpy_sys::HPyConstant as C;
    let flag = match ty {
        C::LongType => Py_TPFLAGS_LONG_SUBCLASS,
        C::ListType => Py_TPFLAGS_LIST_SUBCLASS,
        C::TupleType => Py_TPFLAGS_TUPLE_SUBCLASS,
        C::BytesType => Py_TPFLAGS_BYTES_SUBCLASS,
        C::UnicodeType => Py_TPFLAGS_UNICODE_SUBCLASS,
        C::TypeType => Py_TPFLAGS_TYPE_SUBCLASS,
        C::FloatType => 0,
        _ => return None,
    };
    // SAFETY: a live object and its live type; the constant is a type
    // object that lives as long as the interpreter (no context is needed
    // to read it in this ABI).
    unsafe {
        let t = hpy_sys::cpython::Py_TYPE(_h2py(obj.as_raw())).cast::<PyTypeObject>();
        let c = hpy_sys::HPy_GetConstant(ptr::null_mut(), ty)._i as *mut PyTypeObject;
        if t == c {
            return Some(true);
        }
        if flag != 0 {
            return Some((*t).tp_flags & flag != 0);
        }
        Some(PyType_IsSubtype(t, c) != 0)
    }
}

/// The value of `obj` if it is exactly a `float`: its `ob_fval`, right
/// after the object header, read as `PyFloat_AS_DOUBLE` does (hpy-sys's
/// layout test checks `PyFloatObject`'s size against each CPython's
/// headers); `None` for anything else.
#[inline(always)]
pub(crate) fn exact_float_value(obj: &crate::Handle<'_>) -> Option<f64> {
    // SAFETY: a live object; an exact float is a `PyFloatObject`, whose
    // `double` follows the `PyObject` header.
    unsafe {
        if !is_exact_float(obj.as_raw()) {
            return None;
        }
        let o = _h2py(obj.as_raw()).cast::<u8>();
        Some(
            o.add(core::mem::size_of::<cpy_PyObject>())
                .cast::<f64>()
                .read(),
        )
    }
}

/// Whether `obj` is exactly a `float`, which `HPyFloat_AsDouble` reads
/// without running Python code. Always `false` in the universal ABI.
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub unsafe fn is_exact_float(obj: HPy) -> bool {
    // SAFETY: a live object (contract).
    let ty = unsafe { hpy_sys::cpython::Py_TYPE(_h2py(obj)) } as isize;
    // SAFETY: reading a constant; no context is needed in this ABI.
    ty == unsafe { hpy_sys::HPy_GetConstant(ptr::null_mut(), hpy_sys::HPyConstant::FloatType) }._i
}

/// `HPyListBuilder_Set` handing over `item`'s reference (the builder's
/// list is the object being built in this ABI, so the item is stored as
/// `PyList_SET_ITEM` does, without the new reference and the close).
///
/// # Safety
/// As `HPyListBuilder_Set`: a live builder, `index` in range and not yet
/// set; `item` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn list_builder_put(
    _ctx: *mut HPyContext,
    builder: hpy_sys::HPyListBuilder,
    index: usize,
    item: HPy,
) {
    let list = builder._lst as *mut cpy_PyObject;
    // SAFETY: per the contract; a failed builder (NULL) drops the item.
    unsafe {
        if list.is_null() {
            hpy_sys::cpython::Py_DECREF(_h2py(item));
            return;
        }
        *(*list.cast::<ListHead>()).ob_item.add(index) = _h2py(item);
    }
}

/// A new tuple of `items`, taking over their references: on the CPython
/// ABI they are written into the tuple in place (no new reference per
/// item, then one closed).
#[inline(always)]
pub fn tuple_from_owned<'ctx, const N: usize>(
    ctx: Context<'ctx>,
    items: [crate::Handle<'ctx>; N],
) -> HPyResult<crate::Handle<'ctx>> {
    // SAFETY: a fresh tuple of N empty items (or NULL with an exception
    // set); each item's reference moves into its place.
    unsafe {
        let tuple = hpy_sys::cpython::ffi::PyTuple_New(N as hpy_sys::HPy_ssize_t);
        if tuple.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        let dst = hpy_sys::cpython::_PyTuple_ITEMS(tuple).cast_mut();
        for (i, item) in items.into_iter().enumerate() {
            *dst.add(i) = _h2py(item.into_raw());
        }
        Ok(crate::Handle::from_raw(ctx, _py2h(tuple)))
    }
}

/// [`list_builder_put`] for a tuple builder.
///
/// # Safety
/// As for [`list_builder_put`].
#[inline(always)]
pub unsafe fn tuple_builder_put(
    _ctx: *mut HPyContext,
    builder: hpy_sys::HPyTupleBuilder,
    index: usize,
    item: HPy,
) {
    let tuple = builder._tup as *mut cpy_PyObject;
    // SAFETY: per the contract; a failed builder (NULL) drops the item.
    unsafe {
        if tuple.is_null() {
            hpy_sys::cpython::Py_DECREF(_h2py(item));
            return;
        }
        let items = hpy_sys::cpython::_PyTuple_ITEMS(tuple).cast_mut();
        *items.add(index) = _h2py(item);
    }
}

// ---- what `Handle::iter` reads (iter.rs) ----

/// `None`: a `range` is read through its iterator in this ABI
/// (`PyIter_Next` needs no call of the builtin `next`). The universal
/// ABI's computes its items instead (`range_type` is not called).
#[inline(always)]
pub(crate) fn range_parts<'ctx>(
    _: &crate::Handle<'ctx>,
    _range_type: impl FnOnce(crate::Context<'ctx>) -> HPyResult<crate::Handle<'ctx>>,
) -> HPyResult<Option<(isize, isize, usize)>> {
    Ok(None)
}

/// Whether `obj` is exactly a `list` or a `tuple`, read from its item array
/// (`list_or_tuple_item`, which checks the index against the current length
/// at every step, as the list's iterator does) without making an iterator
/// or calling `tp_iternext` per item.
#[inline(always)]
pub(crate) fn reads_by_index(obj: &crate::Handle<'_>) -> bool {
    // SAFETY: a live handle.
    unsafe { list_or_tuple_items(obj.as_raw()) }.is_some()
}

/// The item `i` of the exact list or tuple `seq` (`reads_by_index`), read
/// from its item array; `None` past its current length.
#[inline(always)]
pub(crate) fn indexed_item<'ctx>(
    seq: &crate::Handle<'ctx>,
    i: isize,
) -> Option<HPyResult<crate::Handle<'ctx>>> {
    // SAFETY: a live exact list or tuple (`reads_by_index`); the item comes
    // with a reference of its own.
    let raw = unsafe { list_or_tuple_item(ptr::null_mut(), seq.as_raw(), i as usize) }?;
    // SAFETY: an owned handle of this context.
    Some(Ok(unsafe { crate::Handle::from_raw(seq.context(), raw) }))
}

/// The current length of the exact list or tuple `seq` (`reads_by_index`).
#[inline(always)]
pub(crate) fn indexed_len(seq: &crate::Handle<'_>) -> usize {
    // SAFETY: a live exact list or tuple (`reads_by_index`).
    unsafe { list_or_tuple_items(seq.as_raw()) }.map_or(0, |(_, n)| n)
}

/// Whether `obj` is an instance of the builtin type whose subclass bit
/// (`crate::types::any::type_flag`) is `flag`: HPy's `check`
/// (`HPyUnicode_Check` and its siblings), in this ABI CPython's own inline
/// test of the same bit.
#[inline(always)]
pub(crate) fn has_type_flag(
    obj: &crate::Handle<'_>,
    _flag: core::ffi::c_ulong,
    check: unsafe fn(*mut HPyContext, HPy) -> core::ffi::c_int,
) -> bool {
    // SAFETY: a live handle of its context; the check cannot fail.
    unsafe { check(obj.context().as_raw(), obj.as_raw()) != 0 }
}

/// The characters of a compact ASCII `str` where the universal ABI reads
/// them in place; `None` in this ABI, whose `HPyUnicode_AsUTF8AndSize` is
/// CPython's own function.
///
/// # Safety
/// `obj` is a live handle of `ctx` to a `str`.
#[inline(always)]
pub(crate) unsafe fn ascii_str_bytes<'a>(_ctx: *mut HPyContext, _obj: HPy) -> Option<&'a [u8]> {
    None
}

/// What [`crate::Handle::builtin_kind`] answers, from the object's type
/// pointer and its `tp_flags` (CPython's `Py_TPFLAGS_*_SUBCLASS` bits),
/// as CPython's own `PyLong_Check` and its siblings decide; a subclass of
/// `float`, which has no bit, by walking the type's bases. Always `Some`
/// in this ABI.
#[inline(always)]
pub(crate) fn builtin_kind(obj: &crate::Handle<'_>) -> Option<crate::BuiltinKind> {
    use hpy_sys::cpython::ffi::{PyTypeObject, PyType_IsSubtype};
    // SAFETY: a live object and its live type; the constants are objects
    // that live as long as the interpreter (no context is needed to read
    // them in this ABI).
    unsafe {
        let o = _h2py(obj.as_raw());
        let t = hpy_sys::cpython::Py_TYPE(o).cast::<PyTypeObject>();
        let constant = |c| hpy_sys::HPy_GetConstant(ptr::null_mut(), c)._i;
        let kind =
            crate::types::any::classify_builtin(o as isize, t as isize, (*t).tp_flags, constant);
        Some(kind.unwrap_or_else(|| {
            let float = constant(hpy_sys::HPyConstant::FloatType) as *mut PyTypeObject;
            if PyType_IsSubtype(t, float) != 0 {
                crate::BuiltinKind::Float
            } else {
                crate::BuiltinKind::Other
            }
        }))
    }
}

/// Whether [`dict_next`] reads `dict` in place: it is an exact `dict`.
///
/// # Safety
/// `dict` is a live handle to a `dict`.
#[inline(always)]
pub unsafe fn dict_reads_in_place(_ctx: *mut HPyContext, dict: HPy) -> bool {
    // SAFETY: a live object (contract).
    unsafe { is_exact_dict(dict) }
}

/// One step of reading an exact `dict`'s items in place (`PyDict_Next`
/// from `*pos`): `Some(1)` with owned handles to the key and the value,
/// `Some(0)` at the end, `Some(-1)` with `RuntimeError` set if the dict no
/// longer holds `len` items; `None` for a subclass of `dict`, whose items
/// are read through its keys and `__getitem__`.
///
/// # Safety
/// `dict` is a live handle to a `dict`.
#[inline(always)]
pub unsafe fn dict_next(
    _ctx: *mut HPyContext,
    dict: HPy,
    pos: &mut isize,
    len: isize,
    key: &mut HPy,
    value: &mut HPy,
) -> Option<c_int> {
    use hpy_sys::cpython::ffi;
    // SAFETY: a live dict (contract). `PyDict_Next` reads the dict's
    // current entry table bounded by its current size, whatever Python
    // code did to the dict since `*pos` was written; the borrowed key and
    // value get references of their own before any Python code runs.
    unsafe {
        if !is_exact_dict(dict) {
            return None;
        }
        let d = _h2py(dict);
        if ffi::PyDict_Size(d) != len {
            ffi::PyErr_SetString(
                ffi::PyExc_RuntimeError,
                c"dictionary changed size during iteration".as_ptr(),
            );
            return Some(-1);
        }
        let mut k = ptr::null_mut();
        let mut v = ptr::null_mut();
        if ffi::PyDict_Next(d, pos, &mut k, &mut v) == 0 {
            return Some(0);
        }
        hpy_sys::cpython::Py_INCREF(k);
        hpy_sys::cpython::Py_INCREF(v);
        *key = _py2h(k);
        *value = _py2h(v);
        Some(1)
    }
}

/// `PyList_Sort(list)`: the `list` type's own sort, in place: `Some(0)`,
/// or `Some(-1)` with an exception set. Always `Some` in this ABI.
///
/// # Safety
/// `list` is a live handle to a `list`.
#[inline(always)]
pub unsafe fn list_sort(_ctx: *mut HPyContext, list: HPy) -> Option<c_int> {
    // SAFETY: a live list (contract).
    Some(unsafe { hpy_sys::cpython::ffi::PyList_Sort(_h2py(list)) })
}
