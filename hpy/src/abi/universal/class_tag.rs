//! Receivers checked against the class that made the object (issue 25,
//! N1/N2), where the interpreter does not guarantee them.
//!
//! PyPy 7.3.19 lets Python assign `obj.__class__ = Other` between any two
//! HPy classes (CPython refuses unless the layouts match), so a method, a
//! slot or `tp_destroy` of `Other` can be handed an object whose data was
//! written by another class. It also destroys an object that its `__del__`
//! brought back to life. Each data block therefore records which class
//! wrote it, and the first block which class made the instance: the words
//! of `class::tag::BlockTag`, checked by `class/creator.rs`. This file
//! gives the words their room and says which hosts need no check.

use hpy_sys::HPyContext;

/// One word of a block's tag (`class::tag::BlockTag`): a class's identity
/// (the address of its `TypeSlot`), or 0.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct TagWord(usize);

impl TagWord {
    /// A word holding `value`.
    #[inline(always)]
    pub(crate) const fn new(value: usize) -> Self {
        TagWord(value)
    }

    /// The value kept.
    #[inline(always)]
    pub(crate) const fn get(self) -> usize {
        self.0
    }
}

/// Whether blocks record their classes and receivers are checked against
/// them: yes, some hosts of this ABI let an object change class (see the
/// module doc).
pub(crate) const BLOCKS_RECORD_CLASSES: bool = true;

/// Whether the host running `ctx` keeps each object's class and destroys
/// an object once, so that no receiver needs a check: hpy_rs_universal's
/// plain context, which is CPython with hpy-rs's own runtime as in the
/// CPython ABI (its types are immutable, so `__class__` is never assigned,
/// and an object is destroyed only once nothing references it).
#[inline(always)]
pub(crate) fn classes_are_fixed(ctx: *mut HPyContext) -> bool {
    super::plain_ext::fast(ctx).is_some()
}
