//! The CPython ABI's side of the seam (see `mod.rs`): an `HPy` is the
//! `PyObject*` itself (hpy-sys's `_py2h`/`_h2py`), HPy functions are calls
//! into CPython's C API that never read their context, and CPython calls
//! the HPy-convention functions through trampolines that convert nothing.

use core::ffi::{c_char, c_int, c_void};
use core::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use hpy_sys::cpython::{_h2py, _py2h};
use hpy_sys::{cpy_PyObject, HPy, HPyContext, HPyDef, HPyField, HPyGlobal};

use super::HostProfile;
use crate::{Context, HPyErr, HPyResult};

mod interp;
mod stdlib;
pub(crate) use interp::{global_cell, in_main, module_exec_begins};

/// Always `None`: this ABI's `HPy_GetConstant(Builtins)` is the running
/// interpreter's builtins dict already.
#[inline(always)]
pub(crate) fn running_builtins(_: *mut HPyContext) -> Option<HPy> {
    None
}
pub(crate) use stdlib::*;

/// The raw context as stored inside [`Context`](crate::Context): nothing,
/// since no HPy function of this ABI reads its context (a `Context` is
/// zero-sized and a [`Handle`](crate::Handle) is exactly one `PyObject*`).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(());

impl RawContext {
    /// Wraps the context pointer an HPy entry point received.
    ///
    /// # Safety
    /// None in this ABI (`ctx` is ignored); `unsafe` for the universal
    /// ABI's contract: the non-null context passed to the current call.
    #[inline(always)]
    pub unsafe fn new(ctx: *mut HPyContext) -> Self {
        let _ = ctx;
        RawContext(())
    }

    /// The pointer to pass as the `ctx` argument of `hpy_sys` functions.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        ptr::null_mut()
    }
}

// ---- the HPy-convention entry points ----

/// Wraps each HPy-convention entry point that a trampoline below calls
/// (`impl_noargs` …): `#[inline]` here, so that its trampoline, which
/// receives it as a function pointer (constant at each call), inlines it
/// as it did when it called the entry point itself. Without the hint LLVM
/// makes a tail call of it (3-6 instructions more per call in `bench/run`).
macro_rules! entry_point {
    ($item:item) => {
        #[inline]
        $item
    };
}
pub(crate) use entry_point;

// ---- the CPython-convention trampolines (one per row of the table) ----

macro_rules! cpython_trampolines {
    (plain: $(
        $name:ident = $sig:ident, $fty:ident, $block:ident,
            ($($arg:ident : $kind:ident),*) -> $ret:ident;
    )*) => {$(
        #[doc = concat!("`", stringify!($sig), "` called by CPython: calls `f` directly.")]
        ///
        /// # Safety
        /// The arguments are those CPython passes to a function of this
        /// signature, valid for the call; `f` (the entry point HPy calls)
        /// and `d` (its direct variant, the one called here) are functions
        /// of it.
        // One per row of the table; the slots HPy 0.9 cannot fill have none
        // that uses them.
        #[allow(dead_code)]
        #[inline(always)]
        pub unsafe fn $name(f: hpy_sys::$fty, d: hpy_sys::$fty, $($arg: cpy_ty!($kind)),*) -> cpy_ret!($ret) {
            let _ = f;
            // SAFETY: the caller's contract; in this ABI the handles are
            // the objects and no HPy function reads the context.
            let r = unsafe { d(ptr::null_mut(), $(object_to_handle!($kind, $arg)),*) };
            handle_to_object!($ret, r)
        }
    )*};
    // Written out below.
    (custom: $($rows:tt)*) => {};
}

hpy_sys::hpyfunc_signatures!(cpython_trampolines);

/// The items of an argument tuple as handles (the same pointers in this
/// ABI), and their count.
///
/// # Safety
/// `args` must be a tuple.
#[inline(always)]
unsafe fn tuple_items(args: *mut cpy_PyObject) -> (*const HPy, hpy_sys::HPy_ssize_t) {
    // SAFETY: a tuple (contract); its item array outlives the call.
    unsafe {
        (
            hpy_sys::cpython::_PyTuple_ITEMS(args.cast()).cast(),
            hpy_sys::cpython::PyTuple_GET_SIZE(args.cast()),
        )
    }
}

/// The items of `tuple` as handles that own no reference (the same
/// pointers in this ABI), and their count; `None`: read them through the
/// HPy API (always in the universal ABI).
///
/// # Safety
/// `tuple` must be a tuple (or an instance of a subclass).
#[inline(always)]
pub unsafe fn tuple_items_borrowed(tuple: HPy) -> Option<(*const HPy, usize)> {
    // SAFETY: a tuple (contract).
    let (items, n) = unsafe { tuple_items(_h2py(tuple).cast()) };
    Some((items, n as usize))
}

/// `HPyFunc_NEWFUNC` called by CPython (`tp_new`): the tuple's items are
/// passed as the argument array.
///
/// # Safety
/// As CPython calls `tp_new`: a type, a tuple, a dict or NULL; `f` (the
/// entry point HPy calls) and `d` (its direct variant, called here) are
/// functions of this signature.
#[inline(always)]
pub unsafe fn newfunc(
    f: hpy_sys::HPyFunc_newfunc,
    d: hpy_sys::HPyFunc_newfunc,
    self_: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
) -> super::ObjectResult {
    let _ = f;
    // SAFETY: the caller's contract; `args` is a tuple.
    unsafe {
        let (items, n) = tuple_items(args);
        _h2py(d(ptr::null_mut(), _py2h(self_), items, n, _py2h(kw)))
    }
}

/// `HPyFunc_INITPROC` called by CPython (`tp_init`), as [`newfunc`].
///
/// # Safety
/// As CPython calls `tp_init`; `f` and `d` as for [`newfunc`].
#[inline(always)]
pub unsafe fn initproc(
    f: hpy_sys::HPyFunc_initproc,
    d: hpy_sys::HPyFunc_initproc,
    self_: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
) -> c_int {
    let _ = f;
    // SAFETY: the caller's contract; `args` is a tuple.
    unsafe {
        let (items, n) = tuple_items(args);
        d(ptr::null_mut(), _py2h(self_), items, n, _py2h(kw))
    }
}

/// `HPyFunc_TRAVERSEPROC` called by CPython (`tp_traverse`): hpy-sys's
/// runtime converts the visitor and passes the object's data.
///
/// # Safety
/// As CPython calls `tp_traverse`; `f` and `d` (unused) are functions of
/// this signature.
#[inline(always)]
pub unsafe fn traverseproc(
    f: hpy_sys::HPyFunc_traverseproc,
    d: hpy_sys::HPyFunc_traverseproc,
    self_: *mut cpy_PyObject,
    visit: hpy_sys::cpy_visitproc,
    arg: *mut c_void,
) -> c_int {
    let _ = d;
    // SAFETY: forwarded.
    unsafe { hpy_sys::call_traverseproc_from_trampoline(f, self_, visit, arg) }
}

