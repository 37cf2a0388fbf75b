//! Which class made an instance, for the hosts that let an object change
//! class (issue 25, N1/N2: PyPy 7.3.19 lets Python assign
//! `obj.__class__ = Other` between any two HPy classes, and destroys an
//! object that its `__del__` brought back to life): recorded when the
//! instance is made ([`tag_instance`]), checked on every borrow of a
//! receiver ([`check_block`]), obeyed when it is destroyed (`chain.rs`'s
//! `destroy_instance`). Each block's [`BlockTag`](super::tag::BlockTag)
//! records which class wrote it, and the first block which class made the
//! instance (the address of its `TypeSlot`, which also knows the size of
//! its data and how to drop it). Borrowing `T`'s value checks, in one
//! compare on the common path, that `T` made the object; otherwise that
//! the object's data is big enough to hold `T`'s block and that the block
//! there is `T`'s (a Rust subclass's instance, `extends`).
//!
//! Where the ABI needs none of this (`abi::BLOCKS_RECORD_CLASSES` false:
//! the CPython ABI), every function here is empty after constant folding.

use core::mem::size_of;

use super::data::class_id;
use super::info::TypeSlot;
use super::{ClassData, HPyClass};
use crate::abi::{TagWord, BLOCKS_RECORD_CLASSES};
use crate::{Borrowed, HPyErr, HPyResult};

/// Data "addresses" below this are a null pointer plus an offset: no data
/// (the first page is never mapped).
const NO_DATA_BELOW: usize = 4096;

/// The header of the first block, at the data start.
#[inline(always)]
fn first_block(start: *mut u8) -> *mut ClassData<()> {
    start.cast()
}

/// Records that `T` made the instance whose data starts at `start`.
///
/// # Safety
/// `start` is the data of a new instance of `T` (or of a Python subclass),
/// whose blocks are written.
#[inline(always)]
pub(crate) unsafe fn tag_instance<T: HPyClass>(start: *mut u8) {
    if BLOCKS_RECORD_CLASSES
        && T::INFO.basicsize != 0
        && T::INFO.shape == hpy_sys::HPyType_BuiltinShape_Object
    {
        // SAFETY: data of a nonzero size starts with a block header.
        unsafe { (*first_block(start)).tag.creator = TagWord::new(class_id::<T>()) };
    }
}

/// Checks that `T`'s block is where `T`'s code will look for it in the
/// data of `obj`, which starts at `start`: `obj` was made by `T` (or by a
/// Rust subclass of `T`) and not destroyed yet; `T` is not zero-sized.
///
/// # Safety
/// `start` is what HPy gives as the data of `obj`, an instance of (what is
/// now) `T`'s type; a non-null data of an hpy-rs class starts with a block
/// header.
#[inline(always)]
pub(crate) unsafe fn check_block<T: HPyClass>(
    obj: &Borrowed<'_, '_>,
    start: *mut u8,
) -> HPyResult<()> {
    if !BLOCKS_RECORD_CLASSES || T::INFO.shape != hpy_sys::HPyType_BuiltinShape_Object {
        // Builtin shapes: no `__class__` assignment reaches them on
        // CPython, and PyPy cannot reach their data at all.
        return Ok(());
    }
    if crate::abi::classes_are_fixed(obj.context().as_raw()) {
        return Ok(());
    }
    if (start as usize) < NO_DATA_BELOW {
        // PyPy drops the data of an object it destroyed, and then hands
        // out its null storage plus the data's offset in it (0x18).
        return Err(ClassData::<T>::destroyed_error());
    }
    // SAFETY: a header is at the start (contract).
    let creator = unsafe { (*first_block(start)).tag.creator.get() };
    if creator == class_id::<T>() {
        return Ok(());
    }
    // SAFETY: forwarded.
    unsafe { check_block_slow::<T>(obj, start, creator) }
}

/// [`check_block`] for an object `T` did not make.
///
/// # Safety
/// As for [`check_block`].
#[cold]
#[inline(never)]
unsafe fn check_block_slow<T: HPyClass>(
    obj: &Borrowed<'_, '_>,
    start: *mut u8,
    creator: usize,
) -> HPyResult<()> {
    let first = first_block(start);
    if creator == 0 {
        // Never made by hpy-rs's `__new__`: its first block (zeroed) says
        // "not initialised" if it is `T`'s; anything further is unknown.
        return if T::INFO.data_offset == 0 {
            Ok(())
        } else {
            Err(foreign_data::<T>(obj))
        };
    }
    // SAFETY: the header at the start (contract).
    if !unsafe { (*first).written_by_hpy_rs() } {
        // Not a block of ours: `creator` cannot be trusted.
        return Err(foreign_data::<T>(obj));
    }
    // SAFETY: `creator` was written by `tag_instance`: the address of the
    // creating class's type slot, a `static`.
    let made_by = unsafe { &*(creator as *const TypeSlot) };
    let end = T::INFO.data_offset + size_of::<ClassData<T>>();
    // SAFETY: the data holds `made_by`'s blocks, so it is at least
    // `data_size` long, and `T`'s header lies within it (checked first).
    let owns = end <= made_by.data_size()
        && unsafe {
            (*start.add(T::INFO.data_offset).cast::<ClassData<()>>())
                .tag
                .own
                .get()
        } == class_id::<T>();
    if owns {
        Ok(())
    } else {
        Err(foreign_data::<T>(obj))
    }
}

/// `T`'s code given an object whose data is not `T`'s.
#[cold]
fn foreign_data<T: HPyClass>(obj: &Borrowed<'_, '_>) -> HPyErr {
    let name = T::INFO.python_name();
    HPyErr::type_error(format!(
        "a {name} method was given a {} object whose data is not a {name}'s (its __class__ was assigned)",
        obj.type_name()
    ))
}
