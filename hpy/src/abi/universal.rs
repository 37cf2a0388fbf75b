//! The universal ABI's side of the seam (see `mod.rs`): an `HPy` is an
//! opaque handle of the interpreter's HPy, every HPy function goes through
//! the context's function table, and CPython calls the HPy-convention
//! functions through the host (`ctx_CallRealFunctionFromTrampoline`),
//! which makes the handles and passes the right context.

use core::ffi::{c_char, c_void};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use hpy_sys::{cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPyGlobal};

use super::host::HPY_RS_PLAIN_CONTEXT_NAME;
use super::{HostProfile, Quirk};
use crate::{Context, HPyResult};

mod class_tag;
mod plain_ext;
pub mod properties;
mod stdlib;
pub(crate) use stdlib::*;

pub(crate) use class_tag::{check_block, destroy_instance, tag_instance, BlockTag};

/// The raw context as stored inside [`Context`](crate::Context): the
/// function table every call goes through, carried along as a non-null
/// pointer.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(NonNull<HPyContext>);

impl RawContext {
    /// Wraps the context pointer an HPy entry point received.
    ///
    /// # Safety
    /// `ctx` must be the non-null context passed to the current call.
    #[inline(always)]
    pub unsafe fn new(ctx: *mut HPyContext) -> Self {
        debug_assert!(!ctx.is_null());
        // SAFETY: the caller guarantees `ctx` is the non-null context of the call.
        RawContext(unsafe { NonNull::new_unchecked(ctx) })
    }

    /// The pointer to pass as the `ctx` argument of `hpy_sys` functions.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        self.0.as_ptr()
    }
}

// SAFETY: `RawContext` is only ever stored inside `Context`, whose marker
// makes it `!Send`/`!Sync`; being `Send` on its own keeps compiler errors
// about `Send` identical in both ABIs (they name the marker).
unsafe impl Send for RawContext {}
// SAFETY: as above.
unsafe impl Sync for RawContext {}

// ---- the HPy-convention entry points ----

/// Wraps each HPy-convention entry point (`impl_noargs` …): never
/// inlined here. The host calls it through its pointer, and a trampoline
/// that calls it directly (hpy_rs_universal's plain context) tail-calls
/// it: inlined, its body would make every trampoline save registers on
/// the path through the host too (`allocate_tuple` through
/// `hpy.universal`: 12 instructions more a call).
macro_rules! entry_point {
    ($item:item) => {
        #[inline(never)]
        $item
    };
}
pub(crate) use entry_point;

// ---- the CPython-convention trampolines (one per row of the table) ----

/// Saves the context the trampolines hand to
/// `ctx_CallRealFunctionFromTrampoline` (`HPyInitGlobalContext_<name>`).
/// One extension binary holds one module, so one slot is enough; a
/// debug-mode load passes the debug context here.
///
/// # Safety
/// `ctx` must be the context the host gave `HPyInitGlobalContext_<name>`,
/// valid as long as the module is loaded: every trampoline calls through it.
/// Also identifies the host from the context's name (see `host.rs`).
#[inline(always)]
pub(crate) unsafe fn save_trampoline_context(ctx: *mut HPyContext) {
    // SAFETY: the host's live context (this function's contract): its
    // `name` is NULL or a NUL-terminated static string.
    let name = unsafe { (*ctx).name };
    let name = if name.is_null() {
        &[][..]
    } else {
        // SAFETY: as above.
        unsafe { core::ffi::CStr::from_ptr(name) }.to_bytes()
    };
    let profile = HostProfile::of_context_name(name);
    // Every write here may run while another interpreter, under its own
    // GIL, runs this binary's module: each is an atomic store, and each
    // read elsewhere an atomic load (see `TrampolineTarget`).
    HOST_PROFILE.store(profile.bits(), Ordering::Relaxed);
    // Direct calls or not is decided again on every load: the same file
    // loaded by another context gives the same library, whose global
    // context is then the last one's.
    let direct = name == HPY_RS_PLAIN_CONTEXT_NAME;
    let tuple_items = if direct {
        // SAFETY: hpy_rs_universal's plain context, at load.
        unsafe { plain_ext::record(ctx) };
        // SAFETY: as above.
        unsafe { measure_tuple_items(ctx) }
    } else {
        0
    };
    TRAMPOLINE_TARGET
        .tuple_items
        .store(tuple_items, Ordering::Relaxed);
    TRAMPOLINE_TARGET.ctx.store(ctx, Ordering::Release);
    let direct_ctx = if direct { ctx } else { core::ptr::null_mut() };
    TRAMPOLINE_TARGET
        .direct_ctx
        .store(direct_ctx, Ordering::Release);
}

// ---- direct calls on hpy_rs_universal's plain context ----

/// The context the trampolines call with, and whether they call the
/// function themselves instead of through
/// `ctx_CallRealFunctionFromTrampoline`: set at load on hpy_rs_universal's
/// plain context (named [`HPY_RS_PLAIN_CONTEXT_NAME`]), where a handle is
/// the `PyObject*` and that function only passes the arguments and the
/// result through (the host's `Plain` handles). Saves the argument block,
/// two indirect calls and the host's signature dispatch per call (issue
/// 26's item 6c).
///
/// Every load of the binary writes these words, and a load may run in one
/// interpreter while another interpreter, under its own GIL (PEP 684),
/// runs the module's trampolines: the GIL is not one lock for both, so
/// every access is atomic. Pointers are stored with `Release` after what
/// they point to is complete and loaded with `Acquire` (on x86_64 and
/// AArch64 a plain load); the loads of the same binary by hpy_rs_universal
/// store the same values, so no reader ever sees a half-made state. The
/// direct path tests and loads one word, `direct_ctx`, in the instructions
/// the old flag test took (`mov`, `test`, branch, where a plain flag was
/// compared in memory and the context then loaded); the host path loads
/// `ctx` after the test.
#[repr(C)]
struct TrampolineTarget {
    /// The context calls go through the host with.
    ctx: AtomicPtr<HPyContext>,
    /// The same context where the trampolines call directly, else null.
    direct_ctx: AtomicPtr<HPyContext>,
    /// Where the items of a tuple start in the running CPython (3.14 added
    /// a cached hash before them), measured at load on the plain context;
    /// 0 where unknown or not calling directly: `tp_new`/`tp_init` call
    /// directly where it is not 0 (one test for both).
    tuple_items: AtomicUsize,
}

static TRAMPOLINE_TARGET: TrampolineTarget = TrampolineTarget {
    ctx: AtomicPtr::new(core::ptr::null_mut()),
    direct_ctx: AtomicPtr::new(core::ptr::null_mut()),
    tuple_items: AtomicUsize::new(0),
};

/// The context to call directly with, or null where calls go through the
/// host: one load, `Acquire` (the context is the host's, complete before
/// the load that stored it with `Release`).
#[inline(always)]
fn direct_context() -> *mut HPyContext {
    TRAMPOLINE_TARGET.direct_ctx.load(Ordering::Acquire)
}

/// The context the trampolines call the host with: one load, `Acquire`
/// as [`direct_context`].
#[inline(always)]
fn trampoline_context() -> *mut HPyContext {
    TRAMPOLINE_TARGET.ctx.load(Ordering::Acquire)
}

/// The context the host passed to `HPyInitGlobalContext_<name>` (null
/// before the module is loaded), read with `Acquire` for use outside the
/// trampolines (another thread, a dropped error).
#[inline(always)]
fn saved_context() -> *mut HPyContext {
    TRAMPOLINE_TARGET.ctx.load(Ordering::Acquire)
}

/// Where the items of an argument tuple start where `tp_new`/`tp_init`
/// call directly, else 0 ([`TrampolineTarget::tuple_items`]): one
/// relaxed load (a number, read after the `Acquire` load of the context it
/// goes with).
#[inline(always)]
fn direct_tuple_items() -> usize {
    TRAMPOLINE_TARGET.tuple_items.load(Ordering::Relaxed)
}

/// The offset of `ob_size` in CPython's variable-size object header
/// (`PyVarObject`: reference count, type, size) in the builds
/// hpy_rs_universal runs on (free-threaded builds are refused).
const VAR_OBJECT_SIZE_OFFSET: usize = 2 * core::mem::size_of::<usize>();