/// `HPyFunc_CAPSULE_DESTRUCTOR` called by CPython (`PyCapsule_Destructor`):
/// reads the capsule's parts and calls `f` directly.
///
/// # Safety
/// `capsule` is a live capsule being destroyed.
pub unsafe fn capsule_destructor(
    f: unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void),
    capsule: *mut cpy_PyObject,
) {
    let h = _py2h(capsule);
    let ctx = ptr::null_mut();
    // SAFETY: `capsule` is a live capsule (contract); the name read first is
    // the one the pointer is stored under, so no error is raised.
    unsafe {
        let name = hpy_sys::HPyCapsule_GetName(ctx, h);
        let pointer = hpy_sys::HPyCapsule_GetPointer(ctx, h, name);
        let context = hpy_sys::HPyCapsule_GetContext(ctx, h);
        f(name, pointer, context);
    }
}

// ---- receivers (issue 25, N1/N2) ----

/// CPython refuses `obj.__class__ = Other` between hpy-rs classes (their
/// types are immutable, and Python subclasses' layouts differ) and never
/// destroys an object its `__del__` kept: blocks record nothing here, and
/// receivers need no check beyond the interpreter's (see the universal
/// ABI's `class_tag`).
#[derive(Clone, Copy)]
pub(crate) struct BlockTag;

impl BlockTag {
    /// Nothing to record (generic like the universal ABI's).
    #[inline(always)]
    #[allow(clippy::extra_unused_type_parameters)]
    pub(crate) fn of<T: crate::HPyClass>() -> Self {
        BlockTag
    }
}

/// Nothing to record.
///
/// # Safety
/// None here; as in the universal ABI.
#[inline(always)]
pub(crate) unsafe fn tag_instance<T: crate::HPyClass>(_start: *mut u8) {}

/// Nothing to check: the interpreter does.
///
/// # Safety
/// None here; as in the universal ABI.
#[inline(always)]
#[allow(clippy::extra_unused_type_parameters)] // generic like the universal ABI's
pub(crate) unsafe fn check_block<T: crate::HPyClass>(
    _obj: &crate::Borrowed<'_, '_>,
    _start: *mut u8,
) -> HPyResult<()> {
    Ok(())
}

/// Drops the instance's values as `T`'s: the object never changed class.
///
/// # Safety
/// `start` is the data of a dying instance of `T` (or of a subclass).
#[inline(always)]
pub(crate) unsafe fn destroy_instance<T: crate::HPyClass>(start: *mut u8) {
    // SAFETY: forwarded.
    unsafe { crate::runtime::class::destroy_chain::<T>(start) }
}

// ---- module init ----

/// Nothing to save: the trampolines need no context in this ABI.
///
/// # Safety
/// None here; `unsafe` to match the universal ABI's.
#[inline(always)]
pub(crate) unsafe fn save_trampoline_context(ctx: *mut HPyContext) {
    let _ = ctx;
}

/// Never: nothing to record in this ABI.
#[inline(always)]
pub(crate) const fn calls_tracked() -> bool {
    false
}

/// Nothing to record in this ABI (see the universal ABI's `enter_call`).
#[derive(Clone, Copy)]
pub(crate) struct CallScope;

/// No-op: a dropped error clears its exception without a context here.
#[inline(always)]
pub(crate) fn enter_call(ctx: *mut HPyContext) -> CallScope {
    let _ = ctx;
    CallScope
}

/// No-op (see [`enter_call`]).
#[inline(always)]
pub(crate) fn leave_call(scope: CallScope) {
    let _ = scope;
}

/// `PyInit_<name>`: HPy's runtime turns the `HPyModuleDef` into a
/// multi-phase `PyModuleDef`.
///
/// # Safety
/// `def` must point to a valid, static `HPyModuleDef`.
pub unsafe fn cpython_module_init(
    def: *mut hpy_sys::HPyModuleDef,
    per_interpreter_gil: bool,
) -> *mut cpy_PyObject {
    install_error_discarding();
    crate::runtime::trampoline::install_panic_hook();
    // SAFETY: forwarded from this function's contract; called by CPython
    // with the GIL held during import, before any exec of the module.
    unsafe {
        interp::remember_globals(def);
        hpy_sys::cpython::runtime::hpy_rs_module_def_init(
            def,
            hpy_sys::cpython::runtime::ModuleInterpreters {
                per_interpreter_gil,
                free: Some(interp::module_freed),
            },
        )
    }
}

/// The module's exported init symbol: `PyInit_<name>` only.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_module_for_abi {
    ($def:ident, $per_interpreter_gil:literal, $py_init:ident, $hpy_init:ident, $global_ctx:ident, $major:ident, $minor:ident, $subinterpreters:ident) => {
        /// CPython ABI entry point of the module.
        ///
        /// # Safety
        /// Called by CPython's import machinery only.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $py_init() -> *mut $crate::impl_::cpy_PyObject {
            // SAFETY: the definition is a static built by hpy_module!.
            unsafe {
                $crate::impl_::cpython_module_init(
                    $crate::impl_::StaticModuleDef::as_ptr(&$def),
                    $per_interpreter_gil,
                )
            }
        }
    };
}

// ---- errors, signals, panics ----

/// The host's quirks: none (hpy-rs's own runtime on CPython).
pub(crate) const ASSUMED_PROFILE: HostProfile = HostProfile::CPYTHON_ABI;

/// The host's profile: a constant in this ABI.
#[inline(always)]
pub(crate) const fn host_profile() -> HostProfile {
    HostProfile::CPYTHON_ABI
}

// Dropping an `HPyErr` that stands for a set exception clears it (see
// `err.rs`), which only a thread holding the interpreter may do. An
// `HPyErr` is `Send` (so `allow_threads` closures can return one) and can
// be kept in a thread-local, so its drop may run anywhere.

/// [`discard_interpreter_error`]'s work, installed by the module's
/// `PyInit_<name>` (so that code which never runs in an interpreter, such
/// as doctests, links no Python symbol through `HPyErr`'s `Drop`).
static DISCARD: AtomicPtr<()> = AtomicPtr::new(ptr::null_mut());

/// Makes dropped errors clear their exception (module init).
fn install_error_discarding() {
    let f: fn() = clear_if_attached;
    DISCARD.store(f as *mut (), Ordering::Release);
}

