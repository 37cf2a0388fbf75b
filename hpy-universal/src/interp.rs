//! Per-interpreter state of the host (PEP 684: isolated subinterpreters
//! with their own GIL; hpy-universal/DESIGN.md, "Subinterpreters through
//! hpy_rs_universal").
//!
//! A universal binary is loaded once per process, so its `HPyGlobal` cells
//! are shared by every interpreter that imports it, and `HPyGlobal_Load`
//! receives a cell's *value*, not its address. While only the main
//! interpreter uses the host, a cell holds its object's address, as
//! before ([`ctx_Global_Load`] tests the sign and takes a reference). When
//! a subinterpreter loads a module ([`adopt_module`]), each cell its
//! definition lists gets a *key*: a small index, written into the cell as
//! the negative value `!key`, and the object the main interpreter kept
//! there moves to the main interpreter's table. From then on every
//! interpreter keeps its object for that cell at `key` in its own table
//! ([`Interp::values`]), found by interpreter ID. A binary that reads a
//! cell in place (hpy-rs's class checks on the plain context) takes a
//! value `<= 0` as "ask `HPyGlobal_Load`"; one that does not know this
//! (C HPy's, hpy-rs's before table version 7) never gets keys, because
//! the loader refuses to load it into a subinterpreter.
//!
//! A subinterpreter's table lives until that interpreter is finalized: a
//! capsule in its interpreter dict (`PyInterpreterState_GetDict`) releases
//! the table's references, with that interpreter's GIL held, when CPython
//! clears the dict. Keys and the main interpreter's table live as long as
//! some subinterpreter has a table: once none has (every subinterpreter
//! that loaded a module through the host is finalized), the main
//! interpreter's next look-up of a keyed cell ([`reclaim_keys`]) gives
//! every cell its object's address back, and the main interpreter runs
//! as it did before any subinterpreter came.
//!
//! Concurrency: interpreters with their own GIL run at once, so the tables
//! and the key map are behind one `RwLock` (loads take it shared, stores
//! and keying exclusively). A cell is written only by the main
//! interpreter's threads, or while keyed, holding the main interpreter's
//! GIL ([`adopt_module`]); once keyed it is not written again while any
//! subinterpreter has a table, so the binaries read it in place without
//! atomics (the keying makes the subinterpreter's table in the same
//! critical section, so no interpreter reads a key that can be taken back
//! under it). A table's values are
//! objects of its own interpreter, touched (their reference counts) only
//! by that interpreter's threads.

use core::ffi::{c_char, c_void};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicIsize, AtomicPtr, Ordering};
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock, RwLock};

use hpy_sys::cpython::ffi::{
    PyErr_SetString, PyExc_SystemError, PyInterpreterState_Get, PyInterpreterState_GetID,
    PyInterpreterState_Main, PyObject,
};
use hpy_sys::cpython::{_h2py, _py2h, Py_INCREF, Py_XDECREF, Py_XINCREF};
use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::{HPy, HPyGlobal, HPyModuleDef};

extern "C" {
    fn PyInterpreterState_GetDict(interp: *mut c_void) -> *mut PyObject;
    fn PyCapsule_GetPointer(capsule: *mut PyObject, name: *const c_char) -> *mut c_void;
    fn PyCapsule_New(
        pointer: *mut c_void,
        name: *const c_char,
        destructor: Option<unsafe extern "C" fn(*mut PyObject)>,
    ) -> *mut PyObject;
    fn PyDict_SetItemString(
        d: *mut PyObject,
        key: *const c_char,
        v: *mut PyObject,
    ) -> core::ffi::c_int;
    fn Py_DecRef(o: *mut PyObject);
    fn PyDict_GetItemString(d: *mut PyObject, key: *const c_char) -> *mut PyObject;
    fn PyEval_SaveThread() -> *mut c_void;
    fn PyEval_RestoreThread(tstate: *mut c_void);
    fn PyThreadState_New(interp: *mut c_void) -> *mut c_void;
    fn PyThreadState_Clear(tstate: *mut c_void);
    fn PyThreadState_DeleteCurrent();
}

