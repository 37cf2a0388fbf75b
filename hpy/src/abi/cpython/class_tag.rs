//! Receivers in the CPython ABI: nothing to record or check, since CPython
//! refuses `__class__` assignment between hpy-rs classes and never destroys
//! an object its `__del__` kept (the universal ABI's `class_tag.rs` says why
//! a block must record its classes there). What the class runtime does
//! with these is in `class/creator.rs`.

use super::*;

/// One word of a block's tag (`class::tag::BlockTag`): nothing in this
/// ABI, so the tag takes no room in an instance.
#[derive(Clone, Copy)]
pub(crate) struct TagWord;

impl TagWord {
    /// A word holding `value` (here: nothing is kept).
    #[inline(always)]
    pub(crate) const fn new(_value: usize) -> Self {
        TagWord
    }

    /// The value kept (always 0: "no class recorded").
    #[inline(always)]
    pub(crate) const fn get(self) -> usize {
        0
    }
}

/// Whether blocks record their classes and receivers are checked against
/// them: not here (see the module doc).
pub(crate) const BLOCKS_RECORD_CLASSES: bool = false;

/// Whether the host running `ctx` keeps each object's class and destroys
/// an object once: CPython always does.
#[inline(always)]
pub(crate) fn classes_are_fixed(_ctx: *mut HPyContext) -> bool {
    true
}