/// Clears the current exception if this thread holds the GIL
/// (`PyGILState_Check`, callable from any thread), else does nothing.
fn clear_if_attached() {
    // SAFETY: PyGILState_Check may be called without the GIL; PyErr_Clear
    // only runs when this thread holds it.
    unsafe {
        if hpy_sys::cpython::ffi::PyGILState_Check() != 0 {
            hpy_sys::cpython::ffi::PyErr_Clear();
        }
    }
}

/// Clears the interpreter's current exception if this thread holds the GIL
/// (nothing before any module was initialised).
pub fn discard_interpreter_error() {
    let f = DISCARD.load(Ordering::Acquire);
    if !f.is_null() {
        // SAFETY: only ever set to `clear_if_attached`, a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<*mut (), fn()>(f) };
        f();
    }
}

/// [`Context::check_signals`]: `PyErr_CheckSignals`.
pub fn check_signals(ctx: Context<'_>) -> HPyResult<()> {
    // SAFETY: called with the GIL held (a live context).
    if unsafe { hpy_sys::cpython::ffi::PyErr_CheckSignals() } != 0 {
        return Err(HPyErr::raised(ctx));
    }
    Ok(())
}

/// The panic hook's report of a panic: none for a panic on a thread
/// holding the GIL (Rust code there runs inside a call from Python, whose
/// entry point catches it), the previous hook's otherwise.
pub fn report_panic(
    info: &std::panic::PanicHookInfo<'_>,
    previous: &(dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync),
) {
    // SAFETY: callable from any thread, with or without the GIL.
    if unsafe { hpy_sys::cpython::ffi::PyGILState_Check() } != 0 {
        return;
    }
    previous(info);
}

// ---- sequences ----

/// The start of a `list` object (`PyListObject`, the same from CPython 3.11
/// to 3.15): the variable-size header, then the item array.
#[repr(C)]
struct ListHead {
    ob_base: hpy_sys::cpython::PyVarObject,
    ob_item: *mut *mut cpy_PyObject,
}

/// The item array and current length of `obj` if it is exactly a `list`
/// or a `tuple`, borrowed: valid only until Python code runs (which may
/// change a list). `None`: another type (always in the universal ABI).
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub unsafe fn list_or_tuple_items(obj: HPy) -> Option<(*const HPy, usize)> {
    use hpy_sys::cpython::{_PyTuple_ITEMS, Py_SIZE, Py_TYPE};
    use hpy_sys::HPyConstant;
    // SAFETY: `obj` is a live object (contract). An exact list starts with
    // `ListHead` and a tuple's items are where `_PyTuple_ITEMS` says (layout
    // test); a handle is the `PyObject*` in this ABI.
    unsafe {
        let o = _h2py(obj);
        let ty = Py_TYPE(o) as isize;
        let items: *const *mut cpy_PyObject =
            if ty == hpy_sys::HPy_GetConstant(ptr::null_mut(), HPyConstant::ListType)._i {
                (*o.cast::<ListHead>()).ob_item
            } else if ty == hpy_sys::HPy_GetConstant(ptr::null_mut(), HPyConstant::TupleType)._i {
                _PyTuple_ITEMS(o)
            } else {
                return None;
            };
        Some((items.cast::<HPy>(), Py_SIZE(o) as usize))
    }
}

/// Whether `obj` is exactly a `dict` (no subclass, whose `__getitem__` or
/// `__setitem__` may differ).
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
unsafe fn is_exact_dict(obj: HPy) -> bool {
    // SAFETY: a live object (contract); `PyDict_Type` is CPython's static.
    unsafe {
        hpy_sys::cpython::Py_TYPE(_h2py(obj)).cast_const()
            == ptr::addr_of!(hpy_sys::cpython::ffi::PyDict_Type)
    }
}

/// `dict[key] = value` through `PyDict_SetItem` when `dict` is exactly a
/// `dict` (what `HPy_SetItem` does there, without `PyObject_SetItem`'s
/// dispatch): `Some(0)`, or `Some(-1)` with an exception set. `None`: ask
/// the HPy API (another type; always in the universal ABI).
///
/// # Safety
/// All three are valid handles.
#[inline(always)]
pub unsafe fn dict_set_item(dict: HPy, key: HPy, value: HPy) -> Option<c_int> {
    // SAFETY: live objects (contract); `PyDict_SetItem` takes its own
    // references.
    unsafe {
        if !is_exact_dict(dict) {
            return None;
        }
        Some(hpy_sys::cpython::ffi::PyDict_SetItem(
            _h2py(dict),
            _h2py(key),
            _h2py(value),
        ))
    }
}

/// `dict[key]` through `PyDict_GetItemWithError` when `dict` is exactly a
/// `dict` and holds `key`: `Some(item)` (a new reference), or
/// `Some(HPy_NULL)` with the exception of a failing `__hash__`/`__eq__`
/// set. `None`: ask the HPy API (another type or a missing key, for its
/// `KeyError`; always in the universal ABI).
///
/// # Safety
/// Both are valid handles.
#[inline(always)]
pub unsafe fn dict_get_item(dict: HPy, key: HPy) -> Option<HPy> {
    // SAFETY: live objects (contract); the item is borrowed from the dict
    // and given a reference of its own before any Python code runs.
    unsafe {
        if !is_exact_dict(dict) {
            return None;
        }
        let item = hpy_sys::cpython::ffi::PyDict_GetItemWithError(_h2py(dict), _h2py(key));
        if item.is_null() {
            if hpy_sys::cpython::ffi::PyErr_Occurred().is_null() {
                return None;
            }
            return Some(hpy_sys::HPy_NULL);
        }
        hpy_sys::cpython::Py_INCREF(item);
        Some(_py2h(item))
    }
}

/// Item `i` of `obj` if `obj` is exactly a `list` or a `tuple` and `i` is
/// below its current length: a new reference read from the item array,
/// which is what `obj[i]` gives, without the int key and the mapping
/// protocol of HPy's `HPy_GetItem_i`. `None`: ask the HPy API (another
/// type or an index past the end; always in the universal ABI).
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub unsafe fn list_or_tuple_item(obj: HPy, i: usize) -> Option<HPy> {
    // SAFETY: `obj` is valid (contract); an index below the current length
    // is a set item, returned with a reference of its own.
    unsafe {
        let (items, len) = list_or_tuple_items(obj)?;
        if i >= len {
            return None;
        }
        let item = *items.add(i);
        hpy_sys::cpython::Py_INCREF(_h2py(item));
        Some(item)
    }
}

