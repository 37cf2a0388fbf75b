//! The CPython ABI's side of the seam (see `mod.rs`): an `HPy` is the
//! `PyObject*` itself (hpy-sys's `_py2h`/`_h2py`), HPy functions are calls
//! into CPython's C API that never read their context, and CPython calls
//! the HPy-convention functions through trampolines that convert nothing.

use core::ffi::{c_char, c_int, c_void};
use core::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use hpy_sys::cpython::{_h2py, _py2h};
use hpy_sys::{cpy_PyObject, HPy, HPyContext, HPyDef, HPyField, HPyGlobal};

use super::HostProfile;
use crate::{Context, HPyErr, HPyResult};

// One file per concern, named as in the universal half (see `mod.rs`).
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
pub mod properties;
mod raw_context;
mod sequences;
mod stdlib;
mod threads;

#[cfg(feature = "numpy")]
pub use arrays::*;
pub use buffer::*;
pub(crate) use class_tag::*;
pub use classes::*;
pub use entry::*;
pub use errors::*;
pub use handles::*;
pub(crate) use interp::{global_cell, in_main, module_exec_begins, running_builtins};
pub use keywords::*;
pub use raw_context::RawContext;
pub use sequences::*;
pub(crate) use stdlib::*;
pub use threads::*;