/// Measures, on hpy_rs_universal's plain context `ctx`, where a tuple's
/// items start (for direct `tp_new`/`tp_init`; 0 where not found): a
/// one-item tuple of `None` is made through the context and the candidate
/// offsets (after the header, then after 3.14's cached hash) are read in
/// order up to the first that holds `None`; the first is always inside the
/// object, the second is read only when the first held the hash.
///
/// # Safety
/// `ctx` is hpy_rs_universal's plain context, during the module's load
/// (the GIL held).
unsafe fn measure_tuple_items(ctx: *mut HPyContext) -> usize {
    let mut found = 0;
    // SAFETY: the plain context serves calls at load, and a handle there is
    // the object pointer (this function's contract), so the tuple's memory
    // can be read at offsets inside its one-item allocation.
    unsafe {
        let mut none = (*ctx).h_None;
        let tuple = hpy_sys::HPyTuple_FromArray(ctx, &mut none, 1);
        if tuple._i == 0 {
            hpy_sys::HPyErr_Clear(ctx);
        } else {
            let base = tuple._i as *const u8;
            let header = VAR_OBJECT_SIZE_OFFSET + core::mem::size_of::<usize>();
            for offset in [header, header + core::mem::size_of::<hpy_sys::HPy_hash_t>()] {
                if *base.add(offset).cast::<isize>() == none._i {
                    found = offset;
                    break;
                }
            }
            hpy_sys::HPy_Close(ctx, tuple);
        }
    }
    found
}

// ---- the host profile ----

/// The profile of the host that loaded the module, set by
/// [`save_trampoline_context`] before anything of the module can run.
static HOST_PROFILE: AtomicU32 = AtomicU32::new(HostProfile::UNIVERSAL_ASSUMED.bits());

/// The quirks every host of a universal binary is taken to have.
pub(crate) const ASSUMED_PROFILE: HostProfile = HostProfile::UNIVERSAL_ASSUMED;

/// The host's profile, detected when the module was loaded.
#[inline(always)]
pub(crate) fn host_profile() -> HostProfile {
    // An atomic load: another interpreter's load of the binary may store it
    // meanwhile. Relaxed: a number, with no memory behind it to order.
    HostProfile::from_bits(HOST_PROFILE.load(Ordering::Relaxed))
}

// ---- the running call's context, where the host's global one is not it ----

// Where the host gives each call a context of its own
// (`Quirk::ContextPerCall`), every entry records its call's context in
// [`CALL_CONTEXT`], so that a dropped `HPyErr` can clear its exception
// through the context of the call it is dropped in.

std::thread_local! {
    /// The context of the innermost entry running on this thread (only
    /// kept on a host with `Quirk::ContextPerCall`; null outside calls).
    static CALL_CONTEXT: core::cell::Cell<*mut HPyContext> =
        const { core::cell::Cell::new(core::ptr::null_mut()) };
}

/// What [`enter_call`] hands to [`leave_call`]: the context of the call
/// this one is nested in, or [`UNTRACKED`]; and, where the entry had to
/// mark its debug context valid (`Quirk::NestedCallsGetBusyContext`), the
/// flag to clear again on the way out (null otherwise).
#[derive(Clone, Copy)]
pub(crate) struct CallScope(*mut HPyContext, *mut bool);

/// Nothing recorded (the host's global context serves every call).
const UNTRACKED: CallScope = CallScope(core::ptr::dangling_mut(), core::ptr::null_mut());

/// The head of what HPy's debug mode keeps behind a debug context's
/// `_private` (`HPyDebugCtxInfo` of HPy 0.9's `debug_internal.h`, the code
/// PyPy 7.3.19 builds its debug mode from): each debug-context function
/// aborts with "Wrong HPy Context!" unless `is_valid`, and clears it while
/// it calls into the interpreter.
#[repr(C)]
struct DebugCtxInfo {
    magic_number: core::ffi::c_long,
    is_valid: bool,
}

/// `HPY_DEBUG_CTX_INFO_MAGIC` of HPy 0.9's `debug_internal.h`.
const DEBUG_CTX_INFO_MAGIC: core::ffi::c_long = 0xDDA003F;

/// Whether entries record their call's context (`Quirk::ContextPerCall`):
/// one relaxed load.
#[inline(always)]
pub(crate) fn calls_tracked() -> bool {
    host_profile().has(Quirk::ContextPerCall)
}

/// Records `ctx` as the running call's where the host needs it
/// (`Quirk::ContextPerCall`); elsewhere one relaxed load.
#[inline(always)]
pub(crate) fn enter_call(ctx: *mut HPyContext) -> CallScope {
    if host_profile().has(Quirk::ContextPerCall) {
        enter_tracked_call(ctx)
    } else {
        UNTRACKED
    }
}

/// Restores the record [`enter_call`] replaced.
#[inline(always)]
pub(crate) fn leave_call(scope: CallScope) {
    if scope.0 != UNTRACKED.0 {
        leave_tracked_call(scope);
    }
}

#[cold]
#[inline(never)]
fn enter_tracked_call(ctx: *mut HPyContext) -> CallScope {
    let revalidated = if host_profile().has(Quirk::NestedCallsGetBusyContext) {
        // SAFETY: the live debug context of this call (the quirk is PyPy's
        // debug mode's, whose contexts all carry a `DebugCtxInfo`; the
        // magic number is checked before the flag is touched).
        unsafe { revalidate_debug_context(ctx) }
    } else {
        core::ptr::null_mut()
    };
    CallScope(CALL_CONTEXT.with(|c| c.replace(ctx)), revalidated)
}

#[cold]
#[inline(never)]
fn leave_tracked_call(scope: CallScope) {
    CALL_CONTEXT.with(|c| c.set(scope.0));
    if !scope.1.is_null() {
        // SAFETY: the flag `enter_tracked_call` set, in the debug context
        // of a call that is still running (this one's caller).
        unsafe { *scope.1 = false };
    }
}

/// PyPy 7.3.19's debug mode hands an HPy function that Python code calls
/// from inside another HPy function's `HPy_Call` (HPy -> Python -> HPy) the
/// one debug context the outer call is using, which that `HPy_Call` has
/// marked busy (`is_valid` false) until it returns: every use of it in the
/// nested call would abort with "Wrong HPy Context!" (CPython's
/// `hpy.universal` gives the nested call another context of its cache
/// instead). The nested call marks it valid for its own duration, and busy
/// again before it returns to the outer `HPy_Call`, which marks it valid
/// when it returns in turn. Returns the flag to clear, or null when the
/// context was valid already (not nested) or is not a debug context.
///
/// # Safety
/// `ctx` is the live context of the running call.
#[cold]
unsafe fn revalidate_debug_context(ctx: *mut HPyContext) -> *mut bool {
    // SAFETY: a live context (contract); `_private` is the host's.
    let info = unsafe { (*ctx)._private }.cast::<DebugCtxInfo>();
    // SAFETY: a debug context's `_private` points at its `DebugCtxInfo`,
    // recognised by its magic number before its flag is read or written.
    unsafe {
        if info.is_null() || (*info).magic_number != DEBUG_CTX_INFO_MAGIC || (*info).is_valid {
            return core::ptr::null_mut();
        }
        (*info).is_valid = true;
        core::ptr::addr_of_mut!((*info).is_valid)
    }
}

/// HPy's `_HPy_CallRealFunctionFromTrampoline` with the saved context
/// `ctx`, for `func` of signature `sig` and its argument block `args`.
///
/// # Safety
/// `ctx` is the context of [`TRAMPOLINE_TARGET`]; `args` must be the
/// argument block of `sig`, and `func` a function of that signature.
#[inline(always)]
unsafe fn call_real<A>(
    ctx: *mut HPyContext,
    sig: hpy_sys::HPyFunc_Signature,
    func: HPyCFunction,
    args: *mut A,
) {
    // SAFETY: the saved context is set by HPyInitGlobalContext_<name> before
    // any function of the module can be called; the block matches (contract).
    unsafe { hpy_sys::_HPy_CallRealFunctionFromTrampoline(ctx, sig, func, args.cast()) }
}

/// Stores an argument in its block field.
macro_rules! to_block {
    (visit, $v:expr) => {
        Some($v)
    };
    ($kind:ident, $v:expr) => {
        $v
    };
}

/// The block's result.
macro_rules! block_result {
    (void, $a:ident) => {
        ()
    };
    (obj, $a:ident) => {
        super::object_result($a.result)
    };
    ($ret:ident, $a:ident) => {
        $a.result
    };
}