/// The length of `obj` if it is exactly a `range` (immutable, not
/// subclassable) and its length fits an `isize`; `None` for anything else
/// (always in the universal ABI). A length over `sys.maxsize` raises
/// `OverflowError` in CPython, which is cleared here: the caller only
/// loses a hint.
///
/// # Safety
/// `obj` is a valid handle; no exception is set.
#[inline(always)]
pub unsafe fn exact_range_len(obj: HPy) -> Option<usize> {
    // SAFETY: a live object (contract); `PyRange_Type` is CPython's static,
    // and a range's length runs no Python code.
    unsafe {
        let o = _h2py(obj);
        if hpy_sys::cpython::Py_TYPE(o).cast_const()
            != ptr::addr_of!(hpy_sys::cpython::ffi::PyRange_Type)
        {
            return None;
        }
        let n = hpy_sys::HPy_Length(ptr::null_mut(), obj);
        if n < 0 {
            hpy_sys::cpython::ffi::PyErr_Clear();
            return None;
        }
        Some(n as usize)
    }
}

/// `next(iterator)` through `PyIter_Next`, without a call of the builtin
/// `next`: `Some(item)` (owned), or `Some(HPy_NULL)` at the end or on an
/// error (`HPyErr_Occurred` tells which; a `StopIteration` is not set at
/// the end). `None`: call the builtin (always in the universal ABI).
///
/// # Safety
/// `iterator` is a valid handle to an iterator (what `iter()` returned).
#[inline(always)]
pub unsafe fn iter_next(iterator: HPy) -> Option<HPy> {
    // SAFETY: a live iterator (contract); the result is a new reference or
    // NULL, a handle in this ABI.
    Some(unsafe { _py2h(hpy_sys::cpython::ffi::PyIter_Next(_h2py(iterator))) })
}

/// `iter(obj)` (`PyObject_GetIter`, without looking the builtin up);
/// `None`: call the builtin `iter` (always in the universal ABI).
#[inline(always)]
pub(crate) fn get_iter<'ctx>(obj: &crate::Handle<'ctx>) -> Option<HPyResult<crate::Handle<'ctx>>> {
    let ctx = obj.context();
    // SAFETY: a live object; the result is a new reference or NULL with an
    // exception, a handle in this ABI.
    Some(unsafe {
        ctx.wrap_result(_py2h(hpy_sys::cpython::ffi::PyObject_GetIter(_h2py(
            obj.as_raw(),
        ))))
    })
}

/// `isinstance(obj, cls)` (`PyObject_IsInstance`, without looking the
/// builtin up); `None`: call the builtin `isinstance` (always in the
/// universal ABI).
#[inline(always)]
pub(crate) fn is_instance(
    obj: &crate::Handle<'_>,
    cls: &crate::Handle<'_>,
) -> Option<HPyResult<bool>> {
    // SAFETY: two live objects; -1 comes with an exception set.
    let r = unsafe {
        hpy_sys::cpython::ffi::PyObject_IsInstance(_h2py(obj.as_raw()), _h2py(cls.as_raw()))
    };
    Some(match r {
        -1 => Err(HPyErr::raised(obj.context())),
        r => Ok(r != 0),
    })
}

/// An object kept after its first lookup, for lookups that HPy 0.9 offers
/// no cheaper way to repeat (`collections.abc`'s classes): one strong
/// reference in a static, kept for the main interpreter only (another
/// interpreter looks the object up each time: see `interp.rs`).
/// Emptied (its reference left to the
/// interpreter) by each module exec through [`ObjectCache::forget`], so
/// that an interpreter started again never sees an object of the one
/// before. The universal ABI keeps the object in an `HPyGlobal` the
/// module lists ([`global_ptr`](Self::global_ptr)); that global is listed
/// in this ABI too, so that a module's list of globals is the same in both,
/// but this ABI never stores to it.
pub(crate) struct ObjectCache(AtomicPtr<cpy_PyObject>, crate::Global);

impl ObjectCache {
    /// An empty cache, for a `static`.
    #[allow(clippy::new_without_default)]
    pub(crate) const fn new() -> Self {
        ObjectCache(AtomicPtr::new(ptr::null_mut()), crate::Global::new())
    }

    /// The pointer a module definition lists for this cache (unused in
    /// this ABI: see the type's doc).
    pub(crate) const fn global_ptr(&self) -> *mut HPyGlobal {
        self.1.as_raw_ptr()
    }

    /// Records that the module definition being executed lists
    /// [`global_ptr`](Self::global_ptr) (nothing uses it in this ABI).
    ///
    /// # Safety
    /// It must list it.
    pub(crate) unsafe fn mark_listed(&self) {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.1.mark_registered() }
    }

    /// The kept object, as a new handle; `None` before [`set`](Self::set).
    #[inline(always)]
    pub(crate) fn get<'ctx>(&self, ctx: Context<'ctx>) -> Option<crate::Handle<'ctx>> {
        let obj = self.0.load(Ordering::Acquire);
        // The main interpreter's object: any other looks it up each time.
        if obj.is_null() || !in_main() {
            return None;
        }
        // SAFETY: the cache's own reference keeps `obj` alive (the context
        // shows the interpreter is held, and the cache was emptied when
        // this module was executed in this interpreter); the new reference
        // is the handle's.
        unsafe {
            hpy_sys::cpython::Py_INCREF(obj);
            Some(crate::Handle::from_raw(ctx, _py2h(obj)))
        }
    }

    /// Keeps `obj` (a new reference) unless an object is kept already.
    pub(crate) fn set(&self, obj: &crate::Handle<'_>) {
        if !in_main() {
            return;
        }
        let raw = _h2py(obj.as_raw());
        // SAFETY: a live object (a handle); the cache owns the new reference.
        unsafe { hpy_sys::cpython::Py_INCREF(raw) };
        if self
            .0
            .compare_exchange(ptr::null_mut(), raw, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            // SAFETY: the reference just taken, not kept.
            unsafe { hpy_sys::cpython::Py_DECREF(raw) };
        }
    }

    /// Empties the cache without releasing its reference (at the module's
    /// exec in the main interpreter: the main interpreter that owned it
    /// may be gone, finalized and initialised again).
    pub(crate) fn forget(&self) {
        if in_main() {
            self.0.store(ptr::null_mut(), Ordering::Release);
        }
    }
}

/// `HPyField_Store` of an owned handle into an empty field, the handle's
/// reference moving into it (in this ABI a field is the `PyObject*`: no
/// new reference and then a close, and no old value to release).
///
/// # Safety
/// As `HPyField_Store`: `field` is a field of the live `owner`; it is
/// empty; `obj` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn field_store_owned(
    _ctx: *mut HPyContext,
    _owner: HPy,
    field: *mut HPyField,
    obj: HPy,
) {
    // SAFETY: an empty field of `owner` (contract), which owns the
    // reference from now on.
    unsafe { *field = hpy_sys::cpython::_py2hf(_h2py(obj)) };
}

