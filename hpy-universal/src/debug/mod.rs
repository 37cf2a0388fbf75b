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
//! What is reported ([`problem`]; how, in [`mod@report`]): use of a closed
//! (or unknown) handle, closing a handle twice, closing an argument or a
//! context constant, returning an argument or constant without `HPy_Dup`,
//! using a builder after `Build`/`Cancel` or a tracker after `Close`;
//! reading the text of `HPyUnicode_AsUTF8AndSize` (and the other pointers
//! tied to a handle) after the handle is closed faults ([`protect`]). Leaks
//! are found from Python, by asking for the handles still open
//! ([`python`]).
//!
//! Each call of an extension function gets the next of 16 copies of the
//! context, and a context function called with another call's copy is a
//! fatal error ("Wrong HPy Context!"): an extension that keeps its context
//! in a global between calls is caught, as in HPy. The global context (the
//! one the module got at load) stays valid in every call, which hpy-rs's
//! runtime relies on.
//!
//! A context function finds its state (its records, callbacks and copies:
//! [`mod@info`], one per interpreter) through its context's `_private`;
//! the states are made here, with their tables ([`new_info`]), and a
//! subinterpreter's is freed with it ([`interpreter_gone`]).

use core::cell::{Cell, RefCell};

use hpy_sys::host::UniversalContext;

mod checks;
#[rustfmt::skip]
mod generated;
mod handles;
mod handwritten;
mod info;
mod problem;
mod protect;
pub(crate) mod python;
mod report;
mod trampoline;

use handles::State;
use info::{current_info, DebugInfo, DEBUG, ROTATION, SUB_INFOS};
use problem::Kind;

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
/// the constants the state's handles stand for, live objects. The state
/// keeps this function ([`DebugInfo::new_info`]), with which
/// [`current_info`] makes another interpreter's state.
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
        new_info,
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