/// Calls `f` through the host: the arguments go into the signature's
/// block, which `ctx_CallRealFunctionFromTrampoline` reads.
macro_rules! via_host {
    ($ctx:expr, $f:ident, $sig:ident, $block:ident, ($($arg:ident : $kind:ident),*) -> $ret:ident) => {{
        // SAFETY: all-zero is a valid value of every argument block
        // (pointers, integers, an optional function pointer); each field
        // is then set.
        let mut a: hpy_sys::$block = unsafe { core::mem::zeroed() };
        $(a.$arg = to_block!($kind, $arg);)*
        // SAFETY: the block of this signature and a function of it (the
        // trampoline's contract).
        unsafe { call_real($ctx, hpy_sys::$sig, $f as HPyCFunction, &mut a) };
        block_result!($ret, a)
    }};
}

/// Whether a `plain` row's arguments reach the function unchanged where
/// handles are objects: all but the buffer signatures, whose `HPy_buffer`
/// the host fills in a copy of its own (see the host's `call_real`).
macro_rules! passes_through {
    ($($kind:ident)*) => {
        true $(&& passes_through!(@ $kind))*
    };
    (@ view) => {
        false
    };
    (@ $kind:ident) => {
        true
    };
}

/// Calls the direct variant `d` of a `plain` row with CPython's arguments
/// and returns its result as CPython's, in an `unsafe` context where `d`
/// may be called on `ctx` (see the trampolines).
///
/// A handle result is the object pointer. Where the trampolines' object
/// result is an `HPy` ([`ObjectResult`](super::ObjectResult): x86-64,
/// AArch64), `d`'s result is returned as it is, so that the call is the
/// trampoline's tail call; elsewhere it is converted after the call.
macro_rules! call_direct {
    ($ret:ident, $d:ident, $ctx:ident, ($($arg:ident : $kind:ident),*)) => {{
        let r = $d($ctx, $(object_to_handle!($kind, $arg)),*);
        handle_to_object!($ret, r)
    }};
}

macro_rules! universal_trampolines {
    (plain: $(
        $name:ident = $sig:ident, $fty:ident, $block:ident,
            ($($arg:ident : $kind:ident),*) -> $ret:ident;
    )*) => {$(
        #[doc = concat!(
            "`", stringify!($sig), "` called by CPython: the arguments go to `f` ",
            "directly on hpy_rs_universal's plain context, else through the host ",
            "in a `", stringify!($block), "`."
        )]
        ///
        /// # Safety
        /// The arguments are those CPython passes to a function of this
        /// signature, valid for the call; `f` (the entry point HPy calls)
        /// and `d` (its direct variant, for hpy_rs_universal's plain
        /// context) are functions of it.
        // One per row of the table; the slots HPy 0.9 cannot fill have none
        // that uses them.
        #[allow(dead_code)]
        #[inline(always)]
        pub unsafe fn $name(f: hpy_sys::$fty, d: hpy_sys::$fty, $($arg: cpy_ty!($kind)),*) -> cpy_ret!($ret) {
            if passes_through!($($kind)*) {
                let ctx = direct_context();
                if !ctx.is_null() {
                    // SAFETY: the host's plain context, where a handle is
                    // the object and its `ctx_CallRealFunctionFromTrampoline`
                    // would pass these arguments and the result unchanged
                    // ([`TRAMPOLINE_TARGET`]), and whose context serves
                    // every call (as `d` requires); `d` is of this
                    // signature (contract).
                    return unsafe { call_direct!($ret, d, ctx, ($($arg: $kind),*)) };
                }
            }
            let ctx = trampoline_context();
            via_host!(ctx, f, $sig, $block, ($($arg: $kind),*) -> $ret)
        }
    )*};
    (custom: $(
        $name:ident = $sig:ident, $fty:ident, $block:ident,
            ($($arg:ident : $kind:ident),*) -> $ret:ident;
    )*) => {$(
        #[doc = concat!(
            "`", stringify!($sig), "` called by CPython: the arguments go to `f` ",
            "through the host, in a `", stringify!($block), "` (`tp_new` and ",
            "`tp_init` directly on hpy_rs_universal's plain context)."
        )]
        ///
        /// # Safety
        /// The arguments are those CPython passes to a function of this
        /// signature, valid for the call; `f` (the entry point HPy calls)
        /// and `d` (its direct variant, for hpy_rs_universal's plain
        /// context) are functions of it.
        #[inline(always)]
        pub unsafe fn $name(f: hpy_sys::$fty, d: hpy_sys::$fty, $($arg: cpy_ty!($kind)),*) -> cpy_ret!($ret) {
            let ctx = trampoline_context();
            direct_custom!(ctx, d, ($($arg: $kind),*) -> $ret);
            via_host!(ctx, f, $sig, $block, ($($arg: $kind),*) -> $ret)
        }
    )*};
}

/// Returns the direct call of a `custom` row (see [`TRAMPOLINE_TARGET`])
/// from the trampoline, where it is made; else goes on (through the host).
macro_rules! direct_custom {
    // `tp_new` and `tp_init`: the argument tuple's items are the array,
    // when calling directly and the tuple's layout is known
    // ([`TrampolineTarget::tuple_items`]).
    ($ctx:ident, $f:ident, ($s:ident: obj, $args:ident: tuple, $kw:ident: obj) -> $ret:ident) => {
        let offset = direct_tuple_items();
        if offset != 0 {
            // SAFETY: calling directly (a non-zero offset): the
            // type or instance, a tuple and a dict or NULL from CPython (the
            // trampoline's contract), passed through unchanged as the host
            // would. The tuple's size is `ob_size` of the variable-size
            // object header, at the same offset in every build
            // hpy_rs_universal runs on; its items start at `offset`,
            // measured when the module was loaded.
            unsafe {
                let items = $args.cast::<u8>().add(offset).cast::<HPy>();
                let n = *$args
                    .cast::<u8>()
                    .add(VAR_OBJECT_SIZE_OFFSET)
                    .cast::<hpy_sys::HPy_ssize_t>();
                return call_direct!($ret, $f, $ctx, ($s: obj, items: vec, n: ssize, $kw: obj));
            }
        }
    };
    // `tp_traverse`: the collector's visitor is wrapped by the host.
    ($ctx:ident, $f:ident, ($($arg:ident: $kind:ident),*) -> $ret:ident) => {
        let _ = ($ctx, $f);
    };
}

hpy_sys::hpyfunc_signatures!(universal_trampolines);

/// `HPyFunc_CAPSULE_DESTRUCTOR` called by CPython (`PyCapsule_Destructor`):
/// the host reads the capsule and calls `f` (C HPy's
/// `HPyCapsule_DESTRUCTOR`); the argument block is the capsule itself.
///
/// # Safety
/// `capsule` is a live capsule being destroyed.
pub unsafe fn capsule_destructor(
    f: unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void),
    capsule: *mut cpy_PyObject,
) {
    // SAFETY: the saved context is set at module init, before any capsule
    // of this module exists; for CAPSULE_DESTRUCTOR the argument block is
    // the capsule object itself.
    unsafe {
        call_real(
            trampoline_context(),
            hpy_sys::HPyFunc_CAPSULE_DESTRUCTOR,
            f as HPyCFunction,
            capsule,
        )
    }
}

// ---- interpreters ----
// The host decides whether a universal module may be loaded into several
// interpreters, and keeps a module's globals for it (`HPyGlobal`s are the
// host's): the extension's statics are its cells, in every interpreter.

/// The cell that stands for `home` in the running interpreter: `home`.
#[inline(always)]
pub(crate) fn global_cell(home: *mut HPyGlobal) -> Option<*mut HPyGlobal> {
    Some(home)
}

/// A new handle to the running interpreter's builtins dict on
/// hpy_rs_universal's plain context with an extension table of version 7
/// (whose `h_Builtins` is the main interpreter's); `None` elsewhere (the
/// context's `h_Builtins` is right: other hosts have one interpreter, and
/// this host's debug context gives each interpreter its own constant).
#[inline]
pub(crate) fn running_builtins(ctx: *mut HPyContext) -> Option<HPy> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 7)?;
    // SAFETY: a call on the plain context whose table this is (version 7,
    // checked), with the GIL held (every call holds it).
    Some(unsafe { (ext.builtins)() })
}

/// Nothing to prepare at a module's exec in this ABI.
#[inline(always)]
pub(crate) fn module_exec_begins(_module: HPy) {}