/// `HPy_TypeCheck(obj, <the type constant ty>)` as CPython's own
/// `PyLong_Check` and its siblings do it: the exact type, then the
/// subclass bit of `tp_flags` for the types that have one (`float` has
/// none: its bases are walked); `None` for a constant not listed here,
/// which the caller checks through HPy.
#[inline(always)]
pub(crate) fn type_check_constant(
    obj: &crate::Handle<'_>,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    use hpy_sys::cpython::ffi::{
        PyTypeObject, PyType_IsSubtype, Py_TPFLAGS_BYTES_SUBCLASS, Py_TPFLAGS_LIST_SUBCLASS,
        Py_TPFLAGS_LONG_SUBCLASS, Py_TPFLAGS_TUPLE_SUBCLASS, Py_TPFLAGS_TYPE_SUBCLASS,
        Py_TPFLAGS_UNICODE_SUBCLASS,
    };
    use hpy_sys::HPyConstant as C;
    let flag = match ty {
        C::LongType => Py_TPFLAGS_LONG_SUBCLASS,
        C::ListType => Py_TPFLAGS_LIST_SUBCLASS,
        C::TupleType => Py_TPFLAGS_TUPLE_SUBCLASS,
        C::BytesType => Py_TPFLAGS_BYTES_SUBCLASS,
        C::UnicodeType => Py_TPFLAGS_UNICODE_SUBCLASS,
        C::TypeType => Py_TPFLAGS_TYPE_SUBCLASS,
        C::FloatType => 0,
        _ => return None,
    };
    // SAFETY: a live object and its live type; the constant is a type
    // object that lives as long as the interpreter (no context is needed
    // to read it in this ABI).
    unsafe {
        let t = hpy_sys::cpython::Py_TYPE(_h2py(obj.as_raw())).cast::<PyTypeObject>();
        let c = hpy_sys::HPy_GetConstant(ptr::null_mut(), ty)._i as *mut PyTypeObject;
        if t == c {
            return Some(true);
        }
        if flag != 0 {
            return Some((*t).tp_flags & flag != 0);
        }
        Some(PyType_IsSubtype(t, c) != 0)
    }
}

/// The value of `obj` if it is exactly a `float`: its `ob_fval`, right
/// after the object header, read as `PyFloat_AS_DOUBLE` does (hpy-sys's
/// layout test checks `PyFloatObject`'s size against each CPython's
/// headers); `None` for anything else.
#[inline(always)]
pub(crate) fn exact_float_value(obj: &crate::Handle<'_>) -> Option<f64> {
    // SAFETY: a live object; an exact float is a `PyFloatObject`, whose
    // `double` follows the `PyObject` header.
    unsafe {
        if !is_exact_float(obj.as_raw()) {
            return None;
        }
        let o = _h2py(obj.as_raw()).cast::<u8>();
        Some(
            o.add(core::mem::size_of::<cpy_PyObject>())
                .cast::<f64>()
                .read(),
        )
    }
}

/// Whether `obj` is exactly a `float`, which `HPyFloat_AsDouble` reads
/// without running Python code. Always `false` in the universal ABI.
///
/// # Safety
/// `obj` is a valid handle.
#[inline(always)]
pub unsafe fn is_exact_float(obj: HPy) -> bool {
    // SAFETY: a live object (contract).
    let ty = unsafe { hpy_sys::cpython::Py_TYPE(_h2py(obj)) } as isize;
    // SAFETY: reading a constant; no context is needed in this ABI.
    ty == unsafe { hpy_sys::HPy_GetConstant(ptr::null_mut(), hpy_sys::HPyConstant::FloatType) }._i
}

/// `HPyListBuilder_Set` handing over `item`'s reference (the builder's
/// list is the object being built in this ABI, so the item is stored as
/// `PyList_SET_ITEM` does, without the new reference and the close).
///
/// # Safety
/// As `HPyListBuilder_Set`: a live builder, `index` in range and not yet
/// set; `item` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn list_builder_put(
    _ctx: *mut HPyContext,
    builder: hpy_sys::HPyListBuilder,
    index: usize,
    item: HPy,
) {
    let list = builder._lst as *mut cpy_PyObject;
    // SAFETY: per the contract; a failed builder (NULL) drops the item.
    unsafe {
        if list.is_null() {
            hpy_sys::cpython::Py_DECREF(_h2py(item));
            return;
        }
        *(*list.cast::<ListHead>()).ob_item.add(index) = _h2py(item);
    }
}

/// A new tuple of `items`, taking over their references: on the CPython
/// ABI they are written into the tuple in place (no new reference per
/// item, then one closed).
#[inline(always)]
pub fn tuple_from_owned<'ctx, const N: usize>(
    ctx: Context<'ctx>,
    items: [crate::Handle<'ctx>; N],
) -> HPyResult<crate::Handle<'ctx>> {
    // SAFETY: a fresh tuple of N empty items (or NULL with an exception
    // set); each item's reference moves into its place.
    unsafe {
        let tuple = hpy_sys::cpython::ffi::PyTuple_New(N as hpy_sys::HPy_ssize_t);
        if tuple.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        let dst = hpy_sys::cpython::_PyTuple_ITEMS(tuple).cast_mut();
        for (i, item) in items.into_iter().enumerate() {
            *dst.add(i) = _h2py(item.into_raw());
        }
        Ok(crate::Handle::from_raw(ctx, _py2h(tuple)))
    }
}

/// [`list_builder_put`] for a tuple builder.
///
/// # Safety
/// As for [`list_builder_put`].
#[inline(always)]
pub unsafe fn tuple_builder_put(
    _ctx: *mut HPyContext,
    builder: hpy_sys::HPyTupleBuilder,
    index: usize,
    item: HPy,
) {
    let tuple = builder._tup as *mut cpy_PyObject;
    // SAFETY: per the contract; a failed builder (NULL) drops the item.
    unsafe {
        if tuple.is_null() {
            hpy_sys::cpython::Py_DECREF(_h2py(item));
            return;
        }
        let items = hpy_sys::cpython::_PyTuple_ITEMS(tuple).cast_mut();
        *items.add(index) = _h2py(item);
    }
}

// ---- keyword names ----

