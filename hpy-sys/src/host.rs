//! For a host of universal binaries on CPython (feature `host`, CPython ABI):
//! the universal `HPyContext` layout of HPy 0.9.0 ([`UniversalContext`]) and
//! [`new_context`], which fills one with this crate's CPython-ABI functions.
//!
//! A universal extension calls every API function through the table; on
//! CPython a universal handle is the `PyObject*` itself (as in the CPython
//! ABI), so each entry is a thin `extern "C"` adapter around the CPython-ABI
//! function of the same name. Only `ctx_CallRealFunctionFromTrampoline`,
//! which turns the objects CPython passes to a trampoline into the handles
//! the extension receives, is the host's own.

#[rustfmt::skip]
#[path = "generated/universal_struct.rs"]
mod universal_struct;

/// The universal-ABI `HPyContext` of HPy 0.9.0 (180 functions, 83 handles).
pub use universal_struct::HPyContext as UniversalContext;

#[rustfmt::skip]
#[path = "generated/host_table.rs"]
mod host_table;

pub use host_table::new_context;
