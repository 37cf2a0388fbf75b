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
use core::mem::{ManuallyDrop, MaybeUninit};

use hpy_sys::cpython::PyObject;
use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::{HPy, HPyCFunction, HPyFunc_Signature, HPy_NULL};

use super::handles::ArgumentRecord;
use super::info::{current_info, info_of, DebugInfo};
use crate::call_real::{call_real, Handles};

/// How many argument handles a call keeps without a heap allocation (a
/// method's `self` and a few arguments: the common calls).
const INLINE: usize = 8;

/// Debug handles for one call of an extension function.
///
/// `repr(C)`, the arrays last: in Rust's layout the compiler merged the
/// uninitialised arrays with the fields around them into one zeroing
/// `memset` per call.
#[repr(C)]
struct DebugHandles<'a> {
    info: &'a DebugInfo,
    opened_len: usize,
    inline_array_used: bool,
    /// What does not fit inline (rare: many arguments); dropped by
    /// `finish` (so that the common call has no drop code).
    spill: ManuallyDrop<Option<Box<Spill>>>,
    /// The first argument handles opened for the call, with their ids:
    /// `opened_len` of them are initialised; more go to `spill`.
    opened: [MaybeUninit<ArgumentRecord>; INLINE],
    /// The call's argument array when it fits (`inline_array_used`), else
    /// in `spill`; alive until the call ends (the value does not move
    /// while `call_real` borrows it).
    inline_array: [MaybeUninit<HPy>; INLINE],
}

/// Argument handles of a call beyond the inline ones.
#[derive(Default)]
struct Spill {
    opened: Vec<ArgumentRecord>,
    arrays: Vec<Vec<HPy>>,
}

impl<'a> DebugHandles<'a> {
    fn new(info: &'a DebugInfo) -> Self {
        DebugHandles {
            info,
            opened: [MaybeUninit::uninit(); INLINE],
            opened_len: 0,
            inline_array: [MaybeUninit::uninit(); INLINE],
            inline_array_used: false,
            spill: ManuallyDrop::new(None),
        }
    }

    fn spill(&mut self) -> &mut Spill {
        self.spill.get_or_insert_with(Default::default)
    }

    /// Closes the argument handles beyond the first [`INLINE`].
    #[cold]
    #[inline(never)]
    fn finish_spilled(&mut self) {
        let spill = self.spill.take();
        self.info.with(|s| {
            for &arg in spill.iter().flat_map(|spill| &spill.opened) {
                s.close_argument(arg);
            }
        });
    }

    /// [`Handles::arg`] beyond its common case: a stack trace, a record
    /// to make or clear, or more than [`INLINE`] arguments.
    #[cold]
    #[inline(never)]
    fn open_slow(&mut self, o: *mut PyObject) -> HPy {
        let (h, arg) = self.info.with(|s| s.open_argument(o as isize));
        self.remember(arg);
        h
    }

    /// [`Handles::finish`] from the first `done` inline argument handles
    /// on (those are closed).
    #[cold]
    #[inline(never)]
    fn finish_slow(&mut self, done: usize) {
        let n = core::mem::replace(&mut self.opened_len, 0);
        // SAFETY: the first `n` entries were written by `arg`.
        let rest = unsafe { &*(&raw const self.opened[done..n] as *const [ArgumentRecord]) };
        self.info.with(|s| {
            for &arg in rest {
                s.close_argument(arg);
            }
        });
        if self.spill.is_some() {
            self.finish_spilled();
        }
    }

    #[inline(always)]
    fn remember(&mut self, arg: ArgumentRecord) {
        if self.opened_len < INLINE {
            self.opened[self.opened_len].write(arg);
            self.opened_len += 1;
        } else {
            self.spill().opened.push(arg);
        }
    }
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
        // The common case calls nothing (so saves no registers); the rest
        // is a tail call.
        if self.opened_len < INLINE {
            if let Some((h, arg)) = self.info.with(|s| s.open_argument_fast(o as isize)) {
                self.opened[self.opened_len].write(arg);
                self.opened_len += 1;
                return h;
            }
        }
        self.open_slow(o)
    }

    unsafe fn args(&mut self, items: *const *mut PyObject, n: usize) -> *const HPy {
        if n <= INLINE && !self.inline_array_used {
            self.inline_array_used = true;
            for i in 0..n {
                // SAFETY: `items` holds `n` objects (caller).
                let h = unsafe { self.arg(*items.add(i)) };
                self.inline_array[i].write(h);
            }
            return self.inline_array.as_ptr().cast();
        }
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: `items` holds `n` objects (caller).
            handles.push(unsafe { self.arg(*items.add(i)) });
        }
        // The vector's buffer does not move when the vector does.
        let array = handles.as_ptr();
        self.spill().arrays.push(handles);
        array
    }

    unsafe fn result(&mut self, h: HPy) -> *mut PyObject {
        match self.info.with(|s| s.take_result(h)) {
            Ok(object) => object._i as *mut PyObject,
            Err((problem, alive)) => {
                self.info.report(problem);
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
        // As `arg`: the common case calls nothing; one argument (a method's
        // `self`, a module function's module) without a loop, whose state
        // would make this function save registers.
        if self.opened_len == 1 && self.spill.is_none() {
            // SAFETY: the first entry was written by `arg`.
            let arg = unsafe { self.opened[0].assume_init() };
            if self.info.with(|s| s.close_argument_fast(arg)) {
                self.opened_len = 0;
                return;
            }
        }
        self.finish_many()
    }
}

impl DebugHandles<'_> {
    /// [`Handles::finish`] beyond one argument handle: as `finish`, the
    /// common case calls nothing, the rest (from the first argument that
    /// needs more) is a tail call.
    #[inline(never)]
    fn finish_many(&mut self) {
        let n = self.opened_len;
        let mut done = 0;
        if self.spill.is_none() {
            let opened = &self.opened;
            self.info.with(|s| {
                while done < n {
                    // SAFETY: the first `n` entries were written by `arg`.
                    let arg = unsafe { opened[done].assume_init() };
                    if !s.close_argument_fast(arg) {
                        break;
                    }
                    done += 1;
                }
            });
            if done == n {
                self.opened_len = 0;
                return;
            }
        }
        self.finish_slow(done)
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
        // The global context carries the main interpreter's state; once
        // another interpreter has the host, the running one's.
        let info = if crate::interp::shared() {
            current_info()
        } else {
            info_of(dctx)
        };
        let mut handles = DebugHandles::new(info);
        info.in_new_context(|ctx| call_real(ctx, &mut handles, sig, func, args));
    }
}