/// The module's exported init symbols: `HPyInit_<name>` and its companions.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_module_for_abi {
    ($def:ident, $per_interpreter_gil:literal, $py_init:ident, $hpy_init:ident, $global_ctx:ident, $major:ident, $minor:ident, $subinterpreters:ident) => {
        /// The HPy ABI major version the module needs.
        #[unsafe(no_mangle)]
        pub extern "C" fn $major() -> u32 {
            $crate::impl_::HPY_ABI_VERSION as u32
        }

        /// The HPy ABI minor version the module needs.
        #[unsafe(no_mangle)]
        pub extern "C" fn $minor() -> u32 {
            $crate::impl_::HPY_ABI_VERSION_MINOR as u32
        }

        /// hpy_rs_universal's question: 1 if the module works in isolated
        /// subinterpreters with their own GIL through that host (its
        /// globals kept per interpreter by the host, read in place only as
        /// its extension table of version 7 allows), 0 if it says
        /// `subinterpreters: false`.
        #[unsafe(no_mangle)]
        pub extern "C" fn $subinterpreters() -> u32 {
            $per_interpreter_gil as u32
        }

        /// Receives the context CPython-convention trampolines use.
        ///
        /// # Safety
        /// Called by the HPy host only, with its global context.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $global_ctx(ctx: *mut $crate::impl_::HPyContext) {
            // SAFETY: forwarded.
            unsafe { $crate::impl_::set_trampoline_context(ctx) }
        }

        /// Universal ABI entry point: the module definition.
        #[unsafe(no_mangle)]
        pub extern "C" fn $hpy_init() -> *mut $crate::impl_::HPyModuleDef {
            $crate::impl_::StaticModuleDef::as_ptr(&$def)
        }
    };
}

// ---- errors, signals, panics ----

/// Clears the interpreter's current exception for a dropped `HPyErr` that
/// stood for it (issue 14's D4), where that is needed and safe, at no cost
/// to any call that drops no such error:
/// - on every host: CPython turns a result returned with an exception
///   still set into a `SystemError`, PyPy raises the stale exception at
///   some later call (issue 25);
/// - from a thread that holds the GIL, asked through the interpreter's
///   `PyGILState_Check` (PyPy's is `PyPyGILState_Check`), looked up in the
///   process (a universal binary links no Python); an error dropped
///   elsewhere (an `allow_threads` closure, a thread-local at thread exit)
///   leaves the exception alone;
/// - with the context the host gave the module (`HPyInitGlobalContext_`),
///   where that is the one of every call: hpy_rs_universal (plain and
///   debug) and `hpy.universal`'s plain mode. `hpy.universal`'s debug mode
///   (and PyPy's) gives each call its own context: there the one of the
///   innermost call on this thread, recorded by its entry ([`enter_call`]).
#[cold]
#[inline(never)]
pub fn discard_interpreter_error() {
    let ctx = if host_profile().has(Quirk::ContextPerCall) {
        // The innermost call running on this thread, if any; `try_with`:
        // an error kept in another thread-local may drop after this one.
        CALL_CONTEXT
            .try_with(|c| c.get())
            .unwrap_or(core::ptr::null_mut())
    } else {
        saved_context()
    };
    if ctx.is_null() {
        return;
    }
    if !gil_held() {
        return;
    }
    // SAFETY: this thread holds the GIL, and `ctx` is valid here: the
    // host's global context where it serves every call, otherwise the
    // context of the call running on this thread (recorded by its entry).
    unsafe { hpy_sys::HPyErr_Clear(ctx) }
}

/// Whether this thread holds the interpreter's GIL (`PyGILState_Check`, or
/// PyPy's `PyPyGILState_Check`, found in the process once); `false` where
/// no such function is found.
fn gil_held() -> bool {
    use core::ffi::{c_char, c_int, c_void};
    extern "C" {
        fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    }
    /// `RTLD_DEFAULT` (glibc, musl): search the global scope.
    const RTLD_DEFAULT: *mut c_void = core::ptr::null_mut();
    /// Looked up but not found.
    const MISSING: *mut c_void = core::ptr::dangling_mut::<c_void>();
    static CHECK: AtomicPtr<c_void> = AtomicPtr::new(core::ptr::null_mut());
    let mut f = CHECK.load(Ordering::Acquire);
    if f.is_null() {
        let found = [c"PyGILState_Check", c"PyPyGILState_Check"]
            .into_iter()
            // SAFETY: NUL-terminated symbol names; dlsym has no other
            // precondition.
            .map(|name| unsafe { dlsym(RTLD_DEFAULT, name.as_ptr()) })
            .find(|f| !f.is_null());
        f = found.unwrap_or(MISSING);
        CHECK.store(f, Ordering::Release);
    }
    if f == MISSING {
        return false;
    }
    // SAFETY: the interpreter's `int PyGILState_Check(void)`, callable from
    // any thread, with or without the GIL.
    let check: unsafe extern "C" fn() -> c_int = unsafe { core::mem::transmute(f) };
    // SAFETY: as above.
    unsafe { check() != 0 }
}

/// [`Context::check_signals`]: HPy 0.9 has no such function, so this
/// evaluates a tiny precompiled code object: both CPython and PyPy run
/// pending handlers when they start executing bytecode.
pub fn check_signals(ctx: Context<'_>) -> HPyResult<()> {
    let signal_check = &crate::threads::SIGNAL_CHECK;
    let code = match signal_check.load(ctx)? {
        Some(code) => code,
        None => {
            let code = ctx
                .compile("None", "<hpy-rs check_signals>", crate::SourceKind::Expr)?
                .into_handle();
            signal_check.store(&code)?;
            code
        }
    };
    let globals = ctx.builtins();
    // SAFETY: `code` is the code object stored above, `globals` the
    // builtins dict; the result is owned or HPy_NULL.
    let result = unsafe {
        ctx.wrap_result(hpy_sys::HPy_EvalCode(
            ctx.as_raw(),
            code.as_raw(),
            globals.as_raw(),
            globals.as_raw(),
        ))
    }?;
    drop(result);
    Ok(())
}

/// The panic hook's report of a panic: this ABI cannot ask the interpreter
/// whether the thread is inside a call from Python, so every panic gets
/// one line (location and message, no backtrace).
pub fn report_panic(
    info: &std::panic::PanicHookInfo<'_>,
    previous: &(dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync),
) {
    let _ = previous;
    let location = info
        .location()
        .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    eprintln!(
        "hpy-rs: Rust panic{location}: {} (raised in Python as PanicException \
         when it happens in a call from Python; HPY_RS_PANIC_TRACE=1 shows Rust's \
         full report)",
        crate::err::panic_text(info.payload())
    );
}

// ---- keyword names ----

/// Nothing in this ABI: a keyword name's handle differs from call to call,
/// so names are always compared by value (see the CPython ABI's).
pub struct InternedName;

impl InternedName {
    /// The only value.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        InternedName
    }

    /// Always `false`: names are compared by value in this ABI.
    #[inline(always)]
    pub fn is(&self, _: HPy) -> bool {
        false
    }

    /// A new `str` `text` (HPy 0.9 has no interning, and a handle cannot
    /// be kept between calls without a listed `HPyGlobal`): what
    /// `hpy::intern!` expands to.
    #[inline]
    pub fn get<'ctx>(&self, ctx: Context<'ctx>, text: &str) -> HPyResult<crate::Handle<'ctx>> {
        crate::IntoHPy::into_hpy(text, ctx)
    }
}

/// Nothing to do in this ABI.
#[inline(always)]
pub fn intern_names(_: &[InternedName], _: &[&str]) {}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn keyword_names(_: HPy) -> Option<(*const HPy, usize)> {
    None
}

// ---- sequences ----

/// Always `None`: a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn list_or_tuple_items(_: HPy) -> Option<(*const HPy, usize)> {
    None
}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn dict_set_item(_: HPy, _: HPy, _: HPy) -> Option<core::ffi::c_int> {
    None
}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn dict_get_item(_: HPy, _: HPy) -> Option<HPy> {
    None
}

/// Always `None` (the universal ABI reads a `range` by its numbers: see
/// `iter::range_of`).
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn exact_range_len(_: HPy) -> Option<usize> {
    None
}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn list_or_tuple_item(_: HPy, _: usize) -> Option<HPy> {
    None
}

