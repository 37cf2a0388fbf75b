//! [`Field`]: an object reference kept by an instance, in a slot the
//! garbage collector sees, and [`FieldSlots`], how many slots a type needs.

use core::cell::Cell;
use core::marker::PhantomData;
use core::ptr::NonNull;

use hpy_sys::{HPy, HPyField};

use super::cache::CacheEntry;
use super::{ClassData, HPyClass};
use crate::Handle;

#[cfg(doc)]
use super::Ref;

/// A reference to a Python object kept by an instance of a class
/// (`HPyField`). The garbage collector sees it (the class's `tp_traverse`
/// visits every object its instances keep), so reference cycles through
/// Rust objects are collected.
///
/// A `Field` is read and written through the borrow guard of the object
/// that contains it ([`Ref::load`], [`Ref::store`]), which knows that
/// object's handle as HPy requires.
///
/// The object reference itself lives in a slot of the instance, outside the
/// Rust value; a `Field` names its slot. Moving a `Field` (`mem::take`,
/// `mem::swap`, assigning a new one) moves only that name, so no object
/// reference can leave its instance, and the collector always finds every
/// one. A `Field` whose object is replaced by `Field::new()` keeps its slot
/// (and the object) until the instance dies; store `None` first to let go
/// of the object sooner.
///
/// A class has one slot per `Field` its type can hold: a `Field` field, an
/// `Option<Field>`, an array of them, or a type implementing
/// [`FieldSlots`](super::FieldSlots).
pub struct Field {
    /// 0: no slot (empty); k: the instance's slot k - 1.
    slot: SlotCell,
    /// What makes `Field` (and a class holding one) not `Sync`: its name is
    /// what a compiler error about sharing the class with another thread
    /// shows.
    _not_sync: PhantomData<Cell<CopyPlainDataOutBeforeSharing>>,
}

/// The type a `Sync` error about a class with a [`Field`] names: read the
/// plain data out of the object (`let x = self.x;`) and send that to the
/// other thread.
#[doc(hidden)]
pub enum CopyPlainDataOutBeforeSharing {}

/// The slot number of a [`Field`]: a `Cell` that does not make `Field`
/// name it in `Sync` errors (the `_not_sync` marker does that).
///
/// A whole word, not a `u32`: a class value holding a 4-byte `Field` next
/// to 8-byte data has a padding hole, and moving a `WithFields` (value and
/// pending objects) through the call wrapper compiled to some thirty
/// 4-byte loads and stores where a word each suffices (`bench/object-twins`:
/// `make_term` through hpy_rs_universal 24 instructions fewer per call on
/// CPython 3.11 and 3.14; docs/perf/objects.md).
struct SlotCell(Cell<usize>);

// SAFETY: a `SlotCell` is only ever a private field of `Field`, which is
// not `Sync` (its `_not_sync` marker), so no `&SlotCell` is shared between
// threads.
unsafe impl Sync for SlotCell {}

impl core::ops::Deref for SlotCell {
    type Target = Cell<usize>;

    fn deref(&self) -> &Cell<usize> {
        &self.0
    }
}

impl Field {
    /// An empty field.
    pub const fn new() -> Self {
        Field {
            slot: SlotCell(Cell::new(0)),
            _not_sync: PhantomData,
        }
    }

    /// The number this field names its slot by: k for slot k - 1, 0 for
    /// none (a number from another instance may name any slot).
    pub(crate) fn slot_number(&self) -> usize {
        self.slot.get()
    }

    /// Names slot `k - 1` (0: none), for a value not in an instance yet
    /// (`WithFields`, whose objects are stored by slot number).
    pub(crate) fn name_slot(&self, k: usize) {
        self.slot.set(k);
    }

    /// Whether the field holds no object.
    pub fn is_empty(&self) -> bool {
        self.slot.get() == 0
    }

    fn check_inside<T: HPyClass>(&self, data: NonNull<ClassData<T>>) {
        // SAFETY: a field projection of a live block, nothing is read.
        let start = unsafe { ClassData::value_ptr(data.as_ptr()) } as usize;
        let end = start + core::mem::size_of::<T>();
        let me = self as *const Field as usize;
        assert!(
            (start..end).contains(&me),
            "hpy::Field used with an object that does not contain it"
        );
    }