/// Runs `f` on this thread holding the main interpreter's GIL instead of
/// the running subinterpreter's (a thread state of the main interpreter
/// made for the purpose), then gives the subinterpreter its thread back.
///
/// # Safety
/// Called in a subinterpreter with its GIL held; `f` calls nothing that
/// needs the subinterpreter's thread state, and takes no lock that a
/// thread holding the main interpreter's GIL may wait for while it holds
/// a lock `f` needs first.
pub(crate) unsafe fn with_main_gil<R>(f: impl FnOnce() -> R) -> R {
    // SAFETY: the documented way to run in another interpreter: detach
    // this one (its GIL released), attach a new thread state of the main
    // interpreter (its GIL taken), and back. The main interpreter's GIL is
    // free while its own thread runs code in this subinterpreter (3.12+
    // releases it when a thread switches interpreters).
    unsafe {
        let sub = PyEval_SaveThread();
        let main = PyThreadState_New(PyInterpreterState_Main());
        PyEval_RestoreThread(main);
        let r = f();
        PyThreadState_Clear(main);
        PyThreadState_DeleteCurrent();
        PyEval_RestoreThread(sub);
        r
    }
}

/// Whether a subinterpreter loaded a module through this host since the
/// keys were last taken back ([`reclaim_keys`]; never cleared before).
/// While it is false no cell holds a key, and nothing here takes a lock.
static SHARED: AtomicBool = AtomicBool::new(false);

/// Whether a subinterpreter loaded a module through this host (since the
/// keys were last taken back).
#[inline(always)]
pub(crate) fn shared() -> bool {
    SHARED.load(Ordering::Acquire)
}

/// One interpreter's objects for the keyed cells.
struct Interp {
    /// `PyInterpreterState_GetID` of the interpreter (never reused, unlike
    /// its address).
    id: i64,
    /// The object (an owned reference, or NULL) for each key.
    values: Vec<*mut PyObject>,
    /// The modules loaded through the host in that interpreter and not
    /// freed yet (addresses, for [`module_freed`]).
    modules: Vec<usize>,
}

/// The key map and the tables.
struct Tables {
    /// Each keyed cell's address and its key.
    keys: BTreeMap<usize, usize>,
    /// How many keys were given.
    next_key: usize,
    /// The tables of the interpreters that have one.
    interps: Vec<Interp>,
}

// SAFETY: the raw pointers are objects owned by the table; each is touched
// (its reference count) only by threads of its own interpreter, under its
// GIL (see the module doc); the rest is plain data behind `TABLES`.
unsafe impl Send for Tables {}
// SAFETY: as above.
unsafe impl Sync for Tables {}

static TABLES: RwLock<Tables> = RwLock::new(Tables {
    keys: BTreeMap::new(),
    next_key: 0,
    interps: Vec::new(),
});

/// The context in `slot`, made by `make` if there is none yet. A context
/// is made once for the process and never freed; the first use may come
/// from any interpreter, each with its own GIL, so making it takes a lock.
pub(crate) fn context_once(slot: &AtomicPtr<Ctx>, make: impl FnOnce() -> *mut Ctx) -> *mut Ctx {
    let existing = slot.load(Ordering::Acquire);
    if !existing.is_null() {
        return existing;
    }
    static MAKING: Mutex<()> = Mutex::new(());
    let _making = MAKING.lock().unwrap_or_else(|e| e.into_inner());
    let existing = slot.load(Ordering::Acquire);
    if !existing.is_null() {
        return existing;
    }
    let made = make();
    slot.store(made, Ordering::Release);
    made
}

/// The constants of a mode's context in the running interpreter (not the
/// main one): the plain context's (shared immortal objects on 3.12+), but
/// for `h_Builtins`, this interpreter's builtins dict (borrowed: it lives
/// as long as the interpreter, and the mode's state with it).
///
/// # Safety
/// `universal` is the plain universal context; the running interpreter's
/// GIL is held.
pub(crate) unsafe fn running_constants(universal: *const Ctx) -> Ctx {
    // SAFETY: the table is plain data (pointers, handles, numbers), so a
    // bitwise copy is a second table; the GIL is held (contract).
    unsafe {
        let mut constants = core::ptr::read(universal);
        constants.h_Builtins = _py2h(hpy_sys::cpython::ffi::PyEval_GetBuiltins());
        constants
    }
}

