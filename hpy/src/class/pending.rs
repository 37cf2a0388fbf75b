//! What a [`WithFields`](super::WithFields) keeps until the instance
//! exists: its objects ([`PendingFields`]) and, for a class with
//! `TypedField`s, their cache entries ([`PendingTypedStore`]).

use core::mem::MaybeUninit;

use super::cache::CacheEntry;
use crate::Handle;

/// An object a [`WithFields`](super::WithFields) will store: the offset of
/// its `Field` in the value (with [`TYPED_ENTRY`] set for a `TypedField`'s)
/// and the object.
pub(crate) type Pending<'ctx> = (usize, Handle<'ctx>);

/// What a [`WithFields`](super::WithFields) keeps until its instance
/// exists: its objects, with room for exactly as many as the class has
/// `Field` slots (`HPyClass::FIELD_SLOTS`, chosen by `#[hpy_class]`
/// through [`PickPending`]), and the cache entries of those set through
/// `TypedField`s (`C`: nothing for a class without `TypedField`s). Sized
/// to the class, a builder is as small as its value allows: a class with
/// one `Field` keeps one entry, and returning its builder by value moves a
/// few words (a fixed inline array of four entries and a spill `Vec`, as
/// before, was a `memcpy` of some two hundred bytes on every move).
///
/// Setting a `Field` that already has an object replaces that object (the
/// earlier one is closed), so the entries never outnumber the slots.
pub struct PendingFields<'ctx, const N: usize, C> {
    /// Entries `0..len` are written.
    entries: [MaybeUninit<Pending<'ctx>>; N],
    len: usize,
    typed: C,
}

