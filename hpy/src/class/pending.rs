//! What a [`WithFields`](super::WithFields) keeps until the instance
//! exists: its objects ([`PendingFields`]) and, for a class with
//! `TypedField`s, their cache entries ([`PendingTypedStore`]).

use core::mem::MaybeUninit;

use super::cache::CacheEntry;
use crate::Handle;

/// How many of a [`WithFields`](super::WithFields)'s objects are kept inline (the rest go to
/// a `Vec`). Four covers the common shapes (a parent, a name and a context,
/// a few inline references: kiwisolver's `Expression` keeps up to four
/// variables): a heap `Vec` for the second object on cost a `malloc` and a
/// `free` per instance, about a sixth of creating one (callgrind,
/// `bench/object-costs`), where moving four more words costs a few
/// instructions.
pub(crate) const INLINE_FIELDS: usize = 4;

/// The objects a [`WithFields`] will store: (offset of the `Field` in the
/// value, with [`TYPED_ENTRY`] set for a `TypedField`'s, object), the
/// first [`INLINE_FIELDS`] inline, in order. The
/// inline entries are kept without an `Option` tag each: `len` says how
/// many are written, so storing them is a loop the compiler unrolls (or
/// folds, when the number of `set`s is known), with no tag to test and no
/// array of options to drop.
pub(crate) type Pending<'ctx> = (usize, Handle<'ctx>);

pub(crate) struct PendingFields<'ctx> {
    /// Entries `0..min(len, INLINE_FIELDS)` are written.
    inline: [MaybeUninit<Pending<'ctx>>; INLINE_FIELDS],
    len: usize,
    rest: Vec<Pending<'ctx>>,
}

impl<'ctx> PendingFields<'ctx> {
    #[inline(always)]
    pub(super) fn new() -> Self {
        PendingFields {
            inline: [const { MaybeUninit::uninit() }; INLINE_FIELDS],
            len: 0,
            rest: Vec::new(),
        }
    }

    #[inline(always)]
    pub(super) fn push(&mut self, entry: Pending<'ctx>) {
        match self.inline.get_mut(self.len) {
            Some(free) => {
                free.write(entry);
            }
            None => self.rest.push(entry),
        }
        self.len += 1;
    }

    /// How many objects were set.
    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Calls `f` with each (index, offset, object), in the order they
    /// were set, handing over each object, and leaves the list empty.
    /// Through `&mut`, so that the list is read where it lies (a builder
    /// moved by value is a `memcpy` of its whole inline array each time).
    #[inline(always)]
    pub(crate) fn drain(&mut self, mut f: impl FnMut(usize, usize, Handle<'ctx>)) {
        let inline = self.len.min(INLINE_FIELDS);
        let spilled = self.len > INLINE_FIELDS;
        // Emptied first: each entry is read once below, and a panic in `f`
        // leaks the entries not read yet instead of dropping them twice.
        self.len = 0;
        for (index, entry) in self.inline[..inline].iter().enumerate() {
            // SAFETY: entries below the old `len` are written, and each is
            // read once: `len` is 0 now, so `drop` reads none of them.
            let (offset, h) = unsafe { entry.assume_init_read() };
            f(index, offset, h);
        }
        if spilled {
            for (i, (offset, h)) in core::mem::take(&mut self.rest).into_iter().enumerate() {
                f(INLINE_FIELDS + i, offset, h);
            }
        }
    }
}

impl Drop for PendingFields<'_> {
    /// Closes the objects of a `WithFields` that made no instance.
    fn drop(&mut self) {
        let inline = self.len.min(INLINE_FIELDS);
        for entry in &mut self.inline[..inline] {
            // SAFETY: entries below `len` are written, dropped once here.
            unsafe { entry.assume_init_drop() };
        }
    }
}

/// Marks the offset of a `WithFields` entry stored through a `TypedField`
/// (its cache entry is in the builder's `TypedPending`). No value is that
/// large.
pub(crate) const TYPED_ENTRY: usize = 1 << (usize::BITS - 1);

/// Where a [`WithFields`](super::WithFields) keeps the cache entries of the objects it will
/// store in `TypedField`s, by their index among its objects: nothing for a
/// class without `TypedField`s (`HPyClass::TypedPending`, chosen by
/// `#[hpy_class]` through [`PickTypedPending`]).
pub trait PendingTypedStore: Default {
    /// Keeps `entry` for the object with index `index`.
    fn put(&mut self, index: usize, entry: CacheEntry);
    /// The entry kept for `index` (empty if none).
    fn get(&self, index: usize) -> CacheEntry;
}

/// The [`PendingTypedStore`] of a class without `TypedField`s: nothing.
#[derive(Default)]
pub struct NoTypedPending;

impl PendingTypedStore for NoTypedPending {
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
/// inline object of the builder, the rest in a `Vec`.
#[derive(Default)]
pub struct TypedPendingEntries {
    inline: [CacheEntry; INLINE_FIELDS],
    rest: Vec<CacheEntry>,
}

impl PendingTypedStore for TypedPendingEntries {
    #[inline(always)]
    fn put(&mut self, index: usize, entry: CacheEntry) {
        match self.inline.get_mut(index) {
            Some(slot) => *slot = entry,
            None => {
                let i = index - self.inline.len();
                if self.rest.len() <= i {
                    self.rest.resize(i + 1, CacheEntry::EMPTY);
                }
                self.rest[i] = entry;
            }
        }
    }

    #[inline(always)]
    fn get(&self, index: usize) -> CacheEntry {
        match self.inline.get(index) {
            Some(entry) => *entry,
            None => self
                .rest
                .get(index - self.inline.len())
                .copied()
                .unwrap_or(CacheEntry::EMPTY),
        }
    }
}

/// Chooses a class's [`PendingTypedStore`] from whether it has
/// `TypedField`s: `<PickTyped<{ TYPED_FIELDS }> as PickTypedPending>::Store`.
pub struct PickTyped<const TYPED: bool>;

/// See [`PickTyped`].
pub trait PickTypedPending {
    /// The store.
    type Store: PendingTypedStore;
}

impl PickTypedPending for PickTyped<false> {
    type Store = NoTypedPending;
}

impl PickTypedPending for PickTyped<true> {
    type Store = TypedPendingEntries;
}