/// A mode's state for each interpreter other than the main one (the debug
/// and trace contexts' `_private`), made on first use in that interpreter
/// and freed when CPython finalizes it ([`PerInterpreter::take`], from
/// [`interpreter_gone`]). The main interpreter's state is the mode's global
/// table's and is never here.
pub(crate) struct PerInterpreter<T> {
    /// Interpreter ID and the address of its leaked state.
    states: Mutex<Vec<(i64, usize)>>,
    _state: PhantomData<fn() -> T>,
}

impl<T> PerInterpreter<T> {
    /// No states.
    pub(crate) const fn new() -> Self {
        PerInterpreter {
            states: Mutex::new(Vec::new()),
            _state: PhantomData,
        }
    }

    /// The running interpreter's state: `main`'s answer in the main
    /// interpreter, else its own ([`PerInterpreter::get_or_make`]).
    ///
    /// Only with the running interpreter's GIL held.
    #[inline]
    pub(crate) fn current(
        &self,
        main: impl FnOnce() -> &'static T,
        make: impl FnOnce() -> Box<T>,
    ) -> &'static T {
        if in_main() {
            return main();
        }
        self.get_or_make(make)
    }

    /// The running interpreter's state, made by `make` (under this
    /// registry's lock) if it has none yet; its interpreter then gets a
    /// keeper capsule, so that the state is freed with it.
    ///
    /// Only in an interpreter other than the main one, with its GIL held.
    #[cold]
    #[inline(never)]
    pub(crate) fn get_or_make(&self, make: impl FnOnce() -> Box<T>) -> &'static T {
        let id = current_id();
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&(_, state)) = states.iter().find(|(i, _)| *i == id) {
            // SAFETY: a leaked state, freed only with its interpreter
            // (`take`), which is running.
            return unsafe { &*(state as *const T) };
        }
        let state: &'static T = Box::leak(make());
        states.push((id, state as *const T as usize));
        drop(states);
        // SAFETY: this interpreter's GIL is held (contract).
        if unsafe { keep_until_finalized() }.is_err() {
            // The state then lives as long as the process: only memory.
            // SAFETY: the GIL is held; the exception is this call's own.
            unsafe { hpy_sys::cpython::ffi::PyErr_Clear() };
        }
        state
    }

    /// Removes interpreter `id`'s state, to be freed by the caller.
    ///
    /// # Safety
    /// Interpreter `id` is being finalized (none of its calls runs, so no
    /// reference [`PerInterpreter::get_or_make`] gave out is used again).
    pub(crate) unsafe fn take(&self, id: i64) -> Option<Box<T>> {
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        let i = states.iter().position(|(i, _)| *i == id)?;
        let state = states.swap_remove(i).1;
        // SAFETY: leaked by `get_or_make` and now unreachable (contract).
        Some(unsafe { Box::from_raw(state as *mut T) })
    }
}

/// The capsule name of a subinterpreter's table's keeper.
const KEEPER_NAME: &core::ffi::CStr = c"hpy_rs_universal.interpreter_state";

/// Whether the running interpreter is the main one.
///
/// Only with an attached thread state.
pub(crate) fn in_main() -> bool {
    // SAFETY: a thread state is attached (contract).
    unsafe { PyInterpreterState_Get() == PyInterpreterState_Main() }
}

/// The running interpreter's ID.
fn current_id() -> i64 {
    // SAFETY: a thread state is attached (every caller runs in a call).
    unsafe { PyInterpreterState_GetID(PyInterpreterState_Get()) }
}

/// The main interpreter's ID.
fn main_id() -> i64 {
    // SAFETY: CPython is initialised.
    unsafe { PyInterpreterState_GetID(PyInterpreterState_Main()) }
}

/// The encoded value of key `key` in a cell.
#[inline(always)]
fn encode(key: usize) -> isize {
    !(key as isize)
}