/// One parameter name of a function with a `signature`, as the `str`
/// object CPython's interning gives for it, made at the first call that
/// passes keywords (null before). CPython passes interned names for the
/// keywords written in a call (`f(b=2)`), so most keywords are found by
/// comparing pointers with these, as Argument Clinic's parsers do; any
/// other name is compared by value afterwards.
///
/// The reference is never released: the name lives as long as the
/// interpreter (interned strings are immortal from 3.12 anyway), so a
/// pointer equal to it is that very `str`. The main interpreter's name
/// only: other interpreters never fill it, and get a new `str` from
/// [`get`](Self::get) (their keywords are then compared by value, unless
/// CPython shares the interned `str` itself).
pub struct InternedName(AtomicPtr<cpy_PyObject>);

impl InternedName {
    /// A name not interned yet.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        InternedName(AtomicPtr::new(ptr::null_mut()))
    }

    /// Whether `name` is this interned name itself (never for a name not
    /// interned yet: a handle is never null).
    #[inline(always)]
    pub fn is(&self, name: HPy) -> bool {
        // Relaxed: written once under the GIL, by the thread that holds it.
        self.0.load(Ordering::Relaxed) == _h2py(name)
    }
}

impl InternedName {
    /// A new handle to the interned `str` `text` (made at the first call,
    /// then kept): what `hpy::intern!` expands to.
    #[inline]
    pub fn get<'ctx>(&self, ctx: Context<'ctx>, text: &str) -> HPyResult<crate::Handle<'ctx>> {
        let mut ptr = self.0.load(Ordering::Relaxed);
        if !in_main() {
            return crate::IntoHPy::into_hpy(text, ctx);
        }
        if ptr.is_null() {
            intern_names_now(core::slice::from_ref(self), &[text]);
            ptr = self.0.load(Ordering::Relaxed);
            if ptr.is_null() {
                // Interning failed (and was cleared): a plain `str` then.
                return crate::IntoHPy::into_hpy(text, ctx);
            }
        }
        // SAFETY: the slot keeps its own reference to a live `str` forever,
        // so a new reference to it is a valid owned handle; GIL held (call).
        unsafe {
            hpy_sys::cpython::Py_INCREF(ptr);
            Ok(crate::Handle::from_raw(ctx, _py2h(ptr)))
        }
    }
}

/// Makes the interned names of `params` (one `InternedName` each) unless
/// that was done already.
#[inline(always)]
pub fn intern_names(names: &[InternedName], params: &[&str]) {
    // Filled in order, so the last one is set once all are.
    if let Some(last) = names.last() {
        if last.0.load(Ordering::Relaxed).is_null() {
            intern_names_now(names, params);
        }
    }
}

/// [`intern_names`]'s first call. A failure (no memory) is cleared and
/// leaves the rest null: those names are then compared by value, and the
/// next call tries again.
#[cold]
#[inline(never)]
fn intern_names_now(names: &[InternedName], params: &[&str]) {
    use hpy_sys::cpython::ffi::{
        PyErr_Clear, PyUnicode_FromStringAndSize, PyUnicode_InternInPlace,
    };
    if !in_main() {
        return;
    }
    for (slot, param) in names.iter().zip(params) {
        if !slot.0.load(Ordering::Relaxed).is_null() {
            continue;
        }
        // SAFETY: a UTF-8 buffer of that length; the GIL is held (this runs
        // inside a call). `PyUnicode_InternInPlace` replaces the new
        // reference by one to the interned `str`, which the slot keeps.
        unsafe {
            let mut s = PyUnicode_FromStringAndSize(param.as_ptr().cast(), param.len() as isize);
            if s.is_null() {
                PyErr_Clear();
                return;
            }
            PyUnicode_InternInPlace(&mut s);
            slot.0.store(s, Ordering::Relaxed);
        }
    }
}

/// The keyword names of a `HPyFunc_KEYWORDS` call as an array of handles
/// (borrowed from the tuple, valid for the call) and their count; `None`
/// in the universal ABI, which asks the HPy API.
///
/// # Safety
/// `kwnames` is the tuple of keyword names HPy passed (non-null).
#[inline(always)]
pub unsafe fn keyword_names(kwnames: HPy) -> Option<(*const HPy, usize)> {
    // SAFETY: a tuple (contract); a handle is the `PyObject*` in this ABI.
    unsafe {
        let (items, len) = tuple_items(_h2py(kwnames));
        Some((items, len as usize))
    }
}

// ---- classes ----

/// Whether `obj` is an instance of the class whose type `global` holds
/// (or of a subclass) once `ready` is set, compared without touching
/// refcounts: the global is a strong `PyObject*` to the type, alive as long
/// as the module. `None`: ask the HPy API (not ready yet; always in the
/// universal ABI, where a global is no object). A `final` class (one
/// nothing can subclass) is compared by type identity alone.
///
/// # Safety
/// `global` is the class's type slot, which holds the type once `ready`
/// is set and is never cleared while the module lives; `obj` is valid;
/// `final` only for a type without `Py_TPFLAGS_BASETYPE`.
#[inline(always)]
pub unsafe fn is_instance_fast(
    _ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    obj: HPy,
    final_: bool,
) -> Option<bool> {
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: both are valid objects (contract); the running interpreter's
    // cell, if any, holds its type object.
    unsafe {
        let ty = interp::global_object(global)?;
        let obj_ty = hpy_sys::cpython::Py_TYPE(_h2py(obj)).cast::<cpy_PyObject>();
        if obj_ty == ty {
            return Some(true);
        }
        if final_ {
            return Some(false);
        }
        Some(hpy_sys::HPyType_IsSubtype(ptr::null_mut(), _py2h(obj_ty), _py2h(ty)) != 0)
    }
}

/// Whether a short `str` is made faster from NUL-terminated text than
/// decoded from a length on this host: never in this ABI
/// (`PyUnicode_DecodeASCII` is the direct way).
#[inline(always)]
pub(crate) fn nul_terminated_text_is_cheaper(_ctx: Context<'_>) -> bool {
    false
}

/// A new `str` of `len` ASCII characters not written yet, and where its
/// characters go (`hpy_rs_unicode_new_ascii`): always `Some` in this ABI.
/// The caller writes `len` ASCII bytes there before anything else sees
/// the object.
#[inline]
pub(crate) fn ascii_str_uninit(
    ctx: Context<'_>,
    len: usize,
) -> Option<HPyResult<(crate::Handle<'_>, *mut u8)>> {
    let Ok(size) = hpy_sys::HPy_ssize_t::try_from(len) else {
        return Some(Err(HPyErr::overflow_error("str is too long")));
    };
    let mut data = ptr::null_mut();
    // SAFETY: GIL held (a call's context); the result is a new reference
    // or NULL with an exception set.
    let obj = unsafe { hpy_sys::cpython::hpy_rs_unicode_new_ascii(size, &mut data) };
    // SAFETY: owned or HPy_NULL.
    Some(unsafe { ctx.wrap_result(_py2h(obj)) }.map(|handle| (handle, data)))
}

