//! `ctx_CallRealFunctionFromTrampoline` of the debug context: the shared
//! dispatcher of [`crate::call_real`], with handles that are debug handles.
//!
//! Each object CPython passes gets a debug handle of kind argument for the
//! duration of the call (borrowed: the function must not close it); when
//! the function returns they are closed, and the handle it returned is
//! turned back into its object, whose reference passes to CPython, and
//! closed. Module create and exec slots come through here too, so a handle
//! leaked while a module is imported is an open handle like any other.

#![allow(non_snake_case)] // named after the context field

use core::ffi::c_void;

use hpy_sys::cpython::PyObject;
use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::{HPy, HPyCFunction, HPyFunc_Signature, HPy_NULL};

use super::handles::Kind;
use super::report::report;
use super::{info_of, DebugInfo};
use crate::call_real::{call_real, Handles};

/// Debug handles for one call of an extension function.
struct DebugHandles<'a> {
    info: &'a DebugInfo,
    /// Every argument handle opened for the call, with its id.
    opened: Vec<(HPy, u64)>,
    /// Storage of the argument arrays, alive until the call ends.
    arrays: Vec<Vec<HPy>>,
}

// SAFETY: argument handles are open debug records of the debug context
// (the context `call_real` passes) until `finish`; results are unwrapped
// into their object with the reference the function gave up (its record
// closes without releasing it), as HPy specifies for returned handles.
unsafe impl Handles for DebugHandles<'_> {
    unsafe fn arg(&mut self, o: *mut PyObject) -> HPy {
        if o.is_null() {
            return HPy_NULL;
        }
        let trace = self.info.trace();
        let (h, id) = self.info.with(|s| {
            let h = s.open(o as isize, Kind::Argument, trace);
            (h, s.id_of(h))
        });
        self.opened.push((h, id));
        h
    }

    unsafe fn args(&mut self, items: *const *mut PyObject, n: usize) -> *const HPy {
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: `items` holds `n` objects (caller).
            handles.push(unsafe { self.arg(*items.add(i)) });
        }
        // The vector's buffer does not move when the vector does.
        let array = handles.as_ptr();
        self.arrays.push(handles);
        array
    }

    unsafe fn result(&mut self, h: HPy) -> *mut PyObject {
        match self.info.with(|s| s.take_result(h)) {
            Ok(object) => object._i as *mut PyObject,
            Err((problem, alive)) => {
                report(self.info, problem);
                // Going on (a callback is set): give the caller a correct
                // new reference when the object is known to be alive, else
                // NULL (CPython then raises SystemError).
                match alive {
                    Some(object) => {
                        let u = self.info.universal();
                        // SAFETY: the object is alive (an argument of this
                        // call or a constant); the new reference is the
                        // caller's.
                        unsafe { ((*u).ctx_Dup)(u, object)._i as *mut PyObject }
                    }
                    None => core::ptr::null_mut(),
                }
            }
        }
    }

    unsafe fn finish(&mut self) {
        let opened = core::mem::take(&mut self.opened);
        self.info.with(|s| {
            for (h, id) in opened {
                s.close_argument(h, id);
            }
        });
    }
}

/// `ctx_CallRealFunctionFromTrampoline` of the debug context.
///
/// # Safety
/// Called by a universal trampoline of a module loaded in debug mode:
/// `dctx` is the debug context, `args` the argument block of `sig` and
/// `func` a function of that signature; the GIL is held.
pub(super) unsafe extern "C" fn ctx_CallRealFunctionFromTrampoline(
    dctx: *mut Ctx,
    sig: HPyFunc_Signature,
    func: HPyCFunction,
    args: *mut c_void,
) {
    // SAFETY: a debug context (caller; trampolines pass the global one,
    // whichever call is current, so it is not checked); the rest is
    // forwarded, with the call's own copy of the context.
    unsafe {
        let info = info_of(dctx);
        let mut handles = DebugHandles {
            info,
            opened: Vec::new(),
            arrays: Vec::new(),
        };
        info.in_new_context(|ctx| call_real(ctx, &mut handles, sig, func, args));
    }
}