/// A cell as the atomic it is shared as.
///
/// # Safety
/// `cell` is a live, aligned `HPyGlobal`, accessed only atomically by the
/// host while interpreters run at once.
unsafe fn atomic(cell: *mut HPyGlobal) -> &'static AtomicIsize {
    // SAFETY: `HPyGlobal` is `repr(C)` with one `isize` (contract).
    unsafe { AtomicIsize::from_ptr(cell.cast::<isize>()) }
}

impl Tables {
    /// The table of interpreter `id`, made if it has none.
    fn table_of(&mut self, id: i64) -> &mut Interp {
        let i = match self.interps.iter().position(|t| t.id == id) {
            Some(i) => i,
            None => {
                self.interps.push(Interp {
                    id,
                    values: Vec::new(),
                    modules: Vec::new(),
                });
                self.interps.len() - 1
            }
        };
        &mut self.interps[i]
    }

    /// Puts `value` (an owned reference or NULL) at `key` of interpreter
    /// `id`'s table and returns what was there (owned).
    fn swap(&mut self, id: i64, key: usize, value: *mut PyObject) -> *mut PyObject {
        let table = self.table_of(id);
        if table.values.len() <= key {
            table.values.resize(key + 1, core::ptr::null_mut());
        }
        core::mem::replace(&mut table.values[key], value)
    }
}

/// Gives the globals `def` lists keys, before a subinterpreter executes a
/// module of `def`, and makes sure the running interpreter's table will be
/// released when it is finalized. Nothing for the main interpreter.
///
/// # Safety
/// `def` is a valid module definition whose `globals` is NULL or a
/// NULL-terminated array of cells that live as long as the process; the
/// GIL of the running interpreter is held.
pub(crate) unsafe fn adopt_module(def: *const HPyModuleDef) -> Result<(), ()> {
    if in_main() {
        return Ok(());
    }
    let id = current_id();
    let main = main_id();
    // A cell is written in place only here, holding the main interpreter's
    // GIL: the binaries read cells in place (hpy-rs's class checks) with
    // no atomics, and until now only the main interpreter may have used
    // these (another interpreter that had the module keyed them then).
    // Lock order: the main interpreter's GIL, then `TABLES`, as every
    // thread of the main interpreter takes them.
    // SAFETY: the running interpreter's GIL is held (contract); the
    // closure only takes `TABLES`.
    unsafe { with_main_gil(|| key_cells(def, main, id)) };
    // SAFETY: the running interpreter's GIL is held (contract).
    unsafe { keep_until_finalized() }
}

/// Gives each cell `def` lists a key, if it has none, moving what the main
/// interpreter (`main`) kept there to its table, and makes the table of
/// the subinterpreter `id` that loads it (in the same critical section:
/// while it has a table, [`reclaim_keys`] leaves the keys alone).
///
/// # Safety
/// As [`adopt_module`]'s `def`; the main interpreter's GIL is held.
unsafe fn key_cells(def: *const HPyModuleDef, main: i64, id: i64) {
    {
        let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
        SHARED.store(true, Ordering::Release);
        tables.table_of(id);
        // SAFETY: a NULL-terminated array of live cells (contract).
        unsafe {
            let list = (*def).globals;
            let mut i = 0;
            while !list.is_null() && !(*list.add(i)).is_null() {
                let cell = *list.add(i);
                i += 1;
                if tables.keys.contains_key(&(cell as usize)) {
                    continue;
                }
                let key = tables.next_key;
                tables.next_key += 1;
                tables.keys.insert(cell as usize, key);
                // What the main interpreter kept (it alone used the cell
                // so far: no other interpreter had the module) moves to
                // its table; none of its threads runs meanwhile.
                let old = atomic(cell).swap(encode(key), Ordering::AcqRel);
                if old > 0 {
                    tables.swap(main, key, old as *mut PyObject);
                }
            }
        }
    }
}

/// Counts `module`, just made through the host, among the running
/// interpreter's (not the main one's): when the last of them is freed
/// ([`module_freed`]) the interpreter's objects are released.
///
/// Only with the running interpreter's GIL held.
pub(crate) fn module_loaded(module: *mut PyObject) {
    if !SHARED.load(Ordering::Acquire) || in_main() {
        return;
    }
    let id = current_id();
    let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
    tables.table_of(id).modules.push(module as usize);
}