/// The contents of `obj` if it is exactly a `bytes`, read in place
/// (`PyBytes_AS_STRING`, `PyBytes_GET_SIZE`); `None` otherwise.
///
/// # Safety
/// `obj` is a live object; the bytes are borrowed for no longer than a
/// reference to it is held.
#[inline(always)]
pub unsafe fn exact_bytes(_ctx: *mut HPyContext, obj: HPy) -> Option<(*const u8, usize)> {
    // SAFETY: a live object (contract); a `bytes` (checked) has its size
    // and its contents, immutable while it lives, at these places.
    unsafe {
        let o = _h2py(obj);
        if hpy_sys::cpython::Py_TYPE(o).cast::<cpy_PyObject>()
            != _h2py(hpy_sys::HPy_GetConstant(
                ptr::null_mut(),
                hpy_sys::HPyConstant::BytesType,
            ))
        {
            return None;
        }
        let len = hpy_sys::cpython::PyBytes_GET_SIZE(o) as usize;
        Some((hpy_sys::cpython::PyBytes_AS_STRING(o).cast::<u8>(), len))
    }
}

/// Whether `obj`'s type is exactly the context constant `ty` (a builtin
/// type): `Py_TYPE(obj) == ty`, always answered in this ABI.
///
/// # Safety
/// `obj` is a live object.
#[inline(always)]
pub unsafe fn is_exact_type(
    ctx: *mut HPyContext,
    obj: HPy,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    // SAFETY: a live object (contract); constants are immortal objects.
    unsafe {
        let obj_ty = hpy_sys::cpython::Py_TYPE(_h2py(obj)).cast::<cpy_PyObject>();
        Some(obj_ty == _h2py(hpy_sys::HPy_GetConstant(ctx, ty)))
    }
}

/// The type the ready `global` holds, as a handle that owns no reference
/// (the global's keeps the type alive as long as the module); `None`:
/// load it through the HPy API (not ready yet; always in the universal
/// ABI).
///
/// # Safety
/// As for [`is_instance_fast`]; the result is never closed.
#[inline(always)]
pub unsafe fn type_borrowed(
    _ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
) -> Option<HPy> {
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: the slot is readable (contract).
    Some(_py2h(unsafe { interp::global_object(global)? }))
}

/// Whether `cls` is the type the ready `global` holds (one compare, as in
/// [`is_instance_fast`]); `None`: ask the HPy API.
///
/// # Safety
/// As for [`is_instance_fast`].
#[inline(always)]
pub unsafe fn is_type_fast(
    _ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    cls: HPy,
) -> Option<bool> {
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: the slot is readable (contract).
    let ty = unsafe { interp::global_object(global)? };
    (_h2py(cls) == ty).then_some(true)
}

/// `_HPy_AsStruct_Object` (inline in this ABI).
///
/// # Safety
/// `h` is a live instance of a type of shape `Object`.
#[inline(always)]
pub unsafe fn as_struct_object(ctx: *mut HPyContext, h: HPy) -> *mut c_void {
    // SAFETY: forwarded.
    unsafe { hpy_sys::_HPy_AsStruct_Object(ctx, h) }
}

/// Empties a field that owns its reference (a decref).
///
/// # Safety
/// `field` is a field of a dying instance, empty or owning its reference.
#[inline(always)]
pub unsafe fn clear_owned_field(field: *mut hpy_sys::HPyField) {
    // SAFETY: forwarded.
    unsafe { hpy_sys::cpython::hpy_rs_clear_field(field) }
}

/// A new instance of `cls`, a class of `T` or a subclass, its data
/// written by `fill(obj, data)` (`data`: where `HPy_New` puts it).
///
/// For a class marked *simple* (see [`type_created`]) hpy-sys allocates the
/// object without HPy's runtime and without zeroing it: `fill` writes
/// `T`'s block and everything after it (the `Field` slots, the
/// interpreter's own slots) starts zeroed here, so each byte is written
/// once; the collector tracks the object after `fill`. Any other class
/// goes through hpy-sys's `HPy_New` (zeroed, tracked).
///
/// # Safety
/// `cls` is a class of `T` or a subclass of one; `fill` writes the whole
/// instance data (the ancestors' blocks and `T`'s) and runs no Python code
/// that could see the object.
#[inline(always)]
pub unsafe fn new_instance_filled<'ctx, T: crate::HPyClass>(
    cls: &crate::Handle<'ctx>,
    fill: impl FnOnce(&crate::Handle<'ctx>, *mut c_void),
) -> HPyResult<crate::Handle<'ctx>> {
    use hpy_sys::cpython::SimpleAlloc;
    let ctx = cls.context();
    if super::may_be_simple::<T>() {
        // SAFETY: `cls` is a live object; on `Made` the data is written
        // whole below (T's block by `fill`, the rest zeroed: a simple class
        // has no ancestors' blocks) before the object is tracked or seen.
        match unsafe { hpy_sys::cpython::hpy_rs_alloc_simple(cls.as_raw(), simple_dealloc::<T>) } {
            // SAFETY: a new object of `size` payload bytes, seen by nothing
            // else until it is tracked; T's block is `ClassData<T>` at the
            // start (a simple class), the slots after it are zeroed here.
            SimpleAlloc::Made { obj, payload, size } => unsafe {
                super::zero_after_block::<T>(payload.cast(), size);
                let obj = crate::Handle::from_raw(ctx, _py2h(obj));
                fill(&obj, payload);
                hpy_sys::cpython::hpy_rs_track_simple(_h2py(obj.as_raw()));
                return Ok(obj);
            },
            SimpleAlloc::Failed => return Err(HPyErr::raised(ctx)),
            SimpleAlloc::NotSimple => {}
        }
    }
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: `cls` is a type; the new instance's data (zeroed) is written
    // by `fill` before anything reads it.
    let obj = unsafe {
        ctx.wrap_result(hpy_sys::cpython::hpy_rs_new(
            ctx.as_raw(),
            cls.as_raw(),
            &mut data,
        ))?
    };
    fill(&obj, data);
    Ok(obj)
}