    /// The slot this field names in `data`'s instance, if it names one.
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`.
    unsafe fn slot_in<T: HPyClass>(&self, data: NonNull<ClassData<T>>) -> Option<*mut HPyField> {
        let k = self.slot.get();
        // A field moved in from another instance may name any number: only
        // this instance's own slots are ever touched.
        // SAFETY: forwarded; slot k - 1 < FIELD_SLOTS is within the block.
        (k != 0 && k <= T::FIELD_SLOTS)
            .then(|| unsafe { ClassData::slots(data.as_ptr()).add(k - 1) })
    }

    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`.
    pub(super) unsafe fn load_from<'ctx, T: HPyClass>(
        &self,
        owner: &Handle<'ctx>,
        data: NonNull<ClassData<T>>,
    ) -> Option<Handle<'ctx>> {
        self.check_inside(data);
        // SAFETY: forwarded.
        let slot = unsafe { self.slot_in(data) }?;
        // SAFETY: a slot of `owner`'s block: zero (empty) or stored by HPy.
        let raw = unsafe { *slot };
        if raw._i == 0 {
            return None;
        }
        let ctx = owner.context();
        // SAFETY: a non-empty field of `owner`; the result is a new owned
        // handle.
        unsafe {
            let h = hpy_sys::HPyField_Load(ctx.as_raw(), owner.as_raw(), raw);
            Some(Handle::from_raw(ctx, h))
        }
    }

    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`.
    pub(super) unsafe fn store_into<'ctx, T: HPyClass>(
        &self,
        owner: &Handle<'ctx>,
        data: NonNull<ClassData<T>>,
        value: Option<&Handle<'ctx>>,
    ) {
        let raw = value.map_or(hpy_sys::HPy_NULL, Handle::as_raw);
        // SAFETY: forwarded; `raw` is NULL or a live handle.
        unsafe { self.store_raw(owner, data, raw) }
    }

    /// `store_into` with the value as a raw handle (NULL: clear).
    ///
    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`;
    /// `value` is NULL or a handle valid in `owner`'s context.
    pub(crate) unsafe fn store_raw<T: HPyClass>(
        &self,
        owner: &Handle<'_>,
        data: NonNull<ClassData<T>>,
        value: HPy,
    ) {
        self.check_inside(data);
        // SAFETY: forwarded; checked just above to be inside.
        unsafe { self.store_inside(owner, data, value) }
    }

    /// `store_raw` for a field known to be inside `data`'s value.
    ///
    /// # Safety
    /// As `store_raw`, and `self` is a field of `data`'s value.
    #[inline(always)]
    pub(crate) unsafe fn store_inside<T: HPyClass>(
        &self,
        owner: &Handle<'_>,
        data: NonNull<ClassData<T>>,
        value: HPy,
    ) {
        let clear = value._i == 0;
        // A name moved in from another instance may name a slot that keeps
        // a `TypedField`'s object here: not this field's to overwrite (a
        // `&U` read from it may be alive).
        // SAFETY: forwarded; `holds_typed` is given slots of the block.
        let Some(slot) =
            (unsafe { self.slot_for_store(data, clear, |slot| holds_typed(data, slot)) })
        else {
            return;
        };
        // SAFETY: forwarded; a slot of the block, chosen for this name.
        unsafe { self.write_slot(owner, data, slot, value) };
    }

    /// Stores `value` (NULL: clears) in `slot`, its cache entry emptied
    /// first (the store may release the previous object and run code); a
    /// cleared slot is free again, and this name forgets it.
    ///
    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`; `slot`
    /// is one of its slots, chosen for this name by `slot_for_store`;
    /// `value` is NULL or a handle valid in `owner`'s context.
    #[inline(always)]
    unsafe fn write_slot<T: HPyClass>(
        &self,
        owner: &Handle<'_>,
        data: NonNull<ClassData<T>>,
        slot: *mut HPyField,
        value: HPy,
    ) {
        // SAFETY: forwarded.
        unsafe { set_entry(data, slot, CacheEntry::EMPTY) };
        let ctx = owner.context();
        // SAFETY: a slot of `owner`'s block; HPy takes its own reference to
        // `value` and releases the previous one.
        unsafe { hpy_sys::HPyField_Store(ctx.as_raw(), owner.as_raw(), slot, value) }
        if value._i == 0 {
            self.slot.set(0);
        }
    }

    /// Stores `value` (NULL: clears) through a [`TypedField`](super::TypedField)
    /// whose name this is, with `entry` naming its block and class (only
    /// the class when clearing): the slot and its cache entry change
    /// together.
    ///
    /// # Safety
    /// As `store_inside`; moreover no `&U` read from this instance's cache
    /// is alive (the owner is borrowed exclusively, or not yet shared).
    pub(crate) unsafe fn store_typed<T: HPyClass>(
        &self,
        owner: &Handle<'_>,
        data: NonNull<ClassData<T>>,
        value: HPy,
        entry: CacheEntry,
    ) {
        assert!(
            T::TYPED_FIELDS,
            "hpy::TypedField: {} has no cache for TypedFields: a FieldSlots type holding one \
             must say `const TYPED: bool = true`",
            T::INFO.python_name()
        );
        let clear = value._i == 0;
        // A name moved in from another instance may name a slot that keeps
        // a `Field`'s object here, or another class's: left to the field
        // that stored it.
        // SAFETY: forwarded; the test reads slots of the block and their
        // entries (the class has the cache: asserted above).
        let Some(slot) = (unsafe {
            self.slot_for_store(data, clear, |slot| {
                (*slot)._i != 0 && (*entry_of(data, slot)).class != entry.class
            })
        }) else {
            return;
        };
        // SAFETY: forwarded; a slot of the block, chosen for this name. The
        // entry names the new object only once the slot holds it.
        unsafe { self.write_slot(owner, data, slot, value) };
        if !clear {
            // SAFETY: forwarded; the slot now holds the object of `entry`.
            unsafe { set_entry(data, slot, entry) };
        }
    }

    /// The slot number of this field in `data`'s instance and its cache
    /// entry, if it names a slot and the class has the cache.
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`.
    #[inline(always)]
    pub(crate) unsafe fn entry_in<T: HPyClass>(
        &self,
        data: NonNull<ClassData<T>>,
    ) -> Option<CacheEntry> {
        if !T::TYPED_FIELDS {
            return None;
        }
        // SAFETY: forwarded.
        let slot = unsafe { self.slot_in(data) }?;
        // SAFETY: a slot of the block, zero or stored by HPy.
        if unsafe { (*slot)._i } == 0 {
            return None;
        }
        // SAFETY: forwarded; the slot's own entry.
        Some(unsafe { *entry_of(data, slot) })
    }

    /// The object in the slot this field names in `data`'s instance and
    /// the slot's cache entry ([`CacheEntry::EMPTY`] in a class without the
    /// cache), read in place: `None` if it names no slot or an empty one.
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`.
    #[inline(always)]
    pub(crate) unsafe fn held_in<T: HPyClass>(
        &self,
        data: NonNull<ClassData<T>>,
    ) -> Option<(HPyField, CacheEntry)> {
        // SAFETY: forwarded.
        let slot = unsafe { self.slot_in(data) }?;
        // SAFETY: a slot of the block, zero or stored by HPy.
        let raw = unsafe { *slot };
        if raw._i == 0 {
            return None;
        }
        let entry = if T::TYPED_FIELDS {
            // SAFETY: forwarded; the slot's own entry (the class has the
            // cache).
            unsafe { *entry_of(data, slot) }
        } else {
            CacheEntry::EMPTY
        };
        Some((raw, entry))
    }

    /// Panics unless this field lies in `data`'s value.
    pub(crate) fn check_inside_of<T: HPyClass>(&self, data: NonNull<ClassData<T>>) {
        self.check_inside(data)
    }

    /// The slot a store through this name writes: its own, unless
    /// `taken` says that slot keeps another field's object (the name was
    /// moved in from another instance), then a free one; `None` for a
    /// clear that has nothing to store (the name is forgotten).
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`; `taken` is
    /// called with a slot of that block.
    #[inline(always)]
    unsafe fn slot_for_store<T: HPyClass>(
        &self,
        data: NonNull<ClassData<T>>,
        clear: bool,
        taken: impl FnOnce(*mut HPyField) -> bool,
    ) -> Option<*mut HPyField> {
        // SAFETY: forwarded.
        match unsafe { self.slot_in(data) } {
            Some(slot) if !taken(slot) => Some(slot),
            _ if clear => {
                self.slot.set(0);
                None
            }
            // SAFETY: forwarded.
            _ => Some(unsafe { self.claim_slot(data) }),
        }
    }

    /// Gives this field a free (empty) slot of `data`'s instance.
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`.
    unsafe fn claim_slot<T: HPyClass>(&self, data: NonNull<ClassData<T>>) -> *mut HPyField {
        for k in 0..T::FIELD_SLOTS {
            // SAFETY: forwarded; k < FIELD_SLOTS.
            let slot = unsafe { ClassData::slots(data.as_ptr()).add(k) };
            // SAFETY: a slot of the block, zero or stored by HPy.
            if unsafe { (*slot)._i } == 0 {
                self.slot.set(k + 1);
                return slot;
            }
        }
        panic!(
            "hpy::Field: every Field slot of this {} object is in use ({}): a class has one \
             slot per Field its type declares (a Field, an Option<Field> or an array of them, \
             or a type that implements hpy::FieldSlots)",
            T::INFO.python_name(),
            T::FIELD_SLOTS
        )
    }
}

/// Stores `value` in slot `index` of `owner`, a new instance, handing its
/// reference over to the slot where the ABI can (the CPython ABI: no incref
/// for the store and decref for the handle's close; the universal ABI
/// stores and closes), with its cache entry: `entry` names `value`'s block
/// when it was set through a [`TypedField`](super::TypedField), else it is
/// [`CacheEntry::EMPTY`] (the cache starts zeroed, so nothing is written).
/// With `owned == false`, `value` is a handle somebody else owns (a
/// `WithFields` entry that only borrowed it,
/// [`WithFields::set_typed_borrowed`](super::WithFields::set_typed_borrowed)):
/// the slot takes a reference of its own and `value` stays open.
///
/// # Safety
/// `data` is the whole block of `owner`, a new instance of `T` seen by
/// nobody else yet; `index < T::FIELD_SLOTS` and the slot is empty; a
/// typed `entry` is `value`'s, and only in a class with the cache; a
/// borrowed `value` stays open during the call.
#[inline(always)]
pub(crate) unsafe fn store_new_slot<T: HPyClass>(
    owner: &Handle<'_>,
    data: NonNull<ClassData<T>>,
    index: usize,
    value: Handle<'_>,
    owned: bool,
    entry: CacheEntry,
) {
    debug_assert!(index < T::FIELD_SLOTS);
    let ctx = owner.context();
    // SAFETY: an empty slot of `owner`'s block (contract); `value` is an
    // owned handle of the call's context, given up here, or a borrowed one
    // left open (`forget`: its owner closes it); the entry, when typed,
    // goes to the slot's own place in the cache (the class has one:
    // `WithFields::set_typed` checked it).
    unsafe {
        let slot = ClassData::slots(data.as_ptr()).add(index);
        if owned {
            crate::abi::field_store_owned(ctx.as_raw(), owner.as_raw(), slot, value.into_raw());
        } else {
            crate::abi::field_store_borrowed(ctx.as_raw(), owner.as_raw(), slot, value.as_raw());
            core::mem::forget(value);
        }
        if T::TYPED_FIELDS && entry.is_typed() {
            *entry_of(data, slot) = entry;
        }
    }
}

impl Default for Field {
    fn default() -> Self {
        Field::new()
    }
}

/// The cache entry of `slot`, one of `data`'s `Field` slots.
///
/// # Safety
/// `data` is the whole block of a live instance of a class with
/// `TYPED_FIELDS`; `slot` is one of its `Field` slots.
#[inline(always)]
unsafe fn entry_of<T: HPyClass>(
    data: NonNull<ClassData<T>>,
    slot: *mut HPyField,
) -> *mut CacheEntry {
    // SAFETY: forwarded: both pointers are into the same block.
    unsafe {
        let k = slot.offset_from(ClassData::slots(data.as_ptr())) as usize;
        super::layout::typed_cache(data.as_ptr()).add(k)
    }
}

/// Whether `slot` holds an object stored through a `TypedField`.
///
/// # Safety
/// `data` is the whole block of a live instance of `T`; `slot` is one of
/// its `Field` slots.
#[inline(always)]
unsafe fn holds_typed<T: HPyClass>(data: NonNull<ClassData<T>>, slot: *mut HPyField) -> bool {
    // SAFETY: forwarded.
    T::TYPED_FIELDS && unsafe { (*slot)._i != 0 && (*entry_of(data, slot)).is_typed() }
}

/// Sets the cache entry of `slot` (nothing in a class without the cache,
/// where every entry is empty).
///
/// # Safety
/// As [`holds_typed`]; a typed `entry` only in a class with the cache.
#[inline(always)]
unsafe fn set_entry<T: HPyClass>(
    data: NonNull<ClassData<T>>,
    slot: *mut HPyField,
    entry: CacheEntry,
) {
    if T::TYPED_FIELDS {
        // SAFETY: forwarded.
        unsafe { *entry_of(data, slot) = entry };
    }
}

impl super::FieldSlots for Field {
    const COUNT: usize = 1;
}
