//! HPy's debug mode: a second universal context that wraps the plain one
//! and checks how the extension uses its handles.
//!
//! Every handle the extension receives or creates in debug mode is a debug
//! handle ([`handles`]): it names a record of the universal handle it
//! stands for. Each context function ([`generated`], with the few that need
//! more written by hand in [`handwritten`]) checks that the handles it is
//! given are open, calls the plain universal context's function with the
//! universal handles, and opens a new debug handle for a handle it returns.
//! Arguments of extension functions get debug handles of their own for the
//! duration of the call ([`trampoline`]).
//!
//! What is reported ([`mod@report`]): use of a closed (or unknown) handle,
//! closing a handle twice, closing an argument or a context constant,
//! returning an argument or constant without `HPy_Dup`, using a builder
//! after `Build`/`Cancel` or a tracker after `Close`; reading the text of
//! `HPyUnicode_AsUTF8AndSize` (and the other pointers tied to a handle)
//! after the handle is closed faults ([`protect`]). Leaks are found from
//! Python, by asking for the handles still open ([`python`]).
//!
//! Each call of an extension function gets the next of 16 copies of the
//! context, and a context function called with another call's copy is a
//! fatal error ("Wrong HPy Context!"): an extension that keeps its context
//! in a global between calls is caught, as in HPy. The global context (the
//! one the module got at load) stays valid in every call, which hpy-rs's
//! runtime relies on.

use core::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicPtr, Ordering};

use hpy_sys::host::UniversalContext;
use hpy_sys::HPy;

mod checks;
#[rustfmt::skip]
mod generated;
mod handles;
mod handwritten;
mod protect;
pub(crate) mod python;
mod report;
mod trampoline;

use handles::{Kind, State};
use report::report;

/// What the debug context keeps besides its function table (the table's
/// `_private` points here).
pub(crate) struct DebugInfo {
    universal: *mut UniversalContext,
    state: RefCell<State>,
    /// Copies of the debug context handed to calls in turn, so that a
    /// context kept from an earlier call (in a C global, say) is a
    /// different pointer from the current one and is caught.
    rotation: Vec<*mut UniversalContext>,
    /// Index in `rotation` of the context the next call gets.
    next: Cell<usize>,
    /// The global debug context (the one modules get at load and their
    /// trampolines carry): valid at any time, as hpy-rs's runtime relies on
    /// (its host profile has no `ContextPerCall` quirk).
    global: Cell<*mut UniversalContext>,
    /// The context of the call entered last and not yet left, on any
    /// thread (NULL when none): the context a context function is called
    /// with almost always, checked before the thread-local [`CURRENT`].
    innermost: Cell<*mut UniversalContext>,
}

thread_local! {
    /// The debug context of this thread's innermost call of an extension
    /// function (NULL outside any call). Per thread: a call that released
    /// the GIL (`allow_threads`) goes on with its own context while other
    /// threads make calls.
    static CURRENT: Cell<*mut UniversalContext> = const { Cell::new(core::ptr::null_mut()) };
}

/// How many copies of the debug context calls rotate through (as HPy's
/// debug mode, which keeps 16).
const ROTATION: usize = 16;

/// The global debug context, made once and never freed: the one every
/// module loaded in debug mode gets at load (`HPyInitGlobalContext_`) and
/// its trampolines carry, in every interpreter. Its `_private` is the main
/// interpreter's state; in another interpreter it stands for that
/// interpreter's ([`current_info`]).
static DEBUG: AtomicPtr<UniversalContext> = AtomicPtr::new(core::ptr::null_mut());