/// The `m_free` of every module the host makes: when the last module an
/// interpreter (not the main one) loaded through the host is freed, its
/// objects are released, with its GIL held (CPython frees modules while it
/// finalizes their interpreter, before its last garbage collection, which
/// then collects what they kept: types are in reference cycles of their
/// own, which a release after that collection would leave behind, and
/// with them the interpreter's memory).
///
/// # Safety
/// Called by CPython as `m_free`, with the module's interpreter's GIL.
pub(crate) unsafe extern "C" fn module_freed(module: *mut c_void) {
    if !SHARED.load(Ordering::Acquire) || in_main() {
        return;
    }
    let id = current_id();
    let values = {
        let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
        let Some(table) = tables.interps.iter_mut().find(|t| t.id == id) else {
            return;
        };
        let before = table.modules.len();
        table.modules.retain(|&m| m != module as usize);
        if table.modules.len() == before || !table.modules.is_empty() {
            return;
        }
        core::mem::take(&mut table.values)
    };
    release(values);
}

/// Releases a table's references (outside the lock: a finalizer may load
/// a global, which then finds nothing), last first.
fn release(values: Vec<*mut PyObject>) {
    for value in values.into_iter().rev() {
        // SAFETY: owned references of the running interpreter (the
        // table's), whose GIL the callers hold.
        unsafe { Py_XDECREF(value) };
    }
}

/// Makes sure the running interpreter (not the main one) has a capsule in
/// its dict whose destructor ([`interpreter_gone`]) releases what the host
/// keeps for it (its globals' table, its debug and trace states) when CPython
/// finalizes it. Err with an exception set if that failed.
///
/// # Safety
/// The GIL of the running interpreter is held.
unsafe fn keep_until_finalized() -> Result<(), ()> {
    let id = current_id();
    // SAFETY: the GIL is held; the capsule's pointer is the ID (plus one,
    // never NULL as a capsule requires), not dereferenced; the dict and
    // the item looked up are borrowed.
    unsafe {
        let dict = PyInterpreterState_GetDict(PyInterpreterState_Get());
        if dict.is_null() {
            PyErr_SetString(
                PyExc_SystemError,
                c"hpy_rs_universal: this interpreter has no state dict".as_ptr(),
            );
            return Err(());
        }
        if !PyDict_GetItemString(dict, KEEPER_NAME.as_ptr()).is_null() {
            return Ok(());
        }
        let capsule = PyCapsule_New(
            (id as usize + 1) as *mut c_void,
            KEEPER_NAME.as_ptr(),
            Some(interpreter_gone),
        );
        if capsule.is_null() {
            return Err(());
        }
        let rc = PyDict_SetItemString(dict, KEEPER_NAME.as_ptr(), capsule);
        Py_DecRef(capsule);
        if rc < 0 {
            return Err(());
        }
    }
    Ok(())
}

/// The destructor of a subinterpreter's keeper capsule: CPython clears the
/// interpreter's dict while it finalizes the interpreter, with its GIL
/// held. The table's references are released (outside the lock: a
/// finalizer may load a global, which then finds nothing), then the table
/// goes: only then may the main interpreter take the keys back
/// ([`reclaim_keys`]), when no finalizer of this interpreter runs any more.
///
/// # Safety
/// Called by CPython with a keeper capsule.
unsafe extern "C" fn interpreter_gone(capsule: *mut PyObject) {
    // SAFETY: a keeper capsule, whose pointer is its interpreter's ID + 1.
    let id = unsafe { PyCapsule_GetPointer(capsule, KEEPER_NAME.as_ptr()) } as usize as i64 - 1;
    let values = {
        let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
        tables
            .interps
            .iter_mut()
            .find(|t| t.id == id)
            .map(|t| core::mem::take(&mut t.values))
            .unwrap_or_default()
    };
    release(values);
    {
        let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = tables.interps.iter().position(|t| t.id == id) {
            // What a finalizer stored meanwhile goes with the table.
            let late = core::mem::take(&mut tables.interps.swap_remove(i).values);
            drop(tables);
            release(late);
        }
    }
    for release_mode_state in MODE_STATE_RELEASERS.get().copied().unwrap_or_default() {
        release_mode_state(id);
    }
}

