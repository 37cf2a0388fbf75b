//! What a data block records about its classes ([`BlockTag`]), in words
//! whose room the ABI decides (`abi::TagWord`: none in the CPython ABI,
//! where no receiver needs checking). Written with the block
//! (`data.rs`), checked and obeyed by `creator.rs`.

use crate::abi::TagWord;

/// A block's record of its classes (see `creator.rs` for why).
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct BlockTag {
    /// The class whose block this is.
    pub(super) own: TagWord,
    /// In the first block: the class that made the instance (0 until it
    /// was made by hpy-rs's `__new__`).
    pub(super) creator: TagWord,
}

impl BlockTag {
    /// The tag of a block written by the class whose identity is `own`
    /// (`data::class_id`), for an instance not yet made.
    #[inline(always)]
    pub(super) const fn new(own: usize) -> Self {
        BlockTag {
            own: TagWord::new(own),
            creator: TagWord::new(0),
        }
    }
}
