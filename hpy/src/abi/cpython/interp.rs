//! Per-interpreter state of a CPython-ABI module (PEP 684: subinterpreters
//! with their own GIL). See hpy/DESIGN.md, "Subinterpreters".
//!
//! A module's `HPyGlobal` cells are `static`s. The *main* interpreter keeps
//! its objects in those cells, as before this existed; every other
//! interpreter that executes the module gets a *block*: one cell per global
//! its definition lists, in the order of [`GLOBALS`] (the listed addresses,
//! sorted). [`global_cell`] maps a static's cell to the running
//! interpreter's: the static itself while no other interpreter ever ran the
//! module (one relaxed load of [`SHARED`] and a branch), else by asking
//! CPython which interpreter is running.
//!
//! A block lives as long as one module object made from the definition in
//! its interpreter: the module's `m_free` ([`module_freed`]) releases the
//! block's references with that interpreter's GIL held. Blocks are found by
//! interpreter ID (never reused), not by `PyInterpreterState` address (a
//! later interpreter may get a freed one's).
//!
//! What is not an `HPyGlobal` (the caches of `ObjectCache`,
//! `DateTimeApiCache` and `InternedName`) is kept by the main interpreter
//! only: [`in_main`] tells them whether to use it.

use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{OnceLock, RwLock};

use hpy_sys::cpython::ffi::PyObject;
use hpy_sys::cpython::ffi::{
    PyInterpreterState_Get, PyInterpreterState_GetID, PyInterpreterState_Main,
};
use hpy_sys::cpython::{_hg2py, Py_XDECREF};
use hpy_sys::{HPy, HPyGlobal, HPyModuleDef};

/// Whether an interpreter other than the main one ever executed this
/// module (never cleared: a main-interpreter call then asks CPython which
/// interpreter runs it). Every thread of such an interpreter sees it set:
/// its exec set it before any call there, under that interpreter's GIL.
static SHARED: AtomicBool = AtomicBool::new(false);

/// `PyInterpreterState_Main()`, saved at each `PyInit_<name>` (before any
/// exec, so before anything reads it; saved again if an embedding program
/// finalizes Python and starts it again): a load here replaces a call into
/// CPython on the paths below.
static MAIN: AtomicPtr<c_void> = AtomicPtr::new(ptr::null_mut());

/// The main interpreter (see [`MAIN`]).
#[inline(always)]
fn main_interpreter() -> *mut c_void {
    MAIN.load(Ordering::Relaxed)
}

/// The module definition's globals, sorted by address: a block's cell `i`
/// stands for `GLOBALS[i]`.
static GLOBALS: OnceLock<Box<[usize]>> = OnceLock::new();

/// One interpreter's cells.
struct Block {
    /// `PyInterpreterState_GetID` of its interpreter.
    interp: i64,
    /// The module objects made in that interpreter whose exec ran and that
    /// are not freed yet (addresses, for `m_free`).
    modules: Vec<usize>,
    /// One cell per entry of [`GLOBALS`]; a boxed slice, so its address
    /// stays put while `BLOCKS` grows and shrinks.
    cells: Box<[UnsafeCell<HPyGlobal>]>,
}

// SAFETY: a block's cells are read and written only by its own
// interpreter's threads, under that interpreter's GIL (see `global_cell`),
// which serialises them; the rest of a block is guarded by `BLOCKS`.
unsafe impl Sync for Block {}
// SAFETY: as above; a block is plain data (the references its cells hold
// are released by its interpreter, in `module_freed`).
unsafe impl Send for Block {}

/// The blocks of the interpreters (other than the main one) that have the
/// module. Written at exec and `m_free`; read by [`global_cell`]'s slow path.
static BLOCKS: RwLock<Vec<Block>> = RwLock::new(Vec::new());

/// Remembers the globals `def` lists (`PyInit_<name>`, before any exec).
///
/// # Safety
/// `def` is a valid module definition whose `globals` is NULL or a
/// NULL-terminated array.
pub(super) unsafe fn remember_globals(def: *const HPyModuleDef) {
    // SAFETY: CPython is initialised (an import is running).
    MAIN.store(unsafe { PyInterpreterState_Main() }, Ordering::Relaxed);
    GLOBALS.get_or_init(|| {
        let mut all = Vec::new();
        // SAFETY: a NULL-terminated array (contract).
        unsafe {
            let list = (*def).globals;
            if !list.is_null() {
                let mut i = 0;
                while !(*list.add(i)).is_null() {
                    all.push(*list.add(i) as usize);
                    i += 1;
                }
            }
        }
        all.sort_unstable();
        all.dedup();
        all.into_boxed_slice()
    });
}

/// Whether the running interpreter is the main one, the one whose objects
/// the statics hold. Cheap while no other interpreter has the module.
///
/// Only with an attached thread state (inside a call).
#[inline(always)]
pub(crate) fn in_main() -> bool {
    !SHARED.load(Ordering::Relaxed) || in_main_slow()
}

#[cold]
#[inline(never)]
fn in_main_slow() -> bool {
    // SAFETY: a thread state is attached (contract of `in_main`).
    unsafe { PyInterpreterState_Get() == main_interpreter() }
}

