//! Bounded frees: how a dying HPy object gives up the references its fields
//! hold without one nested deallocation per object on the C stack.
//!
//! Emptying a field releases its object; if that was the last reference,
//! the object's deallocator runs right there, inside the one that released
//! it, and empties its own fields in turn. A million-long chain of objects
//! each holding the next therefore needs a million nested deallocators,
//! which overflows the C stack (CPython 3.11: a chain of `Cons(Cons(...))`
//! cells 10^6 long). CPython bounds the same recursion for its own
//! containers with its *trashcan*.
//!
//! [`release_held`] is what every deallocator of this runtime (and of the
//! host of universal binaries, which uses it) calls to give up a field's
//! reference. A reference that is not the object's last is given up at
//! once (nothing can nest), and so is the last reference to an object the
//! garbage collector does not track (a number, a string: objects that hold
//! references are collected, hpy-rs's among them; CPython 3.14's own
//! bound makes the same exception). A last reference is given up at once too while
//! fewer than [`MAX_NESTED_FREES`] such releases are under way on this
//! thread; beyond that it is kept, still counted, on a thread-local list,
//! and the outermost release gives up the kept references one by one once
//! its own object is gone, each of which may nest that deep again. The
//! stack therefore holds at most that many nested deallocators of this
//! runtime whatever the structure's depth; the order of the releases
//! changes, the set does not, and everything is freed before the outermost
//! release returns.
//!
//! Why not CPython's trashcan: its interface changed in every version (3.11
//! and 3.12 export `_PyTrash_begin`/`_PyTrash_end`, 3.13's macros read and
//! write the thread state's `c_recursion_remaining` directly, 3.14 moved
//! the mechanism into `_Py_Dealloc`), it keeps a deferred object in the
//! garbage collector's header, so it only takes collected objects, and it
//! costs three calls (`PyThreadState_Get` and the two trashcan functions)
//! in every deallocation. This scheme costs one comparison of the reference
//! count for an object that survives its release, a thread-local counter
//! only where a deallocation follows, and is the same code for every
//! version and for the host. From CPython 3.14 on, `_Py_Dealloc` itself
//! defers the deallocation of a collected object once the C stack nears
//! its limit, and an object that holds fields is collected: there
//! [`release_held`] is a plain decref.

use super::super::ffi::PyObject;
use super::super::Py_DECREF;
#[cfg(not(Py_3_14))]
use super::super::{ffi::Py_TPFLAGS_HAVE_GC, is_last_reference, Py_TYPE};

/// How many releases of a last reference may nest on one thread before
/// further ones are deferred: CPython's own trashcan nests 50 deallocators.
#[cfg(not(Py_3_14))]
pub const MAX_NESTED_FREES: usize = 50;

/// Gives up `o`, a reference held by a field of an object that is being
/// deallocated or cleared, without deallocators nesting beyond
/// [`MAX_NESTED_FREES`] (see the module documentation).
///
/// # Safety
/// `o` is a live object whose reference the caller owns (and no longer
/// keeps anywhere); the GIL is held.
#[inline(always)]
pub unsafe fn release_held(o: *mut PyObject) {
    #[cfg(not(Py_3_14))]
    // SAFETY: a live object, its live type, and the GIL (contract).
    if unsafe { is_last_reference(o) && (*Py_TYPE(o)).tp_flags & Py_TPFLAGS_HAVE_GC != 0 } {
        // SAFETY: forwarded.
        return unsafe { release_last(o) };
    }
    // SAFETY: an owned reference that is not the last, or the last of an
    // object that is not collected (a number, a string: no container), or
    // 3.14+, where `_Py_Dealloc` bounds the nesting itself.
    unsafe { Py_DECREF(o) }
}

#[cfg(not(Py_3_14))]
mod nesting {
    use core::cell::Cell;
    use core::ptr::null_mut;

    use super::{PyObject, Py_DECREF, MAX_NESTED_FREES};

    /// This thread's releases of last references under way.
    pub(super) struct Frees {
        /// How many are nested now.
        depth: Cell<usize>,
        /// The references kept for the outermost release to give up (null
        /// while there are none): allocated by the first deferral, freed
        /// when the outermost release has given them all up.
        deferred: Cell<*mut Vec<*mut PyObject>>,
    }

    thread_local! {
        /// No drop glue: a plain thread-local access, and nothing to
        /// destroy at thread exit (the list is empty between frees).
        pub(super) static FREES: Frees = const {
            Frees { depth: Cell::new(0), deferred: Cell::new(null_mut()) }
        };
    }

    impl Frees {
        /// Gives up `o`, a last reference: now, unless too many releases
        /// are nested already; the outermost one gives up the deferred.
        ///
        /// # Safety
        /// As `release_held`.
        pub(super) unsafe fn release(&self, o: *mut PyObject) {
            let depth = self.depth.get();
            if depth >= MAX_NESTED_FREES {
                // SAFETY: forwarded.
                return unsafe { self.defer(o) };
            }
            self.depth.set(depth + 1);
            // SAFETY: an owned reference (contract); a release nested in
            // this deallocation sees the depth one higher.
            unsafe { Py_DECREF(o) };
            if depth == 0 && !self.deferred.get().is_null() {
                // SAFETY: the outermost release, with the GIL.
                unsafe { self.give_up_deferred() };
            }
            self.depth.set(depth);
        }

        /// Keeps `o` for the outermost release.
        ///
        /// # Safety
        /// As `release_held`, and a release is under way on this thread.
        #[cold]
        unsafe fn defer(&self, o: *mut PyObject) {
            let mut list = self.deferred.get();
            if list.is_null() {
                list = Box::into_raw(Box::new(Vec::new()));
                self.deferred.set(list);
            }
            // SAFETY: the list is this thread's, and no reference to it
            // lives across a decref (`give_up_deferred` pops, then
            // releases).
            let list = unsafe { &mut *list };
            if list.try_reserve(1).is_ok() {
                list.push(o);
            } else {
                // Out of memory: release it now, nested as CPython would.
                // SAFETY: an owned reference (contract).
                unsafe { Py_DECREF(o) }
            }
        }

        /// Gives up the deferred references, last first, and frees the
        /// list; each release may defer more, which this loop then takes.
        ///
        /// # Safety
        /// Called by the outermost release (depth 1), with the GIL.
        #[cold]
        #[inline(never)]
        unsafe fn give_up_deferred(&self) {
            loop {
                let list = self.deferred.get();
                if list.is_null() {
                    return;
                }
                // SAFETY: this thread's list; the borrow ends before the
                // decref, which may push to it.
                match unsafe { (*list).pop() } {
                    // SAFETY: a reference the list owned.
                    Some(o) => unsafe { Py_DECREF(o) },
                    None => {
                        self.deferred.set(null_mut());
                        // SAFETY: allocated by `defer` with `Box`, no
                        // longer reachable.
                        drop(unsafe { Box::from_raw(list) });
                    }
                }
            }
        }
    }
}

/// [`release_held`] for a last reference: nested in this thread's count
/// (see [`MAX_NESTED_FREES`]).
///
/// # Safety
/// As [`release_held`], and `o`'s reference is its last.
#[cfg(not(Py_3_14))]
#[inline(never)]
unsafe fn release_last(o: *mut PyObject) {
    // SAFETY: forwarded (contract).
    let done = nesting::FREES.try_with(|frees| unsafe { frees.release(o) });
    if done.is_err() {
        // The thread's locals are gone (a release while the thread exits):
        // nested as CPython would.
        // SAFETY: an owned reference (contract).
        unsafe { Py_DECREF(o) }
    }
}
