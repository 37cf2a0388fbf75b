//! hpy-sys's own HPy runtime for the CPython ABI (CPython 3.11-3.15): the
//! functions HPy's CPython-ABI shims cannot express as one C-API call.
//! Written from HPy 0.9's headers and documented semantics and CPython's
//! documented behaviour; none of HPy's C is compiled in.
//!
//! * [`types`]: `HPyType_FromSpec`, `HPy_New`, `HPy_AsStruct_*`, the
//!   generic deallocator, the `tp_traverse` bridge, and how HPy types are
//!   marked;
//! * [`frees`]: how the deallocators give up their fields' references
//!   without nesting once per object on the C stack;
//! * [`module`]: `PyInit_<name>` from an `HPyModuleDef`;
//! * [`objects`]: builders, trackers, calls, items, capsules and the rest.
//!
//! Every function keeps the `ctx_*` name and signature of HPy's runtime
//! (the generated shims call them that way); none reads its context.

use core::ffi::{c_char, CStr};
use core::ptr::addr_of_mut;
use core::sync::atomic::{AtomicPtr, Ordering};

use super::_py2h;
use super::ffi::{PyErr_SetString, PyEval_GetBuiltins, PyObject};
use crate::{HPyConstant, HPyContext, HPY_CONSTANTS};

pub mod frees;
pub mod module;
pub mod objects;
pub mod types;

pub use module::*;
pub use objects::*;
pub use types::*;

/// Sets `exc` with a constant message.
///
/// # Safety
/// The GIL must be held and `exc` be an exception class.
#[inline]
pub(crate) unsafe fn set_error(exc: *mut PyObject, msg: &CStr) {
    // SAFETY: forwarded.
    unsafe { PyErr_SetString(exc, msg.as_ptr()) }
}

/// Sets `exc` with a formatted message (a NUL in it is shown as `\0`).
///
/// # Safety
/// As [`set_error`].
#[cold]
pub(crate) unsafe fn set_error_fmt(exc: *mut PyObject, args: core::fmt::Arguments<'_>) {
    let mut text = std::fmt::format(args).replace('\0', "\\0");
    text.push('\0');
    // SAFETY: NUL-terminated, no interior NUL.
    unsafe { PyErr_SetString(exc, text.as_ptr().cast::<c_char>()) }
}

// ---------------------------------------------------------------------------
// the context
// ---------------------------------------------------------------------------

static CONTEXT: AtomicPtr<HPyContext> = AtomicPtr::new(core::ptr::null_mut());

/// The crate's CPython-ABI `HPyContext`: its name, ABI version and the 83
/// handle constants (`h_Builtins` is the builtins dict of the first call
/// that asked, as in HPy). Filled on first use (with the GIL held), then
/// one load.
#[inline(always)]
pub fn hpy_rs_cpython_context() -> *mut HPyContext {
    let ctx = CONTEXT.load(Ordering::Acquire);
    if ctx.is_null() {
        new_context()
    } else {
        ctx
    }
}

#[cold]
#[inline(never)]
fn new_context() -> *mut HPyContext {
    let ctx = Box::into_raw(Box::new(HPyContext {
        name: c"HPy CPython ABI (hpy-rs)".as_ptr(),
        abi_version: crate::HPY_ABI_VERSION as core::ffi::c_int,
        ..empty_handles()
    }));
    // SAFETY: `ctx` is a fresh context; its 83 handle fields are consecutive
    // `HPy`s starting at `h_None`, in `HPY_CONSTANTS` order (the generated
    // struct and table come from the same header list); the constants other
    // than Builtins are read without a context in this ABI.
    unsafe {
        let first = addr_of_mut!((*ctx).h_None);
        for (i, c) in HPY_CONSTANTS.iter().enumerate() {
            *first.add(i) = match c {
                HPyConstant::Builtins => _py2h(PyEval_GetBuiltins()),
                c => crate::HPy_GetConstant(core::ptr::null_mut(), *c),
            };
        }
    }
    match CONTEXT.compare_exchange(
        core::ptr::null_mut(),
        ctx,
        Ordering::AcqRel,
        Ordering::Acquire,
    ) {
        Ok(_) => ctx,
        Err(existing) => {
            // SAFETY: `ctx` was never shared.
            drop(unsafe { Box::from_raw(ctx) });
            existing
        }
    }
}

fn empty_handles() -> HPyContext {
    // SAFETY: `HPyContext` is plain data (pointers, an int and `HPy`s), for
    // which all-zero is a valid value (NULL handles).
    unsafe { core::mem::zeroed() }
}