/// The type pointer of `obj`, a handle of hpy_rs_universal's plain
/// context (the object's address) served by `plain_ext::fast`.
///
/// # Safety
/// `obj` is a live handle of that context.
#[inline(always)]
unsafe fn plain_type_of(obj: HPy) -> isize {
    // SAFETY: the object's type pointer is `OB_TYPE` bytes after its
    // address (the layout `plain_ext::fast` checked against the table).
    unsafe {
        *(obj._i as *const u8)
            .add(plain_ext::layout::OB_TYPE)
            .cast::<isize>()
    }
}

/// CPython's `Py_TPFLAGS_{LONG,LIST,TUPLE,BYTES,UNICODE,DICT,
/// BASE_EXC,TYPE}_SUBCLASS` (bits 24-31, its stable ABI): a type with one
/// of them derives from that builtin type.
const BUILTIN_SUBCLASS_BITS: core::ffi::c_ulong = 0xff << 24;

/// `isinstance(obj, ty)` for a builtin type constant, on hpy_rs_universal's
/// plain context (a table of version 4) as CPython's `PyLong_Check` and
/// its siblings decide it, as the CPython ABI does: the exact type, then
/// the type's subclass bit in `tp_flags` (CPython's stable-ABI
/// `Py_TPFLAGS_*_SUBCLASS` values); `None` (the caller checks through HPy)
/// for a subclass of `float`, which has no bit, for the constants not
/// listed here, and on any other context.
#[inline(always)]
pub(crate) fn type_check_constant(
    obj: &crate::Handle<'_>,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    use hpy_sys::HPyConstant as C;
    let flag: core::ffi::c_ulong = match ty {
        C::LongType => 1 << 24,
        C::ListType => 1 << 25,
        C::TupleType => 1 << 26,
        C::BytesType => 1 << 27,
        C::UnicodeType => 1 << 28,
        C::TypeType => 1 << 31,
        C::FloatType => 0,
        _ => return None,
    };
    let ctx = obj.context().as_raw();
    plain_ext::fast(ctx)?;
    // SAFETY: a live handle of the plain context (the object); the
    // constant is a type object of the context, read from it; the object's
    // type is live, its `tp_flags` at the layout's offset.
    unsafe {
        let t = plain_type_of(obj.as_raw());
        if t == hpy_sys::HPy_GetConstant(ctx, ty)._i {
            return Some(true);
        }
        let flags = *(t as *const u8)
            .add(plain_ext::layout::TP_FLAGS)
            .cast::<core::ffi::c_ulong>();
        if flag != 0 {
            return Some(flags & flag != 0);
        }
        // `float` has no bit, but its instances' layout conflicts with
        // those of the types that have one (no class has both as bases):
        // an `int` is no `float` without walking its bases.
        if flags & BUILTIN_SUBCLASS_BITS != 0 {
            return Some(false);
        }
        None
    }
}

/// The value of `obj` as `HPyFloat_AsDouble` gives it, where that is
/// cheaper to have directly, on hpy_rs_universal's plain context (a table
/// of version 4): an exact `float`'s read from the object as
/// `PyFloat_AS_DOUBLE` does; an exact `int`'s from `HPyLong_AsDouble`
/// (what `int.__float__` returns, without `PyFloat_AsDouble` looking the
/// method up); `None` for anything else, for an `int` too large (its
/// `OverflowError` is left to the caller's `HPyFloat_AsDouble`), or on any
/// other context (the caller reads the float through HPy).
#[inline(always)]
pub(crate) fn exact_float_value(obj: &crate::Handle<'_>) -> Option<f64> {
    let ctx = obj.context().as_raw();
    plain_ext::fast(ctx)?;
    // SAFETY: a live handle of the plain context (the object); an exact
    // `float`'s `double` is at the layout's offset; the constants are the
    // context's own type objects.
    unsafe {
        let t = plain_type_of(obj.as_raw());
        if t == hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::FloatType)._i {
            return Some(
                (obj.as_raw()._i as *const u8)
                    .add(plain_ext::layout::FLOAT_VALUE)
                    .cast::<f64>()
                    .read_unaligned(),
            );
        }
        if t == hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::LongType)._i {
            return exact_int_value(ctx, obj.as_raw());
        }
        None
    }
}

/// [`exact_float_value`] of an exact `int`: out of line, as the rarer
/// case.
///
/// # Safety
/// `obj` is a live exact `int`, a handle of the plain context `ctx`.
#[inline(never)]
unsafe fn exact_int_value(ctx: *mut HPyContext, obj: HPy) -> Option<f64> {
    // SAFETY: the contract; the error, if any, is cleared here and raised
    // again by the caller's `HPyFloat_AsDouble`.
    unsafe {
        let v = hpy_sys::HPyLong_AsDouble(ctx, obj);
        if v == -1.0 && hpy_sys::HPyErr_Occurred(ctx) != 0 {
            hpy_sys::HPyErr_Clear(ctx);
            return None;
        }
        Some(v)
    }
}

/// Always `false`: a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn is_exact_float(_: HPy) -> bool {
    false
}

/// Always `None` (call the builtin `next`): HPy 0.9 has no iterator API.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn iter_next(_: HPy) -> Option<HPy> {
    None
}

/// Always `None` (call the builtin `iter`): HPy 0.9 has no iterator API.
#[inline(always)]
pub(crate) fn get_iter<'ctx>(_: &crate::Handle<'ctx>) -> Option<HPyResult<crate::Handle<'ctx>>> {
    None
}

/// Always `None` (call the builtin `isinstance`): HPy 0.9 has no
/// `isinstance`.
#[inline(always)]
pub(crate) fn is_instance(_: &crate::Handle<'_>, _: &crate::Handle<'_>) -> Option<HPyResult<bool>> {
    None
}

/// An object kept after its first lookup (see the CPython ABI's
/// `ObjectCache`). Here it is kept in an `HPyGlobal`, which HPy's
/// universal ABI allows only where the module definition lists it: a
/// cache whose [`global_ptr`](Self::global_ptr) every module lists (the
/// `StdClass` caches, through `impl_::SDK_GLOBALS`) is marked so by
/// [`mark_listed`](Self::mark_listed) at module exec and then keeps its
/// object (one `HPyGlobal_Load` per `get`); an unlisted one keeps nothing.
pub(crate) struct ObjectCache(crate::Global);

impl ObjectCache {
    /// An empty cache, for a `static`.
    #[allow(clippy::new_without_default)]
    pub(crate) const fn new() -> Self {
        ObjectCache(crate::Global::new())
    }

    /// The pointer a module definition lists for this cache.
    pub(crate) const fn global_ptr(&self) -> *mut HPyGlobal {
        self.0.as_raw_ptr()
    }

    /// Records that the module definition being executed lists
    /// [`global_ptr`](Self::global_ptr).
    ///
    /// # Safety
    /// It must list it.
    pub(crate) unsafe fn mark_listed(&self) {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.0.mark_registered() }
    }

    /// The kept object, as a new handle (one `HPyGlobal_Load`); `None`
    /// before [`set`](Self::set) or where the module does not list it.
    #[inline]
    pub(crate) fn get<'ctx>(&self, ctx: Context<'ctx>) -> Option<crate::Handle<'ctx>> {
        if !self.0.registered() {
            return None;
        }
        // An error (none is expected from a load) is dropped, which
        // clears it: the caller looks the object up again.
        self.0.load_unboxed(ctx).ok().flatten()
    }

    /// Keeps `obj` unless an object is kept already (or the module does not
    /// list the cache). Stored once per module exec (`store_unboxed`: on
    /// PyPy a store keeps what it replaces alive, see
    /// `Quirk::GlobalStoreLeaks`, and these objects live as long anyway).
    pub(crate) fn set(&self, obj: &crate::Handle<'_>) {
        if !self.0.registered() || self.0.is_stored() {
            return;
        }
        // Cannot fail: the global is registered.
        let _ = self.0.store_unboxed(obj);
    }

    /// Empties the cache without releasing its object (at module exec:
    /// the interpreter that owned it may be gone), as the CPython ABI's.
    pub(crate) fn forget(&self) {
        self.0.forget();
    }
}