/// What each mode (debug, trace) frees of a finalized interpreter's state,
/// called in this order by [`interpreter_gone`] once the interpreter's
/// globals' table is released. The modes are built on this module
/// ([`PerInterpreter`]), so it names none of them: the module's exec
/// function hands their functions over ([`release_mode_states_with`]).
static MODE_STATE_RELEASERS: OnceLock<&'static [fn(i64)]> = OnceLock::new();

/// Makes [`interpreter_gone`] call `releasers`, in order, with the ID of
/// each interpreter it finalizes. Called by every interpreter that executes
/// `hpy_rs_universal`, as the module's exec function starts, and so before
/// any mode can have a state to free (a mode makes one only in a call of
/// the module's functions): the first call sets the list, and the later
/// ones, which hand over the same list, change nothing.
pub(crate) fn release_mode_states_with(releasers: &'static [fn(i64)]) {
    // Err only when the list is already set, to this same list.
    let _ = MODE_STATE_RELEASERS.set(releasers);
}

/// `ctx_Global_Store` of the plain context: as the CPython ABI's while the
/// cell holds an address; the running interpreter's table for a keyed
/// cell.
///
/// # Safety
/// As `HPyGlobal_Store`; the GIL is held.
#[allow(non_snake_case)] // named after the context field
pub(crate) unsafe extern "C" fn ctx_Global_Store(_ctx: *mut Ctx, cell: *mut HPyGlobal, h: HPy) {
    let obj = _h2py(h);
    // SAFETY: `h` is a live handle or NULL (the API's contract).
    unsafe { Py_XINCREF(obj) };
    // SAFETY: `cell` is a listed global of a loaded binary (contract).
    let a = unsafe { atomic(cell) };
    if !SHARED.load(Ordering::Acquire) {
        let old = a.load(Ordering::Acquire);
        // A compare-exchange rather than a store: a subinterpreter may
        // give the cell a key meanwhile (then the store goes to the table).
        if old >= 0
            && a.compare_exchange(old, obj as isize, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            // Released last: its finalizer may use this global (issue 25).
            // SAFETY: the cell's previous reference, of this interpreter.
            unsafe { Py_XDECREF(old as *mut PyObject) };
            return;
        }
    }
    if in_main() && a.load(Ordering::Acquire) < 0 && reclaim_keys(None).is_some() {
        // The cell holds an address again (or NULL): stored as before any
        // subinterpreter came.
        let old = a.swap(obj as isize, Ordering::AcqRel);
        // SAFETY: the cell's previous reference, of this interpreter.
        unsafe { Py_XDECREF(old as *mut PyObject) };
        return;
    }
    let old = {
        let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
        match tables.keys.get(&(cell as usize)).copied() {
            // A keyed cell itself is never written again (other
            // interpreters read it in place): the running interpreter's
            // table is.
            Some(key) => tables.swap(current_id(), key, obj),
            // Not keyed: only the main interpreter uses it.
            None => a.swap(obj as isize, Ordering::AcqRel) as *mut PyObject,
        }
    };
    // SAFETY: as above.
    unsafe { Py_XDECREF(old) };
}

/// `ctx_Global_Load` of the plain context: a new reference to the object
/// a cell's value names (an address, or a key of the running
/// interpreter's table).
///
/// # Safety
/// As `HPyGlobal_Load`; the GIL is held.
#[allow(non_snake_case)] // named after the context field
pub(crate) unsafe extern "C" fn ctx_Global_Load(_ctx: *mut Ctx, global: HPyGlobal) -> HPy {
    if global._i >= 0 {
        let obj = global._i as *mut PyObject;
        // SAFETY: a stored global holds a live reference (contract).
        unsafe { Py_INCREF(obj) };
        return _py2h(obj);
    }
    load_keyed(!global._i as usize)
}

