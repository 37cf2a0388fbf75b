//! Where an instance's data is, the one place that computes it: the start
//! of its data (from a handle, or from the pointer HPy passes to
//! `tp_destroy`/`tp_traverse`), the offset and size of each Rust class's
//! block, the interpreter's slots after it, and how many `Field` slots a
//! block has. `crate::class::ClassData` is the block itself.

use hpy_sys::HPy;

use super::cache::CacheEntry;
use super::info::TPFLAGS_BASETYPE;
use crate::class::{ClassData, HPyClass};
use crate::Context;

/// The instance data of `h`.
///
/// # Safety
/// `h` must be an instance of `T`'s type.
#[inline]
pub unsafe fn as_struct<T: HPyClass>(ctx: Context<'_>, h: HPy) -> *mut ClassData<T> {
    // SAFETY: forwarded; the class's block is `data_offset` into the data.
    unsafe { data_start::<T>(ctx, h).add(T::INFO.data_offset).cast() }
}

/// `T`'s block in the data of `obj`, after checking that it is there
/// where the interpreter does not guarantee it (`abi::check_block`).
///
/// # Safety
/// `obj` must be an instance of `T`'s type.
#[inline(always)]
pub(crate) unsafe fn checked_block<T: HPyClass>(
    obj: &crate::Borrowed<'_, '_>,
) -> crate::HPyResult<*mut ClassData<T>> {
    // SAFETY: forwarded.
    unsafe {
        let start = data_start::<T>(obj.context(), obj.as_raw());
        super::creator::check_block::<T>(obj, start)?;
        Ok(start.add(T::INFO.data_offset).cast())
    }
}

/// The start of the instance data of `h` (the first ancestor's block).
///
/// # Safety
/// `h` must be an instance of `T`'s type.
#[inline]
pub(super) unsafe fn data_start<T: HPyClass>(ctx: Context<'_>, h: HPy) -> *mut u8 {
    let raw = ctx.as_raw();
    if T::INFO.flags & TPFLAGS_BASETYPE != 0 {
        // SAFETY: forwarded.
        if let Some(p) = unsafe { python_subclass_data(ctx, h) } {
            return p;
        }
    }
    // SAFETY: forwarded; the shape picks the matching accessor.
    unsafe {
        (match T::INFO.shape {
            hpy_sys::HPyType_BuiltinShape_Type => hpy_sys::_HPy_AsStruct_Type(raw, h),
            hpy_sys::HPyType_BuiltinShape_Long => hpy_sys::_HPy_AsStruct_Long(raw, h),
            hpy_sys::HPyType_BuiltinShape_Float => hpy_sys::_HPy_AsStruct_Float(raw, h),
            hpy_sys::HPyType_BuiltinShape_Unicode => hpy_sys::_HPy_AsStruct_Unicode(raw, h),
            hpy_sys::HPyType_BuiltinShape_Tuple => hpy_sys::_HPy_AsStruct_Tuple(raw, h),
            hpy_sys::HPyType_BuiltinShape_List => hpy_sys::_HPy_AsStruct_List(raw, h),
            _ => crate::abi::as_struct_object(raw, h),
        })
        .cast()
    }
}

/// CPython's size of `PyObject_HEAD`, padded like HPy's runtime pads it:
/// where the data of a *Python* subclass's instance starts.
const OBJECT_HEADER: usize = 16;

/// The data start of an instance of a *Python* subclass of an hpy-rs class.
///
/// HPy 0.9's CPython runtime reports such subclasses as legacy types (its
/// own `HPy_New` then hands out the object's start, and debug mode refuses
/// `_HPy_AsStruct_Object` on them). Their layout is still the pure one: the
/// data follows the object header. `None` for instances of HPy types.
///
/// # Safety
/// `h` must be an instance of an hpy-rs class or of a subclass.
#[cold]
unsafe fn python_subclass_data(ctx: Context<'_>, h: HPy) -> Option<*mut u8> {
    let raw = ctx.as_raw();
    // SAFETY: valid handles; the type handle is closed before returning.
    unsafe {
        let ty = hpy_sys::HPy_Type(raw, h);
        let shape = hpy_sys::_HPyType_GetBuiltinShape(raw, ty);
        hpy_sys::HPy_Close(raw, ty);
        if shape != hpy_sys::HPyType_BuiltinShape_Legacy {
            return None;
        }
        let start = hpy_sys::_HPy_AsStruct_Legacy(raw, h);
        Some(start.cast::<u8>().add(OBJECT_HEADER))
    }
}

