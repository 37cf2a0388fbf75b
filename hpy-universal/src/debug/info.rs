//! The debug states ([`DebugInfo`]: one per interpreter, with its records,
//! callbacks and rotating copies of the context) and how they are found:
//! by a context function from the context it is given ([`info`], which
//! also catches a context kept from another call), for the running
//! interpreter ([`current_info`]), and the current call's context
//! (`CURRENT`, [`DebugInfo::in_new_context`]).
//!
//! The context functions (`generated`, `handwritten`, `trampoline`) call
//! [`info`], so this module is below them, and below what makes a state
//! and its table out of them (`super::new_info`): [`current_info`] makes
//! an interpreter's state with the function that made the main
//! interpreter's ([`DebugInfo::new_info`]).

use core::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicPtr, Ordering};

use hpy_sys::host::UniversalContext;
use hpy_sys::HPy;

use super::handles::State;
use super::problem::{Kind, Problem};
use super::report;

/// What the debug context keeps besides its function table (the table's
/// `_private` points here).
pub(crate) struct DebugInfo {
    pub(super) universal: *mut UniversalContext,
    pub(super) state: RefCell<State>,
    /// Copies of the debug context handed to calls in turn, so that a
    /// context kept from an earlier call (in a C global, say) is a
    /// different pointer from the current one and is caught.
    pub(super) rotation: Vec<*mut UniversalContext>,
    /// Index in `rotation` of the context the next call gets.
    pub(super) next: Cell<usize>,
    /// The global debug context (the one modules get at load and their
    /// trampolines carry): valid at any time, as hpy-rs's runtime relies on
    /// (its host profile has no `ContextPerCall` quirk).
    pub(super) global: Cell<*mut UniversalContext>,
    /// The context of the call entered last and not yet left, on any
    /// thread (NULL when none): the context a context function is called
    /// with almost always, checked before the thread-local [`CURRENT`].
    pub(super) innermost: Cell<*mut UniversalContext>,
    /// The function that made this state and its table (`super::new_info`,
    /// which fills the table with the context functions, and so is not
    /// named here): what [`current_info`] makes the state of an interpreter
    /// that has none yet with.
    pub(super) new_info: NewInfo,
}

/// A maker of debug states: a new state wrapping `universal` (the plain
/// universal context), with a table of its own whose constants are opened
/// from `constants`, taking `global` as the global context (NULL: set
/// later, to that table).
pub(super) type NewInfo = fn(
    universal: *mut UniversalContext,
    constants: &UniversalContext,
    global: *mut UniversalContext,
) -> (Box<DebugInfo>, UniversalContext);

thread_local! {
    /// The debug context of this thread's innermost call of an extension
    /// function (NULL outside any call). Per thread: a call that released
    /// the GIL (`allow_threads`) goes on with its own context while other
    /// threads make calls.
    static CURRENT: Cell<*mut UniversalContext> = const { Cell::new(core::ptr::null_mut()) };
}

/// How many copies of the debug context calls rotate through (as HPy's
/// debug mode, which keeps 16).
pub(super) const ROTATION: usize = 16;

/// The global debug context, made once and never freed: the one every
/// module loaded in debug mode gets at load (`HPyInitGlobalContext_`) and
/// its trampolines carry, in every interpreter. Its `_private` is the main
/// interpreter's state; in another interpreter it stands for that
/// interpreter's ([`current_info`]).
pub(super) static DEBUG: AtomicPtr<UniversalContext> = AtomicPtr::new(core::ptr::null_mut());

/// The debug states of the interpreters other than the main one.
pub(super) static SUB_INFOS: crate::interp::PerInterpreter<DebugInfo> =
    crate::interp::PerInterpreter::new();

/// The debug state of the running interpreter (made if it has none yet),
/// once the debug context exists.
///
/// Only with the running interpreter's GIL held.
pub(crate) fn current_info() -> &'static DebugInfo {
    let global = DEBUG.load(Ordering::Acquire);
    SUB_INFOS.current(
        // SAFETY: a debug table's `_private` is its state; this is called
        // only once the debug context exists (a module was loaded in debug
        // mode, or `existing_info` made it).
        || unsafe { info_of(global) },
        // SAFETY: as above; the state's plain context is live, and this
        // interpreter's GIL is held (contract).
        || unsafe {
            let main = info_of(global);
            let universal = main.universal;
            (main.new_info)(
                universal,
                &crate::interp::running_constants(universal),
                global,
            )
            .0
        },
    )
}

/// The running interpreter's debug state, if the debug context exists.
pub(crate) fn existing_info() -> Option<&'static DebugInfo> {
    if DEBUG.load(Ordering::Acquire).is_null() {
        return None;
    }
    Some(current_info())
}