/// `HPyField_Store` of an owned handle into an empty field, then closes
/// the handle.
///
/// # Safety
/// As `HPyField_Store`: `field` is a field of the live `owner`; it is
/// empty; `obj` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn field_store_owned(
    ctx: *mut HPyContext,
    owner: HPy,
    field: *mut hpy_sys::HPyField,
    obj: HPy,
) {
    if plain_ext::fast(ctx).is_some() {
        // On hpy_rs_universal's plain context (a table of version 3 or
        // later says so) a field holds the object's address as a strong reference,
        // as in the CPython ABI, and a handle is that address owning one
        // reference: the handle's reference moves into the empty field,
        // no `HPyField_Store` and `HPy_Close` through the context.
        // SAFETY: an empty field of `owner` (contract), which owns the
        // reference from now on.
        unsafe { *field = hpy_sys::HPyField { _i: obj._i } };
        return;
    }
    // SAFETY: forwarded (contract); the handle is closed once stored.
    unsafe {
        hpy_sys::HPyField_Store(ctx, owner, field, obj);
        hpy_sys::HPy_Close(ctx, obj);
    }
}

/// `HPyListBuilder_Set`, then closes `item`.
///
/// # Safety
/// As `HPyListBuilder_Set`; `item` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn list_builder_put(
    ctx: *mut HPyContext,
    builder: hpy_sys::HPyListBuilder,
    index: usize,
    item: HPy,
) {
    // SAFETY: per the contract.
    unsafe {
        hpy_sys::HPyListBuilder_Set(ctx, builder, index as hpy_sys::HPy_ssize_t, item);
        hpy_sys::HPy_Close(ctx, item);
    }
}

/// A new tuple of `items`: on hpy_rs_universal's plain context the items
/// move into a fresh tuple from its extension (as on the CPython ABI);
/// elsewhere `HPyTuple_FromArray`, which takes its own references, and the
/// items are closed after.
#[inline(always)]
pub fn tuple_from_owned<'ctx, const N: usize>(
    ctx: Context<'ctx>,
    items: [crate::Handle<'ctx>; N],
) -> HPyResult<crate::Handle<'ctx>> {
    if let Some(ext) = plain_ext::of(ctx.as_raw()) {
        // SAFETY: the plain context's `PyTuple_New` (`ext` is its table,
        // checked by `plain_ext`); the GIL is held in every call.
        let tuple = unsafe { (ext.tuple_new)(N as hpy_sys::HPy_ssize_t) };
        if tuple._i == 0 {
            // `items` are closed as they drop.
            return Err(crate::HPyErr::raised(ctx));
        }
        let slots = (tuple._i as *mut u8).wrapping_add(ext.tuple_items_offset);
        // The handles are given up: the tuple takes over their references,
        // as `PyTuple_SET_ITEM` does.
        let raw = items.map(crate::Handle::into_raw);
        // SAFETY: on the plain context a handle's value is the object, so
        // `slots` is the first of the fresh tuple's N empty item slots, one
        // word apart (the table's offset); each is written once, with an
        // owned handle.
        unsafe { slots.cast::<[HPy; N]>().write(raw) };
        // SAFETY: the fresh tuple, owned, all its items set.
        return Ok(unsafe { crate::Handle::from_raw(ctx, tuple) });
    }
    let mut raw = items.each_ref().map(|h| h.as_raw());
    // SAFETY: `raw` holds N valid handles, kept open by `items`; the tuple
    // takes its own references.
    unsafe {
        ctx.wrap_result(hpy_sys::HPyTuple_FromArray(
            ctx.as_raw(),
            raw.as_mut_ptr(),
            N as hpy_sys::HPy_ssize_t,
        ))
    }
}

/// `HPyTupleBuilder_Set`, then closes `item`.
///
/// # Safety
/// As `HPyTupleBuilder_Set`; `item` is an owned handle, consumed.
#[inline(always)]
pub unsafe fn tuple_builder_put(
    ctx: *mut HPyContext,
    builder: hpy_sys::HPyTupleBuilder,
    index: usize,
    item: HPy,
) {
    // SAFETY: per the contract.
    unsafe {
        hpy_sys::HPyTupleBuilder_Set(ctx, builder, index as hpy_sys::HPy_ssize_t, item);
        hpy_sys::HPy_Close(ctx, item);
    }
}

// ---- classes ----

/// The type object a class `global` holds, as a handle of the plain
/// context `ctx` of hpy_rs_universal (whose handles and globals are the
/// objects' addresses) served by `plain_ext::fast`; `None` anywhere else
/// (another host, this host's debug and trace contexts: ask the HPy API),
/// or before the global holds the type.
///
/// On that context the slot itself says whether the type is there: it is
/// zero until the host stores the type's address into it (at the module's
/// exec, with the GIL held, as every use here holds it), and never
/// cleared while the module lives, so `ready` (whose acquiring load would
/// keep the compiler from sharing this context check with the next one,
/// e.g. a borrow's data) is not read.
///
/// # Safety
/// `global` is a class's type slot, which holds the type once `ready` is
/// set and is never cleared while the module lives.
#[inline(always)]
unsafe fn plain_type(
    ctx: *mut HPyContext,
    _ready: &AtomicBool,
    global: *const HPyGlobal,
) -> Option<HPy> {
    plain_ext::fast(ctx)?;
    // SAFETY: the slot is readable (contract); every context of
    // hpy_rs_universal stores a global through the plain context, whose
    // global is the object's address (a strong reference), or, once a
    // subinterpreter loaded the module, a negative key of the host's
    // per-interpreter tables (table version 7), which only
    // `HPyGlobal_Load` reads: `None` then, as for an empty slot. A plain
    // read (an atomic one cost kiwisolver's `x + y` 20 instructions: the
    // compiler no longer shared it between checks): the host writes a
    // cell that an interpreter may read only holding the main
    // interpreter's GIL, when no other interpreter has the module yet.
    let ty = unsafe { *global }._i;
    (ty > 0).then_some(HPy { _i: ty })
}

/// Whether `obj` is an instance of the class whose type `global` holds
/// (or of a subclass), as the CPython ABI's `is_instance_fast` decides it,
/// on hpy_rs_universal's plain context: the object's type pointer
/// compared with the global's object, no `HPyGlobal_Load`, `HPy_TypeCheck`
/// or `HPy_Close` through the context for a final class. `None`
/// elsewhere: ask the HPy API.
///
/// # Safety
/// As [`plain_type`]; `obj` is a valid handle of `ctx`; `final_` only for
/// a type without `Py_TPFLAGS_BASETYPE`.
#[inline(always)]
pub unsafe fn is_instance_fast(
    ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    obj: HPy,
    final_: bool,
) -> Option<bool> {
    // SAFETY: forwarded.
    let ty = unsafe { plain_type(ctx, ready, global) }?;
    // SAFETY: on the plain context a handle's value is the live object's
    // address.
    if unsafe { plain_type_of(obj) } == ty._i {
        return Some(true);
    }
    if final_ {
        return Some(false);
    }
    // SAFETY: both are handles of the plain context (the global's object
    // borrowed: the global keeps it alive, and nothing closes it).
    Some(unsafe { hpy_sys::HPy_TypeCheck(ctx, obj, ty) } != 0)
}

/// Whether a short `str` is made faster from NUL-terminated text
/// (`HPyUnicode_FromString`) than decoded from a length
/// (`HPyUnicode_DecodeASCII`): on every host but hpy_rs_universal's plain
/// context, whose `HPyUnicode_DecodeASCII` is CPython's own. PyPy 7.3.19
/// takes about 20 ns less for 32 characters (`bench/xxhash_pypy.py
/// floor:`).
#[inline(always)]
pub(crate) fn nul_terminated_text_is_cheaper(ctx: Context<'_>) -> bool {
    plain_ext::fast(ctx.as_raw()).is_none()
}

/// A new `str` of `len` ASCII characters not written yet, and where its
/// characters go, on hpy_rs_universal's plain context (its extension
/// table's `ascii_str_new`); `None` elsewhere: HPy 0.9 makes a `str` from
/// finished text only, so the caller decodes its bytes. The caller writes
/// `len` ASCII bytes there before anything else sees the object.
#[inline(always)]
pub(crate) fn ascii_str_uninit(
    ctx: Context<'_>,
    len: usize,
) -> Option<HPyResult<(crate::Handle<'_>, *mut u8)>> {
    let ext = plain_ext::of(ctx.as_raw()).filter(|ext| ext.version >= 5)?;
    let Ok(size) = hpy_sys::HPy_ssize_t::try_from(len) else {
        return Some(Err(crate::HPyErr::overflow_error("str is too long")));
    };
    let mut data = core::ptr::null_mut();
    // SAFETY: a call on the plain context, whose table this is (version
    // 5, checked); the result is an owned handle or HPy_NULL.
    Some(unsafe { ctx.wrap_result((ext.ascii_str_new)(size, &mut data)) }.map(|h| (h, data)))
}

