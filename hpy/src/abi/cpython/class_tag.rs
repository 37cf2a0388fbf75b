//! Receivers in the CPython ABI: nothing to record or check, since CPython
//! refuses `__class__` assignment between hpy-rs classes and never destroys
//! an object its `__del__` kept (the universal ABI's `class_tag.rs` says why
//! it must record a tag).

use super::*;

/// CPython refuses `obj.__class__ = Other` between hpy-rs classes (their
/// types are immutable, and Python subclasses' layouts differ) and never
/// destroys an object its `__del__` kept: blocks record nothing here, and
/// receivers need no check beyond the interpreter's (see the universal
/// ABI's `class_tag`).
#[derive(Clone, Copy)]
pub(crate) struct BlockTag;

impl BlockTag {
    /// Nothing to record (generic like the universal ABI's).
    #[inline(always)]
    #[allow(clippy::extra_unused_type_parameters)]
    pub(crate) fn of<T: crate::HPyClass>() -> Self {
        BlockTag
    }
}

/// Nothing to record.
///
/// # Safety
/// None here; as in the universal ABI.
#[inline(always)]
pub(crate) unsafe fn tag_instance<T: crate::HPyClass>(_start: *mut u8) {}

/// Nothing to check: the interpreter does.
///
/// # Safety
/// None here; as in the universal ABI.
#[inline(always)]
#[allow(clippy::extra_unused_type_parameters)] // generic like the universal ABI's
pub(crate) unsafe fn check_block<T: crate::HPyClass>(
    _obj: &crate::Borrowed<'_, '_>,
    _start: *mut u8,
) -> HPyResult<()> {
    Ok(())
}

/// Drops the instance's values as `T`'s: the object never changed class.
///
/// # Safety
/// `start` is the data of a dying instance of `T` (or of a subclass).
#[inline(always)]
pub(crate) unsafe fn destroy_instance<T: crate::HPyClass>(start: *mut u8) {
    // SAFETY: forwarded.
    unsafe { crate::class::destroy_chain::<T>(start) }
}