/// The `tp_dealloc` of a *simple* class `T`: hpy-sys's generic deallocator
/// with the class known (no walk up the type chain, no search for the
/// data): every field emptied, as `tp_clear` does (the `Field` slots and
/// the value's, as `tp_traverse` finds them), then the value dropped (a
/// panic in `Drop` is reported and the value leaked, as in `tp_destroy`).
///
/// # Safety
/// Called by CPython only, for an instance of `T`'s type (marked simple, so
/// of exactly that type) whose reference count reached 0.
unsafe extern "C" fn simple_dealloc<T: crate::HPyClass>(obj: *mut cpy_PyObject) {
    // SAFETY: the contract, as `hpy_rs_simple_dealloc` requires it; the
    // payload of a simple class is `T`'s block and slots (`may_be_simple`),
    // written at allocation, as `clear_and_destroy` requires.
    unsafe {
        hpy_sys::cpython::hpy_rs_simple_dealloc(obj, |data| super::clear_and_destroy::<T>(data))
    }
}

/// Called once a class's type object exists: marks it plain for hpy-sys's
/// runtime (instances allocated by [`new_instance_raw`]), telling it
/// whether the class has a `tp_destroy`; a class that is not plain but
/// may be simple (`may_be_simple`) is offered to hpy-sys as simple, with
/// [`simple_dealloc`] as its deallocator.
///
/// # Safety
/// `ty` was just created from a spec with these `defines` (null or a
/// null-terminated array of valid definitions) and has no instances yet.
pub unsafe fn type_created<T: crate::HPyClass>(
    ctx: *mut HPyContext,
    ty: HPy,
    defines: *mut *mut HPyDef,
) {
    // SAFETY: forwarded; `simple_dealloc::<T>` deallocates exactly the
    // instances of `T`'s type, which this is.
    unsafe {
        let destroy = super::defines_slot(defines, hpy_sys::HPy_tp_destroy).is_some();
        let plain = hpy_sys::cpython::hpy_rs_cpython_mark_plain(ctx, ty, c_int::from(destroy));
        if plain == 0 && super::may_be_simple::<T>() {
            hpy_sys::cpython::hpy_rs_cpython_mark_simple(ctx, ty, simple_dealloc::<T>);
        }
        // A call of the class runs its constructor directly: hpy-rs's
        // constructors (`impl_new`) read keyword names from a tuple too.
        if let Some(new) = super::defines_slot(defines, hpy_sys::HPy_tp_new) {
            if !new.r#impl.is_null() {
                let new = core::mem::transmute::<hpy_sys::HPyCFunction, hpy_sys::HPyFunc_newfunc>(
                    new.r#impl,
                );
                hpy_sys::cpython::hpy_rs_cpython_set_type_call(ctx, ty, new);
            }
        }
    }
}

/// Properties: CPython's getset descriptors work, so they have no hidden
/// methods (nothing is generated for them).
pub mod properties {
    use core::ffi::CStr;

    use crate::runtime::class::{Getter, Setter};
    use crate::runtime::StaticDef;
    use crate::{HPyResult, Handle};

    /// Nothing, in this ABI.
    pub struct PropertyMethods;

    impl PropertyMethods {
        /// Nothing, in this ABI.
        #[inline(always)]
        pub const fn new<G: Getter, S: Setter>(
            _name: &'static CStr,
            _doc: Option<&'static CStr>,
            _methods: [&'static CStr; 3],
        ) -> Self {
            PropertyMethods
        }

        pub(crate) fn hidden_defs(&self) -> &[StaticDef] {
            &[]
        }
    }

    /// Never called: no host of this ABI has `Quirk::BrokenGetsets`.
    pub(crate) fn publish(_: &Handle<'_>, _: &[PropertyMethods]) -> HPyResult<()> {
        Ok(())
    }
}

// ---- threads started by the extension ----

/// How a thread the extension started attaches to the interpreter:
/// `PyGILState_Ensure`/`PyGILState_Release` in this ABI.
#[derive(Clone, Copy)]
pub struct ThreadAttach;

/// Always available in this ABI.
pub fn thread_attach(_ctx: Context<'_>) -> HPyResult<ThreadAttach> {
    Ok(ThreadAttach)
}

impl ThreadAttach {
    /// The context a thread started during the call with context `caller`
    /// uses: the same (no object behind it in this ABI).
    pub fn thread_context(self, caller: *mut HPyContext) -> *mut HPyContext {
        caller
    }

    /// Attaches the calling thread and takes the GIL.
    ///
    /// # Safety
    /// The interpreter is initialised; undone by one [`Self::release`] on
    /// the same thread.
    pub unsafe fn ensure(self) -> c_int {
        // SAFETY: per the contract.
        unsafe { hpy_sys::cpython::ffi::PyGILState_Ensure() }
    }

    /// Undoes one [`Self::ensure`].
    ///
    /// # Safety
    /// `state` came from `ensure` on this thread.
    pub unsafe fn release(self, state: c_int) {
        // SAFETY: per the contract.
        unsafe { hpy_sys::cpython::ffi::PyGILState_Release(state) }
    }
}

/// Makes a class's type immutable (`#[hpy_class(immutable_type)]`):
/// hpy-sys's `hpy_rs_cpython_freeze_type`; `TypeError` for a class with a
/// mutable base.
#[inline(always)]
pub(crate) fn freeze_type(ty: &crate::Handle<'_>) -> HPyResult<()> {
    // SAFETY: the GIL is held (a handle of a call's context); the handle
    // is the live object.
    let status = unsafe { hpy_sys::cpython::hpy_rs_cpython_freeze_type(ty.as_raw()) };
    ty.context().wrap_status(status)
}

// ---- consuming the buffer protocol ----

/// `PyObject_GetBuffer(obj, view, PyBUF_SIMPLE)`: `Some(0)`, or `Some(-1)`
/// with an exception set (never `None`: the CPython ABI always can).
///
/// # Safety
/// The GIL is held; `obj` is a live handle; `view` is writable memory for
/// one `HPy_buffer` (`Py_buffer`'s layout here, see `object_to_handle`).
#[inline(always)]
pub unsafe fn get_buffer(
    _ctx: *mut HPyContext,
    obj: HPy,
    view: *mut hpy_sys::HPy_buffer,
) -> Option<c_int> {
    // SAFETY: the contract; a handle is the object here.
    Some(unsafe {
        hpy_sys::cpython::ffi::PyObject_GetBuffer(_h2py(obj), view, crate::buffer::PYBUF_SIMPLE)
    })
}

/// `PyBuffer_Release(view)`.
///
/// # Safety
/// The GIL is held; `view` was filled by [`get_buffer`] and is released
/// once.
#[inline(always)]
pub unsafe fn release_buffer(_ctx: *mut HPyContext, view: *mut hpy_sys::HPy_buffer) {
    // SAFETY: the contract.
    unsafe { hpy_sys::cpython::ffi::PyBuffer_Release(view) }
}
