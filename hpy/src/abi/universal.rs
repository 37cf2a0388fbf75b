//! The universal ABI's side of the seam (see `mod.rs`): an `HPy` is an
//! opaque handle of the interpreter's HPy, every HPy function goes through
//! the context's function table, and CPython calls the HPy-convention
//! functions through the host (`ctx_CallRealFunctionFromTrampoline`),
//! which makes the handles and passes the right context.

use core::ffi::{c_char, c_void};
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use hpy_sys::{cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPyGlobal};

use super::host::HPY_RS_PLAIN_CONTEXT_NAME;
use super::{HostProfile, Quirk};
use crate::{Context, HPyResult};

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
mod handles;
mod interp;
mod keywords;
mod plain_ext;
pub mod properties;
mod raw_context;
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
pub use handles::*;
pub(crate) use interp::*;
pub use keywords::*;
pub use raw_context::RawContext;
pub use sequences::*;
pub(crate) use stdlib::*;
pub use threads::*;