/// Makes the debug context's global table and the main interpreter's state
/// (once).
///
/// # Safety
/// `universal` is the plain universal context, which lives for the rest of
/// the process; a GIL is held.
unsafe fn global_table(universal: *mut UniversalContext) -> *mut UniversalContext {
    crate::interp::context_once(&DEBUG, || {
        // SAFETY: `universal` is live (contract); the main interpreter's
        // constants are the plain context's (its `h_Builtins` is the main
        // interpreter's dict).
        let (info, table) = new_info(universal, unsafe { &*universal }, core::ptr::null_mut());
        let info = Box::leak(info);
        let table = Box::into_raw(Box::new(table));
        info.global.set(table);
        table
    })
}

/// A new debug state wrapping `universal`, with its 16 copies of the
/// context, and a table of its own (the constants opened from `constants`)
/// for a global context. `global` is what the state takes as the global
/// context (NULL: set later, to that table).
///
/// `universal` is the plain universal context; `constants` a context with
/// the constants the state's handles stand for, live objects.
fn new_info(
    universal: *mut UniversalContext,
    constants: &UniversalContext,
    global: *mut UniversalContext,
) -> (Box<DebugInfo>, UniversalContext) {
    let mut info = Box::new(DebugInfo {
        universal,
        state: RefCell::new(State::new()),
        rotation: Vec::with_capacity(ROTATION),
        next: Cell::new(0),
        global: Cell::new(global),
        innermost: Cell::new(core::ptr::null_mut()),
    });
    // The box's contents do not move when the box does.
    let private = &*info as *const DebugInfo as *mut core::ffi::c_void;
    // The constants are opened as records of `info`, in the order of the
    // table (so every state gives each constant the same handle).
    let table = generated::table(
        c"HPy Debug Mode ABI (hpy-rs host on CPython)".as_ptr(),
        private,
        constants,
        |constant| info.with(|s| s.open(constant._i, Kind::Constant, None)),
    );
    for _ in 0..ROTATION {
        // SAFETY: the table is plain data (pointers, handles, numbers), so
        // a bitwise copy is a second context with the same functions,
        // constants and state.
        let copy = unsafe { core::ptr::read(&table) };
        info.rotation.push(Box::into_raw(Box::new(copy)));
    }
    (info, table)
}

/// The debug states of the interpreters other than the main one.
static SUB_INFOS: crate::interp::PerInterpreter<DebugInfo> = crate::interp::PerInterpreter::new();

/// The debug context (its global table) wrapping `universal`, made on first
/// use, and the running interpreter's state.
///
/// # Safety
/// `universal` is the plain universal context, which lives for the rest of
/// the process; the GIL of the running interpreter is held.
pub(crate) unsafe fn context(universal: *mut UniversalContext) -> *mut UniversalContext {
    // SAFETY: forwarded.
    let table = unsafe { global_table(universal) };
    if !crate::interp::in_main() {
        current_info();
    }
    table
}

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
            let universal = info_of(global).universal;
            new_info(
                universal,
                &crate::interp::running_constants(universal),
                global,
            )
            .0
        },
    )
}

/// Frees the debug state of interpreter `id` (being finalized, its GIL
/// held: none of its calls runs, and no module keeps its copies of the
/// context, which are only ever handed to calls).
pub(crate) fn interpreter_gone(id: i64) {
    // SAFETY: interpreter `id` is being finalized (contract).
    let Some(info) = (unsafe { SUB_INFOS.take(id) }) else {
        return;
    };
    for builders in [false, true] {
        // The callbacks are owned references of this interpreter, whose
        // GIL CPython holds while it finalizes it.
        let old = info.with(|s| s.set_callback(builders, hpy_sys::HPy_NULL));
        // SAFETY: as just said.
        unsafe { hpy_sys::cpython::Py_XDECREF(hpy_sys::cpython::_h2py(old)) };
    }
    for copy in &info.rotation {
        // SAFETY: the copies of the context were leaked boxes, only ever
        // handed to this interpreter's calls, none of which runs.
        drop(unsafe { Box::from_raw(*copy) });
    }
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
unsafe fn info_of<'a>(dctx: *mut UniversalContext) -> &'a DebugInfo {
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
        report::wrong_context(d);
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
                report(self, problem);
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
