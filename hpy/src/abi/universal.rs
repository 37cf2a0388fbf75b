//! The universal ABI's side of the seam (see `mod.rs`): an `HPy` is an
//! opaque handle of the interpreter's HPy, every HPy function goes through
//! the context's function table, and CPython calls the HPy-convention
//! functions through the host (`ctx_CallRealFunctionFromTrampoline`),
//! which makes the handles and passes the right context.

use core::ffi::{c_char, c_void};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use hpy_sys::{cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPyGlobal};

use super::host::HPY_RS_PLAIN_CONTEXT_NAME;
use super::{HostProfile, Quirk};
use crate::{Context, HPyResult};

/// The raw context as stored inside [`Context`](crate::Context): the
/// function table every call goes through, carried along as a non-null
/// pointer.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(NonNull<HPyContext>);

impl RawContext {
    /// Wraps the context pointer an HPy entry point received.
    ///
    /// # Safety
    /// `ctx` must be the non-null context passed to the current call.
    #[inline(always)]
    pub unsafe fn new(ctx: *mut HPyContext) -> Self {
        debug_assert!(!ctx.is_null());
        // SAFETY: the caller guarantees `ctx` is the non-null context of the call.
        RawContext(unsafe { NonNull::new_unchecked(ctx) })
    }

    /// The pointer to pass as the `ctx` argument of `hpy_sys` functions.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        self.0.as_ptr()
    }
}

// SAFETY: `RawContext` is only ever stored inside `Context`, whose marker
// makes it `!Send`/`!Sync`; being `Send` on its own keeps compiler errors
// about `Send` identical in both ABIs (they name the marker).
unsafe impl Send for RawContext {}
// SAFETY: as above.
unsafe impl Sync for RawContext {}

// One file per concern, named as in the CPython half (see `mod.rs`), and
// the plain context's table (`plain_ext`), universal-only.
#[macro_use]
mod entry;
#[cfg(feature = "numpy")]
mod arrays;
mod buffer;
mod class_tag;
mod classes;
mod errors;
mod interp;
mod keywords;
mod plain_ext;
pub mod properties;
mod sequences;
mod stdlib;
mod threads;

#[cfg(feature = "numpy")]
pub use arrays::*;
pub use buffer::*;
pub(crate) use class_tag::{classes_are_fixed, TagWord, BLOCKS_RECORD_CLASSES};
pub use classes::*;
pub use entry::*;
pub use errors::*;
pub(crate) use interp::*;
pub use keywords::*;
pub use sequences::*;
pub(crate) use stdlib::*;
pub use threads::*;