/// The cell that stands for the static cell `home` in the running
/// interpreter: `home` itself in the main interpreter, else that
/// interpreter's block's, or `None` if it has none (its module is gone, or
/// the module does not list `home`).
///
/// Only with an attached thread state (inside a call). A block's cell is
/// used by its own interpreter's threads only, under its GIL, and lives as
/// long as a module object of that interpreter.
#[inline(always)]
pub(crate) fn global_cell(home: *mut HPyGlobal) -> Option<*mut HPyGlobal> {
    if !SHARED.load(Ordering::Relaxed) {
        return Some(home);
    }
    global_cell_shared(home)
}

#[cold]
#[inline(never)]
fn global_cell_shared(home: *mut HPyGlobal) -> Option<*mut HPyGlobal> {
    // SAFETY: a thread state is attached (contract of `global_cell`).
    let interp = unsafe { PyInterpreterState_Get() };
    if interp == main_interpreter() {
        return Some(home);
    }
    // SAFETY: the running interpreter.
    let id = unsafe { PyInterpreterState_GetID(interp) };
    let index = GLOBALS.get()?.binary_search(&(home as usize)).ok()?;
    let blocks = BLOCKS.read().unwrap_or_else(|e| e.into_inner());
    let block = blocks.iter().find(|b| b.interp == id)?;
    // The boxed cells outlive the lock guard (see above).
    block.cells.get(index).map(UnsafeCell::get)
}

/// The object the running interpreter's cell for `home` holds (see
/// [`global_cell`]), `None` if there is no such cell or it is empty: in
/// the main interpreter the static's value, unchecked (a caller reads
/// `home` only once it knows it holds an object).
///
/// # Safety
/// As [`global_cell`]; `home` is readable.
#[inline(always)]
pub(crate) unsafe fn global_object(home: *const HPyGlobal) -> Option<*mut PyObject> {
    if !SHARED.load(Ordering::Relaxed) {
        // SAFETY: readable (contract).
        return Some(_hg2py(unsafe { *home }));
    }
    let obj = global_object_shared(home);
    (!obj.is_null()).then_some(obj)
}

/// [`global_object`] once another interpreter has the module: NULL for
/// none.
#[cold]
#[inline(never)]
fn global_object_shared(home: *const HPyGlobal) -> *mut PyObject {
    match global_cell_shared(home.cast_mut()) {
        // SAFETY: a live cell of the running interpreter (see
        // `global_cell`).
        Some(cell) => _hg2py(unsafe { *cell }),
        None => ptr::null_mut(),
    }
}

/// The first thing a module's exec does: in an interpreter other than the
/// main one, makes sure it has a block (empty cells) and counts `module`
/// among the block's modules. Nothing in the main interpreter.
///
/// Only with an attached thread state; `module` is the module being
/// executed.
pub(crate) fn module_exec_begins(module: HPy) {
    let module = hpy_sys::cpython::_h2py(module);
    // SAFETY: a thread state is attached (contract).
    let interp = unsafe { PyInterpreterState_Get() };
    if interp == main_interpreter() {
        return;
    }
    SHARED.store(true, Ordering::Release);
    // SAFETY: the running interpreter.
    let id = unsafe { PyInterpreterState_GetID(interp) };
    let n = GLOBALS.get().map_or(0, |all| all.len());
    let mut blocks = BLOCKS.write().unwrap_or_else(|e| e.into_inner());
    let block = match blocks.iter().position(|b| b.interp == id) {
        Some(i) => &mut blocks[i],
        None => {
            blocks.push(Block {
                interp: id,
                modules: Vec::new(),
                cells: (0..n)
                    .map(|_| UnsafeCell::new(HPyGlobal { _i: 0 }))
                    .collect(),
            });
            blocks.last_mut().expect("just pushed")
        }
    };
    if !block.modules.contains(&(module as usize)) {
        block.modules.push(module as usize);
    }
}

/// The module definition's `m_free`: when the last module object of an
/// interpreter (other than the main one) whose exec ran is freed, its block
/// goes, and the references its cells hold are released (with that
/// interpreter's GIL, which CPython holds while it frees a module). The
/// main interpreter's statics keep theirs, as before subinterpreters.
///
/// # Safety
/// Called by CPython as `m_free`, with the module's interpreter's GIL held.
pub(crate) unsafe extern "C" fn module_freed(module: *mut c_void) {
    if !SHARED.load(Ordering::Acquire) {
        return;
    }
    // SAFETY: a thread state is attached (contract).
    let interp = unsafe { PyInterpreterState_Get() };
    if interp == main_interpreter() {
        return;
    }
    // SAFETY: the running interpreter.
    let id = unsafe { PyInterpreterState_GetID(interp) };
    let gone = {
        let mut blocks = BLOCKS.write().unwrap_or_else(|e| e.into_inner());
        let Some(i) = blocks.iter().position(|b| b.interp == id) else {
            return;
        };
        blocks[i].modules.retain(|&m| m != module as usize);
        if !blocks[i].modules.is_empty() {
            return;
        }
        blocks.swap_remove(i)
    };
    // Released outside the lock: a finalizer may run Python code that
    // loads a global, which then finds no block (an error, not a crash).
    for cell in Vec::from(gone.cells).into_iter().rev() {
        // SAFETY: a cell owns its (possibly NULL) reference, an object of
        // this interpreter, whose GIL is held (contract).
        unsafe { Py_XDECREF(_hg2py(cell.into_inner())) };
    }
}

/// Always `None`: this ABI's `HPy_GetConstant(Builtins)` is the running
/// interpreter's builtins dict already.
#[inline(always)]
pub(crate) fn running_builtins(_: *mut hpy_sys::HPyContext) -> Option<HPy> {
    None
}