/// The state of a debug context, whichever copy `dctx` is.
///
/// # Safety
/// `dctx` is a debug context.
#[inline]
pub(super) unsafe fn info_of<'a>(dctx: *mut UniversalContext) -> &'a DebugInfo {
    // SAFETY: `_private` of every debug table points to the leaked info.
    unsafe { &*((*dctx)._private as *const DebugInfo) }
}

/// The state of debug context `dctx`, as a context function receives it:
/// a context other than the current call's (kept from an earlier call, or
/// an outer call's during a nested one) is a fatal error, as in HPy, except
/// the global one, which stays valid.
///
/// # Safety
/// `dctx` is a debug context (as every debug context function receives).
#[inline]
pub(crate) unsafe fn info<'a>(dctx: *mut UniversalContext) -> &'a DebugInfo {
    // SAFETY: as documented.
    let d = unsafe { info_of(dctx) };
    // The innermost call's context is the current one of the thread that
    // made that call: accepting it without the thread-local lookup misses
    // only a thread using another thread's running call's context, which
    // HPy's debug mode (a valid flag per context) does not catch either.
    if d.global.get() == dctx {
        // The global context is the main interpreter's state's, and stands
        // for the running interpreter's once another one has the host.
        if crate::interp::shared() {
            return current_info();
        }
        return d;
    }
    if d.innermost.get() != dctx {
        check_current(d, dctx);
    }
    d
}

/// The rest of [`info`]'s check, out of line (a thread-local lookup).
#[cold]
#[inline(never)]
fn check_current(d: &DebugInfo, dctx: *mut UniversalContext) {
    if CURRENT.with(Cell::get) != dctx {
        report::wrong_context(d.universal);
    }
}

impl DebugInfo {
    /// Runs `f` with the next context of the rotation as the current one
    /// (for one call of an extension function), then restores the current
    /// context.
    #[inline]
    pub(crate) fn in_new_context<R>(&self, f: impl FnOnce(*mut UniversalContext) -> R) -> R {
        let i = self.next.get() % ROTATION;
        self.next.set(i + 1);
        let ctx = self.rotation[i];
        // One thread-local lookup for both the switch and the restore.
        let current: *const Cell<*mut UniversalContext> = CURRENT.with(|c| c as *const _);
        // SAFETY: `CURRENT` has no destructor, so it lives as long as this
        // thread, which runs the whole call.
        let current = unsafe { &*current };
        let outer = current.replace(ctx);
        self.innermost.set(ctx);
        let r = f(ctx);
        current.set(outer);
        self.innermost.set(outer);
        r
    }

    /// The plain universal context this one wraps.
    #[inline]
    pub(crate) fn universal(&self) -> *mut UniversalContext {
        self.universal
    }

    /// Reports `problem` ([`report::report`]): calls the callback set for
    /// it, or stops the process.
    pub(crate) fn report(&self, problem: Problem) {
        let callback = self.with(|s| s.callback(problem.is_about_helper()));
        report::report(self.universal, callback, problem);
    }

    /// Runs `f` on the state. `f` must not call into Python or into the
    /// universal context (which may run Python code that comes back here).
    #[inline]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.borrow_mut())
    }

    /// The universal handle for debug handle `h`; a closed or unknown
    /// handle is reported (and, if that returns, what it stood for is used,
    /// as HPy does, or `HPy_NULL` when that is unknown).
    #[inline]
    pub(crate) fn unwrap(&self, h: HPy) -> HPy {
        let fast = self.with(|s| s.unwrap_open(h));
        match fast {
            Some(u) => u,
            None => self.unwrap_slow(h),
        }
    }

    /// [`DebugInfo::unwrap`] of a handle that is not open (a problem to
    /// report, or `HPy_NULL`): out of line, so the common path saves no
    /// registers.
    #[cold]
    #[inline(never)]
    fn unwrap_slow(&self, h: HPy) -> HPy {
        match self.with(|s| s.check(h)) {
            Ok(u) => u,
            Err((problem, fallback)) => {
                self.report(problem);
                fallback
            }
        }
    }

    /// A new debug handle (owned by the extension) for universal handle
    /// `u`, which it now owns; `HPy_NULL` stays `HPy_NULL`.
    #[inline]
    pub(crate) fn open(&self, u: HPy) -> HPy {
        if u._i == 0 {
            return u;
        }
        let fast = self.with(|s| s.open_owned_fast(u._i));
        match fast {
            Some(h) => h,
            None => self.open_slow(u),
        }
    }

    /// [`DebugInfo::open`] when it has to call something (a stack trace,
    /// a fresh record, a reused one that keeps data): out of line, so the
    /// common path saves no registers.
    #[cold]
    #[inline(never)]
    fn open_slow(&self, u: HPy) -> HPy {
        self.with(|s| s.open_traced(u._i, Kind::Owned).0)
    }
}