/// The contents of `obj` if it is exactly a `bytes`, read in place on
/// hpy_rs_universal's plain context (its extension table's offsets: no
/// `HPyBytes_Check`, `HPy_Type`, `HPyBytes_GET_SIZE` and
/// `HPyBytes_AS_STRING` through the context); `None` otherwise, and on
/// every other host: ask the HPy API.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context; the bytes are
/// borrowed for no longer than the handle.
#[inline(always)]
pub unsafe fn exact_bytes(ctx: *mut HPyContext, obj: HPy) -> Option<(*const u8, usize)> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 5)?;
    let o = obj._i as *const u8;
    // SAFETY: on the plain context a handle's value is the live object's
    // address, and a constant's handle the constant object's; the table's
    // offsets are the running CPython's: the type pointer, and for a
    // `bytes` (checked first) its size and its contents, immutable while
    // the object lives.
    unsafe {
        let ty = *o.add(ext.ob_type_offset).cast::<isize>();
        if ty != hpy_sys::HPy_GetConstant(ctx, hpy_sys::HPyConstant::BytesType)._i {
            return None;
        }
        let len = *o.add(ext.var_size_offset).cast::<hpy_sys::HPy_ssize_t>();
        Some((o.add(ext.bytes_data_offset), len as usize))
    }
}

/// Whether `obj`'s type is exactly the context constant `ty` (a builtin
/// type), on hpy_rs_universal's plain context: the object's type pointer
/// compared with the constant's object, no `HPy_Type`, `HPy_Is` and
/// `HPy_Close` through the context. `None` elsewhere: ask the HPy API.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context.
#[inline(always)]
pub unsafe fn is_exact_type(
    ctx: *mut HPyContext,
    obj: HPy,
    ty: hpy_sys::HPyConstant,
) -> Option<bool> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 3)?;
    // SAFETY: on the plain context a handle's value is the live object's
    // address, with its type pointer `ob_type_offset` bytes after it, and
    // a constant's handle is the constant object's address.
    unsafe {
        let obj_ty = *(obj._i as *const u8)
            .add(ext.ob_type_offset)
            .cast::<isize>();
        Some(obj_ty == hpy_sys::HPy_GetConstant(ctx, ty)._i)
    }
}

/// `_HPy_AsStruct_Object`: on hpy_rs_universal's plain context the
/// handle's object plus the layout's payload offset, without the call
/// through the context; elsewhere HPy's.
///
/// # Safety
/// `h` is a live instance of a type of shape `Object`, a handle of `ctx`.
#[inline(always)]
pub unsafe fn as_struct_object(ctx: *mut HPyContext, h: HPy) -> *mut c_void {
    match plain_ext::fast(ctx) {
        // On the plain context a handle's value is the object's address,
        // and the payload of its shape follows the header.
        Some(_) => (h._i as *mut u8)
            .wrapping_add(plain_ext::layout::OBJECT_PAYLOAD)
            .cast(),
        // SAFETY: forwarded.
        None => unsafe { hpy_sys::_HPy_AsStruct_Object(ctx, h) },
    }
}

/// Always `None`: a tuple's items are read through the HPy API.
///
/// # Safety
/// None here; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn tuple_items_borrowed(_: HPy) -> Option<(*const HPy, usize)> {
    None
}

/// The type the ready `global` holds, as a handle of the plain context
/// `ctx` that owns no reference (the global keeps the type alive as long
/// as the module); `None`: load it through the HPy API (another host or
/// context, or not ready yet).
///
/// # Safety
/// As for [`is_instance_fast`]; the result is never closed.
#[inline(always)]
pub unsafe fn type_borrowed(
    ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
) -> Option<HPy> {
    // SAFETY: forwarded.
    unsafe { plain_type(ctx, ready, global) }
}

/// Whether `cls` is the type the ready `global` holds (one compare, on
/// the plain context as in [`is_instance_fast`]); `None`: ask the HPy API.
///
/// # Safety
/// As for [`is_instance_fast`].
#[inline(always)]
pub unsafe fn is_type_fast(
    ctx: *mut HPyContext,
    ready: &AtomicBool,
    global: *const HPyGlobal,
    cls: HPy,
) -> Option<bool> {
    // SAFETY: forwarded.
    let ty = unsafe { plain_type(ctx, ready, global) }?;
    (cls._i == ty._i).then_some(true)
}

/// Empties a field that owns its reference, for a simple class's
/// deallocation ([`simple_clear_and_destroy`]), which exists only behind
/// hpy_rs_universal's plain context: through its table's `clear_field`.
/// Anywhere else the HPy runtime empties fields through `tp_traverse`.
///
/// # Safety
/// `field` is a field of a dying instance of a simple class, empty or
/// owning its reference.
#[inline(always)]
pub unsafe fn clear_owned_field(field: *mut hpy_sys::HPyField) {
    match plain_ext::recorded_fast() {
        // SAFETY: forwarded; a simple class's fields hold the plain
        // context's references (the objects' addresses).
        Some(ext) => unsafe { (ext.clear_field)(field) },
        None => unreachable!("simple classes exist only behind hpy_rs_universal's table"),
    }
}

/// A new instance of `cls`, its data written by `fill(obj, data)`.
///
/// On hpy_rs_universal's plain context, for a class it took as *simple*
/// (see [`type_created`]) or, with a table of version 8, one it made
/// *plain* (freed without reading the payload), the host allocates the
/// object without zeroing or tracking it (its table's `alloc_simple`): `fill` writes
/// `T`'s block, everything after it is zeroed here, and the host tracks
/// the object after `fill`, as the CPython ABI does. Anywhere else HPy's
/// `HPy_New` (zeroed, tracked), through the context.
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
    let ctx = cls.context();
    if super::may_be_simple::<T>() {
        if let Some(ext) = plain_ext::fast(ctx.as_raw()) {
            let mut size = 0usize;
            // SAFETY: the plain context's table (`plain_ext`); `cls` is a
            // live type. On success the payload is written whole below
            // (T's block by `fill`, the rest zeroed: a simple class has no
            // ancestors' blocks) before the object is tracked or seen.
            let raw = unsafe { (ext.alloc_simple)(cls.as_raw(), &mut size) };
            if raw._i != 0 {
                // SAFETY: a new object of the plain context (its address),
                // its payload `size` bytes at the table's offset, seen by
                // nothing else until tracked; T's block starts it.
                unsafe {
                    let payload = (raw._i as *mut u8).add(plain_ext::layout::OBJECT_PAYLOAD);
                    super::zero_after_block::<T>(payload, size);
                    let obj = crate::Handle::from_raw(ctx, raw);
                    fill(&obj, payload.cast());
                    (ext.track_simple)(raw);
                    return Ok(obj);
                }
            }
            if size != usize::MAX {
                return Err(crate::HPyErr::raised(ctx));
            }
        }
    }
    let mut data: *mut c_void = core::ptr::null_mut();
    // SAFETY: `cls` is a type; `HPy_New` returns an owned handle (or NULL)
    // and points `data` at the zeroed instance data, written by `fill`.
    let obj = unsafe { ctx.wrap_result(hpy_sys::_HPy_New(ctx.as_raw(), cls.as_raw(), &mut data))? };
    fill(&obj, data);
    Ok(obj)
}

/// What the host does with the payload of a dying instance of a *simple*
/// class `T` once it emptied the `Field` slots (see [`type_created`]): the
/// value's own fields emptied, the value dropped.
///
/// # Safety
/// `data` is the payload of a dying instance of `T`'s simple type.
unsafe extern "C" fn simple_clear_and_destroy<T: crate::HPyClass>(data: *mut c_void) {
    // SAFETY: forwarded; the payload was written at allocation (zeroed by
    // `HPy_New`, or written whole by `new_instance_filled`); the slots the
    // host emptied are seen empty.
    unsafe { super::clear_and_destroy::<T>(data) }
}

