//! The cache that lets a `TypedField` be read with no HPy call: one
//! [`CacheEntry`] per `Field` slot, in the owner's block after its slots.
//! What an entry means for a class is in `typed.rs`; where the cache is in
//! a block, `layout.rs`.

/// One entry of an instance's cache of `TypedField` targets: the
/// `ClassData` block of the object in the slot of the same number, and its
/// class (the address of the class's `TypeSlot` static); an all-zero entry
/// says "not stored through a `TypedField`".
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CacheEntry {
    pub(crate) block: *const u8,
    pub(crate) class: usize,
}

impl CacheEntry {
    /// The entry of an untyped slot.
    pub(crate) const EMPTY: CacheEntry = CacheEntry {
        block: core::ptr::null(),
        class: 0,
    };

    /// Whether the slot was stored through a `TypedField`.
    #[inline(always)]
    pub(crate) fn is_typed(&self) -> bool {
        !self.block.is_null()
    }
}

impl Default for CacheEntry {
    fn default() -> Self {
        CacheEntry::EMPTY
    }
}