/// The instance data size of `T`: none at all for a zero-sized `T` without
/// drop glue or `Field` slots (it is never read, see `Ref`), else its
/// `ClassData<T>` followed by its `Field` slots, the object slots and, for
/// a class holding `TypedField`s, the cache of their targets.
pub const fn data_size<T: HPyClass>() -> usize {
    if core::mem::size_of::<T>() == 0
        && !core::mem::needs_drop::<T>()
        && T::FIELD_SLOTS == 0
        && object_slots::<T>() == 0
    {
        0
    } else {
        core::mem::size_of::<ClassData<T>>()
            + (T::FIELD_SLOTS + object_slots::<T>()) * core::mem::size_of::<hpy_sys::HPyField>()
            + typed_cache_size::<T>()
    }
}

/// The size of the cache of `TypedField` targets after the object slots:
/// one entry per `Field` slot for a class holding `TypedField`s, else none.
const fn typed_cache_size<T: HPyClass>() -> usize {
    if T::TYPED_FIELDS {
        T::FIELD_SLOTS * core::mem::size_of::<crate::class::CacheEntry>()
    } else {
        0
    }
}

/// How many words after the `Field` slots the interpreter's own slots
/// take: the `__dict__` (`dict`), then the weak reference list
/// (`weakref`).
pub(crate) const fn object_slots<T: HPyClass>() -> usize {
    T::DICT as usize + T::WEAKREF as usize
}

/// The offset of the `__dict__` slot in the instance data.
pub(super) const fn dict_offset<T: HPyClass>() -> usize {
    T::INFO.data_offset
        + core::mem::size_of::<ClassData<T>>()
        + T::FIELD_SLOTS * core::mem::size_of::<hpy_sys::HPyField>()
}

/// The offset of the weak reference list in the instance data.
pub(super) const fn weaklist_offset<T: HPyClass>() -> usize {
    dict_offset::<T>() + T::DICT as usize * core::mem::size_of::<hpy_sys::HPyField>()
}

/// Where the block of a class that `extends` `B` starts: after `B`'s data,
/// aligned for its own block.
pub const fn extends_offset<B: HPyClass, T: HPyClass>() -> usize {
    B::INFO
        .basicsize
        .next_multiple_of(core::mem::align_of::<ClassData<T>>())
}

/// The instance data size of `T` when it `extends` `B` (its block starts
/// at or after the end of `B`'s data).
pub const fn extends_size<B: HPyClass, T: HPyClass>() -> usize {
    extends_offset::<B, T>() + data_size::<T>()
}

/// The block's cache of [`TypedField`](super::TypedField) targets (`T::FIELD_SLOTS`
/// entries), after the object slots; only for a class with
/// `TYPED_FIELDS`.
///
/// # Safety
/// `data` must point to a whole block of an instance of a class with
/// `TYPED_FIELDS`.
pub(crate) unsafe fn typed_cache<T: HPyClass>(data: *mut ClassData<T>) -> *mut CacheEntry {
    debug_assert!(T::TYPED_FIELDS);
    // SAFETY: forwarded; the cache follows the `Field` slots and the
    // object slots (`data_size` counts it).
    unsafe {
        ClassData::slots(data)
            .add(T::FIELD_SLOTS + object_slots::<T>())
            .cast()
    }
}

/// Finds the start of an instance's data from the pointer HPy's runtime
/// passes to `tp_destroy`/`tp_traverse`.
///
/// HPy 0.9's CPython runtime (stock `hpy.universal`) treats a *Python*
/// subclass of a pure HPy type as a legacy type and passes the object's
/// start instead of its data; the data then follows the 16-byte object
/// header. The first data block, whatever its class, starts the data and
/// carries the canary while its value is alive (blocks of zero size take no
/// room, and every block of an instance is written when it is created).
/// Only the first two words at offsets 0 and 16 are read: both lie within
/// the header of a `ClassData` (data start) or within the object header and
/// that header (object start), so nothing past the object and none of the
/// value's bytes are ever read. `None` if no live block is found (then
/// nothing is touched).
///
/// # Safety
/// `raw` must be what HPy passed for an instance of an hpy-rs class with
/// data.
pub(crate) unsafe fn locate_start(raw: *mut core::ffi::c_void) -> Option<*mut u8> {
    for offset in [0, OBJECT_HEADER] {
        // SAFETY: the data holds at least one `ClassData` header (24 bytes),
        // the object a 16-byte header before it: either way the word at
        // `offset` is inside the object and initialised (a header field, or
        // the object header).
        let word = unsafe { core::ptr::read(raw.cast::<u8>().add(offset).cast::<usize>()) };
        if word == crate::class::CANARY {
            // SAFETY: within the object, as above.
            return Some(unsafe { raw.cast::<u8>().add(offset) });
        }
    }
    None
}

/// A reference to a zero-sized value (valid anywhere, aliasing nothing).
#[inline(always)]
pub(super) fn zst_ref<'a, T>() -> &'a mut T {
    debug_assert!(core::mem::size_of::<T>() == 0);
    // SAFETY: `T` is zero-sized, so a dangling, aligned pointer is a valid
    // reference to it, and distinct `&mut` to it access no memory.
    unsafe { core::ptr::NonNull::<T>::dangling().as_mut() }
}