/// Called once a class's type object exists: on hpy_rs_universal's plain
/// context (a table of version 4) a class that may be simple
/// (`may_be_simple`) is offered to the host as one, with the plan of its
/// deallocation: its `Field` slots (and `__dict__` slot), which follow
/// `T`'s block at the payload's start, emptied by the host, then
/// [`simple_clear_and_destroy`] only if the value holds fields of its own
/// or needs dropping. The host checks the type object itself, and leaves
/// alone a type it already allocates and frees on its own fast path.
/// Nothing to do anywhere else.
///
/// # Safety
/// `ty` was just created from a spec on `ctx` and has no instances yet.
#[inline(always)]
pub unsafe fn type_created<T: crate::HPyClass>(
    ctx: *mut HPyContext,
    ty: HPy,
    defines: *mut *mut HPyDef,
) {
    // A call of the class runs its constructor directly on the plain
    // context (version 6), as in the CPython ABI.
    if let Some(ext) = plain_ext::fast(ctx).filter(|ext| ext.version >= 6) {
        // SAFETY: `defines` are the class's (contract); its constructor
        // (`impl_new`) reads keyword names from a tuple and may be called
        // with the plain context, where `ty` was just made.
        unsafe {
            if let Some(new) = super::defines_slot(defines, hpy_sys::HPy_tp_new) {
                if !new.r#impl.is_null() {
                    let new = core::mem::transmute::<hpy_sys::HPyCFunction, hpy_sys::HPyFunc_newfunc>(
                        new.r#impl,
                    );
                    (ext.set_type_call)(ctx, ty, new);
                }
            }
        }
    }
    if !super::may_be_simple::<T>() {
        return;
    }
    if let Some(ext) = plain_ext::fast(ctx) {
        let finish: Option<hpy_sys::SimpleFinish> = if T::VISIT_VALUE.is_some() || T::NEEDS_DESTROY
        {
            Some(simple_clear_and_destroy::<T>)
        } else {
            None
        };
        // SAFETY: the plain context's table; `ty` is `T`'s type, just made
        // on it, without instances; a simple class's payload is T's block
        // (no ancestors) followed by its slots, fields of the plain
        // context, and `finish` handles the rest of T's payload.
        unsafe {
            (ext.mark_simple)(
                ty,
                core::mem::size_of::<crate::class::ClassData<T>>(),
                T::FIELD_SLOTS + T::DICT as usize,
                finish,
            )
        };
    }
}

// ---- threads started by the extension ----

/// How a thread the extension started attaches to the interpreter: HPy 0.9
/// has no way, so only a host that offers one (`hpy_rs_universal`'s
/// [`hpy_sys::HostThreadApi`]) can.
#[derive(Clone, Copy)]
pub struct ThreadAttach(&'static hpy_sys::HostThreadApi);

/// The host's way to attach a thread, or `NotImplementedError` naming why
/// there is none.
pub fn thread_attach(ctx: Context<'_>) -> HPyResult<ThreadAttach> {
    if host_profile().has(Quirk::NoThreadAttach) {
        // SAFETY: a live context's `name` is a NUL-terminated static string.
        let name = unsafe { core::ffi::CStr::from_ptr((*ctx.as_raw()).name) };
        let name = name.to_string_lossy();
        return Err(crate::exceptions::NotImplementedError::new_err(format!(
            "calling Python from a thread the extension started needs a way to attach that \
             thread to the interpreter, which HPy 0.9 does not have; the CPython ABI and \
             hpy-rs's host hpy_rs_universal provide one, this module runs on \"{name}\""
        )));
    }
    let capsule = ctx
        .import_module("hpy_rs_universal")?
        .get_attr_s("_thread_api")?
        .downcast::<crate::Capsule<'_>>()
        .map_err(|_| {
            crate::HPyErr::system_error("hpy_rs_universal._thread_api is not a capsule")
        })?;
    let ptr = capsule.pointer(hpy_sys::HOST_THREAD_API_NAME)?;
    // SAFETY: a capsule of that name holds a pointer to the host's static
    // `HostThreadApi`, valid for the whole process.
    let api: &'static hpy_sys::HostThreadApi = unsafe { &*ptr.cast_const().cast() };
    if api.version != hpy_sys::HOST_THREAD_API_VERSION {
        return Err(crate::HPyErr::system_error(
            "hpy_rs_universal's thread API has another version than this extension expects",
        ));
    }
    Ok(ThreadAttach(api))
}

impl ThreadAttach {
    /// The context a thread started during the call with context `caller`
    /// uses: the module's global context (the one its load passed to
    /// `HPyInitGlobalContext_<name>`), valid in every call on every thread;
    /// a debug host rejects another call's context.
    pub fn thread_context(self, caller: *mut HPyContext) -> *mut HPyContext {
        let global = saved_context();
        if global.is_null() {
            caller
        } else {
            global
        }
    }

    /// Attaches the calling thread and takes the GIL.
    ///
    /// # Safety
    /// The interpreter is initialised; undone by one [`Self::release`] on
    /// the same thread.
    pub unsafe fn ensure(self) -> core::ffi::c_int {
        // SAFETY: per the contract.
        unsafe { (self.0.ensure)() }
    }

    /// Undoes one [`Self::ensure`].
    ///
    /// # Safety
    /// `state` came from `ensure` on this thread.
    pub unsafe fn release(self, state: core::ffi::c_int) {
        // SAFETY: per the contract.
        unsafe { (self.0.release)(state) }
    }
}

// ---- consuming the buffer protocol ----

/// The host's `PyObject_GetBuffer(obj, view, PyBUF_SIMPLE)` where it has
/// one (hpy_rs_universal's plain context, extension table version 2):
/// `Some(0)`, or `Some(-1)` with an exception set; `None` where HPy 0.9
/// is all there is (the caller copies instead).
///
/// # Safety
/// `ctx` is the call's context and `obj` a live handle of it; `view` is
/// writable memory for one `HPy_buffer`.
#[inline(always)]
pub unsafe fn get_buffer(
    ctx: *mut HPyContext,
    obj: HPy,
    view: *mut hpy_sys::HPy_buffer,
) -> Option<core::ffi::c_int> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 2)?;
    // SAFETY: the contract; the table's entries of version 2 are present
    // (checked) and valid with this context, whose handles are the objects.
    Some(unsafe { (ext.get_buffer)(obj, view, crate::buffer::PYBUF_SIMPLE) })
}

/// Makes a class's type immutable (`#[hpy_class(immutable_type)]`), as the
/// CPython ABI does; `TypeError` for a class with a mutable base.
///
/// HPy 0.9 has no such flag: hpy_rs_universal offers it, to its plain
/// context through its table (version 8), and to every one of its contexts
/// (debug and trace too, whose types must behave as the plain context's)
/// as the module function `hpy_rs_universal._freeze_type`. Other hosts
/// (`Quirk::NoTypeFreeze`), and a host from before that function, keep the
/// type mutable.
pub(crate) fn freeze_type(ty: &crate::Handle<'_>) -> HPyResult<()> {
    let ctx = ty.context();
    if let Some(ext) = plain_ext::of(ctx.as_raw()).filter(|ext| ext.version >= 8) {
        // SAFETY: the GIL is held (a call's handle); the entry of version
        // 8 is there (checked), and a handle of the plain context is the
        // object.
        let status = unsafe { (ext.freeze_type)(ty.as_raw()) };
        return ctx.wrap_status(status);
    }
    if host_profile().has(Quirk::NoTypeFreeze) {
        return Ok(());
    }
    freeze_through_host_module(ty)
}

/// [`freeze_type`] on a context of hpy_rs_universal without its table
/// (debug, trace): `hpy_rs_universal._freeze_type(ty)`, where the host
/// has it.
#[cold]
fn freeze_through_host_module(ty: &crate::Handle<'_>) -> HPyResult<()> {
    let host = ty.context().import_module("hpy_rs_universal")?;
    if !host.has_attr_s("_freeze_type")? {
        return Ok(());
    }
    host.call_method_s("_freeze_type", &[ty])?;
    Ok(())
}

/// Releases a view filled by [`get_buffer`].
///
/// # Safety
/// `ctx` is the context `get_buffer` filled `view` with (so its table has
/// `release_buffer`), in a call on it; `view` is released once.
#[inline(always)]
pub unsafe fn release_buffer(ctx: *mut HPyContext, view: *mut hpy_sys::HPy_buffer) {
    if let Some(ext) = plain_ext::of(ctx) {
        // SAFETY: the contract: the view came from this table's
        // `get_buffer`.
        unsafe { (ext.release_buffer)(view) }
    }
}
