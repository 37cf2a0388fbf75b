//! What the ABI layer's instance fast paths need to know about a class
//! (`abi::SimpleClass`), stated for every class: whether its type may be
//! *simple* for its host (allocated and freed by the host itself), its
//! sizes, and what is left to do for a dying instance.

use super::chain::{clear_fields, destroy_reporting_panics};
use super::data::{ClassData, HPyClass};
use super::info::{TPFLAGS_BASETYPE, TPFLAGS_HAVE_GC};
use super::layout::data_size;
use crate::abi::SimpleClass;

// SAFETY: the constants are computed from `T`'s own layout (`data_size`,
// `ClassData<T>`, its slot counts), and `clear_and_destroy` empties the
// fields and drops the value as `tp_clear` and `tp_destroy` would.
unsafe impl<T: HPyClass> SimpleClass for T {
    const MAY_BE_SIMPLE: bool = T::INFO.shape == hpy_sys::HPyType_BuiltinShape_Object
        && T::INFO.data_offset == 0
        && T::INFO.flags & TPFLAGS_BASETYPE == 0
        && data_size::<T>() != 0;
    const BLOCK_SIZE: usize = core::mem::size_of::<ClassData<T>>();
    const DATA_SIZE: usize = data_size::<T>();
    const HOST_CLEARED_SLOTS: usize = T::FIELD_SLOTS + T::DICT as usize;
    const NEEDS_FINISH: bool = T::VISIT_VALUE.is_some() || T::NEEDS_DESTROY;
    const COLLECTED: bool = T::INFO.flags & TPFLAGS_HAVE_GC != 0;

    #[inline(always)]
    unsafe fn clear_and_destroy(data: *mut core::ffi::c_void) {
        let start = data.cast::<u8>();
        // SAFETY: the contract: fields and value are read only once
        // written.
        unsafe { clear_fields::<T>(start) };
        // A value without drop glue (nor ancestors' with any) has nothing
        // to drop, and its header's flags need no update: the payload is
        // freed as soon as this returns, and nothing reads it meanwhile
        // (a reference count of 0 leaves no `Ref` to it and no
        // `TypedField` naming its block).
        if T::NEEDS_DESTROY {
            // SAFETY: as above.
            unsafe { destroy_reporting_panics::<T>(start) }
        }
    }
}