/// The [`PendingFields`] a class's `WithFields` uses, named through
/// `HPyClass::Pending` (a trait, so that `WithFields<'ctx, T>` can name
/// the list of any class without its size in its type).
pub trait PendingList<'ctx> {
    /// An empty list.
    #[doc(hidden)]
    fn new() -> Self;
    /// Adds the object for the `Field` at `offset` in the value (tagged
    /// with [`TYPED_ENTRY`] for a `TypedField`, then with its cache entry),
    /// which names slot number `named` (its `Field::slot_number`),
    /// replacing the one already set for that `Field`. Returns the number
    /// the `Field` must name from now on: its entry's index + 1, the slot
    /// the object will have in the instance, so that the instance is
    /// filled slot by slot with no search (see [`drain`](Self::drain)).
    #[doc(hidden)]
    fn push(&mut self, named: usize, offset: usize, obj: Handle<'ctx>, entry: CacheEntry) -> usize;
    /// How many objects it holds.
    #[doc(hidden)]
    fn len(&self) -> usize;
    /// Whether it holds none.
    #[doc(hidden)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Calls `f` with each (slot index, object, cache entry), handing over
    /// each object, and leaves the list empty. The indices are distinct and
    /// below the class's `FIELD_SLOTS` (`N`), and the `Field` each object
    /// was set for names that slot. Through `&mut`, so that the list is
    /// read where it lies.
    #[doc(hidden)]
    fn drain(&mut self, f: impl FnMut(usize, Handle<'ctx>, bool, CacheEntry));
}

impl<'ctx, const N: usize, C: PendingTypedStore> PendingList<'ctx> for PendingFields<'ctx, N, C> {
    #[inline(always)]
    fn new() -> Self {
        PendingFields {
            entries: [const { MaybeUninit::uninit() }; N],
            len: 0,
            typed: C::EMPTY,
        }
    }

    #[inline(always)]
    fn push(&mut self, named: usize, offset: usize, obj: Handle<'ctx>, entry: CacheEntry) -> usize {
        // The field was set before if it names an entry of this list that
        // is for the same place in the value; any other name (none, or one
        // moved in from another instance) gets the next free entry.
        let index = if named != 0
            && named <= self.len
            // SAFETY: entries below `len` are written.
            && unsafe { self.entries[named - 1].assume_init_ref() }.0 & !ENTRY_FLAGS
                == offset & !ENTRY_FLAGS
        {
            // SAFETY: written (tested above); replaced by the write below,
            // so released once, here.
            unsafe { release(self.entries[named - 1].assume_init_read()) };
            named - 1
        } else {
            if self.len >= N {
                // A borrowed `obj` must not be closed on the way out.
                release((offset, obj));
                panic!(
                    "WithFields: more Fields set than the class has slots for ({N}): a \
                     FieldSlots type reports fewer Fields than it holds"
                );
            }
            self.len += 1;
            self.len - 1
        };
        self.entries[index].write((offset, obj));
        if offset & TYPED_ENTRY != 0 {
            self.typed.put(index, entry);
        }
        index + 1
    }

    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    fn drain(&mut self, mut f: impl FnMut(usize, Handle<'ctx>, bool, CacheEntry)) {
        let len = self.len;
        // Emptied first: each entry is read once below, and a panic in `f`
        // leaks the entries not read yet instead of dropping them twice.
        self.len = 0;
        for (index, entry) in self.entries[..len].iter().enumerate() {
            // SAFETY: entries below the old `len` are written, and each is
            // read once: `len` is 0 now, so `drop` reads none of them.
            let (offset, h) = unsafe { entry.assume_init_read() };
            let cache = if offset & TYPED_ENTRY != 0 {
                self.typed.get(index)
            } else {
                CacheEntry::EMPTY
            };
            f(index, h, offset & BORROWED_ENTRY == 0, cache);
        }
    }
}

impl<const N: usize, C> Drop for PendingFields<'_, N, C> {
    /// Closes the objects of a `WithFields` that made no instance (those
    /// it only borrowed are left to their owners).
    fn drop(&mut self) {
        for entry in &self.entries[..self.len] {
            // SAFETY: entries below `len` are written, read once here.
            release(unsafe { entry.assume_init_read() });
        }
    }
}

/// Gives up an entry that was not stored: closes its object, unless the
/// entry only borrowed it ([`BORROWED_ENTRY`]).
#[inline(always)]
fn release((offset, obj): Pending<'_>) {
    if offset & BORROWED_ENTRY != 0 {
        // Borrowed (`WithFields::set_typed_borrowed`): its owner closes it.
        core::mem::forget(obj);
    }
}

/// Marks the offset of a `WithFields` entry stored through a `TypedField`
/// (its cache entry is in the list's [`PendingTypedStore`]). No value is
/// that large.
pub(crate) const TYPED_ENTRY: usize = 1 << (usize::BITS - 1);

/// Marks the offset of a `WithFields` entry whose handle the builder only
/// borrows (`WithFields::set_typed_borrowed`, whose result carries the
/// borrow's lifetime): it is never closed through the list; storing it
/// takes a new reference (`Field::store_new_owned` with `owned == false`).
pub(crate) const BORROWED_ENTRY: usize = 1 << (usize::BITS - 2);

/// The flag bits of an entry's offset.
pub(crate) const ENTRY_FLAGS: usize = TYPED_ENTRY | BORROWED_ENTRY;

/// Where a [`PendingFields`] keeps the cache entries of the objects it will
/// store in `TypedField`s, by their index among its objects: nothing for a
/// class without `TypedField`s ([`NoTypedPending`]), an entry per slot for
/// the others.
pub trait PendingTypedStore {
    /// The store with no entry.
    const EMPTY: Self;
    /// Keeps `entry` for the object with index `index`.
    fn put(&mut self, index: usize, entry: CacheEntry);
    /// The entry kept for `index` (empty if none).
    fn get(&self, index: usize) -> CacheEntry;
}

/// The [`PendingTypedStore`] of a class without `TypedField`s: nothing.
pub struct NoTypedPending;

impl PendingTypedStore for NoTypedPending {
    const EMPTY: Self = NoTypedPending;

    #[inline(always)]
    fn put(&mut self, _: usize, _: CacheEntry) {
        unreachable!("a class without TypedFields never sets one (`set_typed` checks it first)")
    }

    #[inline(always)]
    fn get(&self, _: usize) -> CacheEntry {
        CacheEntry::EMPTY
    }
}

/// The [`PendingTypedStore`] of a class with `TypedField`s: an entry per
/// `Field` slot.
impl<const N: usize> PendingTypedStore for [CacheEntry; N] {
    const EMPTY: Self = [CacheEntry::EMPTY; N];

    #[inline(always)]
    fn put(&mut self, index: usize, entry: CacheEntry) {
        self[index] = entry;
    }

    #[inline(always)]
    fn get(&self, index: usize) -> CacheEntry {
        self[index]
    }
}

/// Chooses a class's [`PendingFields`] from its number of `Field` slots
/// and whether it has `TypedField`s:
/// `<PickPending<{ FIELD_SLOTS }, { TYPED_FIELDS }> as PickPendingList>::List<'ctx>`.
pub struct PickPending<const N: usize, const TYPED: bool>;

/// See [`PickPending`].
pub trait PickPendingList {
    /// The list.
    type List<'ctx>: PendingList<'ctx>;
}

impl<const N: usize> PickPendingList for PickPending<N, false> {
    type List<'ctx> = PendingFields<'ctx, N, NoTypedPending>;
}

impl<const N: usize> PickPendingList for PickPending<N, true> {
    type List<'ctx> = PendingFields<'ctx, N, [CacheEntry; N]>;
}
