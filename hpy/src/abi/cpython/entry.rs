//! The CPython ABI's entry points: the HPy-convention functions as
//! CPython calls them (one trampoline per row of the signature table, each
//! calling its function directly with a null context, and inlined), and the
//! module's init symbol.

use super::*;

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
pub(super) unsafe fn tuple_items(args: *mut cpy_PyObject) -> (*const HPy, hpy_sys::HPy_ssize_t) {
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
) -> crate::abi::ObjectResult {
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
    crate::err::panic::install_panic_hook(report_panic);
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

// ---- the host profile ----

/// The host's quirks: none (hpy-rs's own runtime on CPython).
pub(crate) const ASSUMED_PROFILE: HostProfile = HostProfile::CPYTHON_ABI;

/// The host's profile: a constant in this ABI.
#[inline(always)]
pub(crate) const fn host_profile() -> HostProfile {
    HostProfile::CPYTHON_ABI
}