/// [`ctx_Global_Load`] of a keyed cell.
#[cold]
#[inline(never)]
fn load_keyed(key: usize) -> HPy {
    if in_main() {
        if let Some(obj) = reclaim_keys(Some(key)) {
            // SAFETY: the cell's reference, now the main interpreter's
            // again; its GIL is held.
            unsafe { Py_XINCREF(obj) };
            return null_checked(obj);
        }
    }
    let id = current_id();
    let obj = {
        let tables = TABLES.read().unwrap_or_else(|e| e.into_inner());
        let obj = tables
            .interps
            .iter()
            .find(|t| t.id == id)
            .and_then(|t| t.values.get(key).copied())
            .unwrap_or(core::ptr::null_mut());
        // Taken under the lock, so that a store cannot release it first;
        // an object of this interpreter (its table's).
        // SAFETY: live while the table holds it; this interpreter's GIL.
        unsafe { Py_XINCREF(obj) };
        obj
    };
    null_checked(obj)
}

/// `obj` as a handle, with a `SystemError` set if it is NULL (a global
/// that holds nothing in the running interpreter).
fn null_checked(obj: *mut PyObject) -> HPy {
    if obj.is_null() {
        // SAFETY: the GIL is held (every caller runs in a call).
        unsafe {
            PyErr_SetString(
                PyExc_SystemError,
                c"HPyGlobal_Load: the global holds nothing in this interpreter".as_ptr(),
            );
        }
    }
    _py2h(obj)
}

/// In the main interpreter, once no subinterpreter has a table (each one
/// that loaded a module through the host has been finalized): writes each
/// keyed cell's object (the main interpreter's, from its table) back into
/// the cell as an address, forgets the keys and the main interpreter's
/// table, and returns what cell `key` now holds (borrowed; NULL if
/// nothing). `None` if a subinterpreter still has a table (nothing
/// changed). With no key asked (`None`), returns `Some(NULL)` when the
/// keys were taken back.
///
/// Safe to write the cells: no thread of another interpreter can be
/// reading them (none has a table, and a new one makes its table and
/// keys its cells holding the main interpreter's GIL, which the caller
/// holds, under the write lock taken here), and the main interpreter's
/// threads wait for its GIL.
///
/// Only in the main interpreter, with its GIL held.
#[cold]
#[inline(never)]
fn reclaim_keys(key: Option<usize>) -> Option<*mut PyObject> {
    let main = main_id();
    let mut tables = TABLES.write().unwrap_or_else(|e| e.into_inner());
    if tables.keys.is_empty() || tables.interps.iter().any(|t| t.id != main) {
        return None;
    }
    let mut values = tables.interps.pop().map(|t| t.values).unwrap_or_default();
    let mut asked = core::ptr::null_mut();
    for (&cell, &k) in &tables.keys {
        let value = values.get_mut(k).map_or(core::ptr::null_mut(), |v| {
            core::mem::replace(v, core::ptr::null_mut())
        });
        if Some(k) == key {
            asked = value;
        }
        // The table's reference moves into the cell.
        // SAFETY: a listed cell of a loaded binary (they live as long as
        // the process); nobody else reads or writes it now (above).
        unsafe { atomic(cell as *mut HPyGlobal) }.store(value as isize, Ordering::Release);
    }
    tables.keys.clear();
    tables.next_key = 0;
    SHARED.store(false, Ordering::Release);
    Some(asked)
}

/// How many cells hold a key (`hpy_rs_universal._keyed_globals()`): 0
/// while no subinterpreter has loaded a module through the host, and
/// again once the main interpreter has taken the keys back.
pub(crate) fn keyed_globals() -> usize {
    TABLES.read().unwrap_or_else(|e| e.into_inner()).keys.len()
}

/// [`hpy_sys::PlainContextExt::builtins`]: the running interpreter's
/// builtins dict, a new reference.
///
/// # Safety
/// The GIL is held.
pub(crate) unsafe extern "C" fn builtins() -> HPy {
    // SAFETY: the GIL is held; a borrowed dict, referenced for the caller.
    unsafe {
        let dict = hpy_sys::cpython::ffi::PyEval_GetBuiltins();
        Py_XINCREF(dict);
        _py2h(dict)
    }
}
