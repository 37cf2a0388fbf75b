//! The universal ABI's entry points: the HPy-convention functions as
//! CPython calls them through the host (`ctx_CallRealFunctionFromTrampoline`,
//! with the context saved at module init), or directly on hpy_rs_universal's
//! plain context, whose handles are the objects; the host's profile; and the
//! context of the running call where the host's global one is not it.

use super::*;

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
pub(super) struct TrampolineTarget {
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

pub(super) static TRAMPOLINE_TARGET: TrampolineTarget = TrampolineTarget {
    ctx: AtomicPtr::new(core::ptr::null_mut()),
    direct_ctx: AtomicPtr::new(core::ptr::null_mut()),
    tuple_items: AtomicUsize::new(0),
};

/// The context to call directly with, or null where calls go through the
/// host: one load, `Acquire` (the context is the host's, complete before
/// the load that stored it with `Release`).
#[inline(always)]
pub(super) fn direct_context() -> *mut HPyContext {
    TRAMPOLINE_TARGET.direct_ctx.load(Ordering::Acquire)
}

/// The context the trampolines call the host with: one load, `Acquire`
/// as [`direct_context`].
#[inline(always)]
pub(super) fn trampoline_context() -> *mut HPyContext {
    TRAMPOLINE_TARGET.ctx.load(Ordering::Acquire)
}

/// The context the host passed to `HPyInitGlobalContext_<name>` (null
/// before the module is loaded), read with `Acquire` for use outside the
/// trampolines (another thread, a dropped error).
#[inline(always)]
pub(super) fn saved_context() -> *mut HPyContext {
    TRAMPOLINE_TARGET.ctx.load(Ordering::Acquire)
}

/// Where the items of an argument tuple start where `tp_new`/`tp_init`
/// call directly, else 0 ([`TrampolineTarget::tuple_items`]): one
/// relaxed load (a number, read after the `Acquire` load of the context it
/// goes with).
#[inline(always)]
pub(super) fn direct_tuple_items() -> usize {
    TRAMPOLINE_TARGET.tuple_items.load(Ordering::Relaxed)
}

/// The offset of `ob_size` in CPython's variable-size object header
/// (`PyVarObject`: reference count, type, size) in the builds
/// hpy_rs_universal runs on (free-threaded builds are refused).
pub(super) const VAR_OBJECT_SIZE_OFFSET: usize = 2 * core::mem::size_of::<usize>();

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
pub(super) unsafe fn measure_tuple_items(ctx: *mut HPyContext) -> usize {
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

/// The profile of the host that loaded the module, set by
/// [`save_trampoline_context`] before anything of the module can run.
pub(super) static HOST_PROFILE: AtomicU32 = AtomicU32::new(HostProfile::UNIVERSAL_ASSUMED.bits());

/// The quirks every host of a universal binary is taken to have.
pub(crate) const ASSUMED_PROFILE: HostProfile = HostProfile::UNIVERSAL_ASSUMED;

/// The host's profile, detected when the module was loaded.
#[inline(always)]
pub(crate) fn host_profile() -> HostProfile {
    // An atomic load: another interpreter's load of the binary may store it
    // meanwhile. Relaxed: a number, with no memory behind it to order.
    HostProfile::from_bits(HOST_PROFILE.load(Ordering::Relaxed))
}

// Where the host gives each call a context of its own
// (`Quirk::ContextPerCall`), every entry records its call's context in
// [`CALL_CONTEXT`], so that a dropped `HPyErr` can clear its exception
// through the context of the call it is dropped in.

std::thread_local! {
    /// The context of the innermost entry running on this thread (only
    /// kept on a host with `Quirk::ContextPerCall`; null outside calls).
    pub(super) static CALL_CONTEXT: core::cell::Cell<*mut HPyContext> =
        const { core::cell::Cell::new(core::ptr::null_mut()) };
}

/// What [`enter_call`] hands to [`leave_call`]: the context of the call
/// this one is nested in, or [`UNTRACKED`]; and, where the entry had to
/// mark its debug context valid (`Quirk::NestedCallsGetBusyContext`), the
/// flag to clear again on the way out (null otherwise).
#[derive(Clone, Copy)]
pub(crate) struct CallScope(*mut HPyContext, *mut bool);

/// Nothing recorded (the host's global context serves every call).
pub(super) const UNTRACKED: CallScope = CallScope(core::ptr::dangling_mut(), core::ptr::null_mut());

/// The head of what HPy's debug mode keeps behind a debug context's
/// `_private` (`HPyDebugCtxInfo` of HPy 0.9's `debug_internal.h`, the code
/// PyPy 7.3.19 builds its debug mode from): each debug-context function
/// aborts with "Wrong HPy Context!" unless `is_valid`, and clears it while
/// it calls into the interpreter.
#[repr(C)]
pub(super) struct DebugCtxInfo {
    magic_number: core::ffi::c_long,
    is_valid: bool,
}

/// `HPY_DEBUG_CTX_INFO_MAGIC` of HPy 0.9's `debug_internal.h`.
pub(super) const DEBUG_CTX_INFO_MAGIC: core::ffi::c_long = 0xDDA003F;

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
pub(super) fn enter_tracked_call(ctx: *mut HPyContext) -> CallScope {
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
pub(super) fn leave_tracked_call(scope: CallScope) {
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
pub(super) unsafe fn revalidate_debug_context(ctx: *mut HPyContext) -> *mut bool {
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
pub(super) unsafe fn call_real<A>(
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
        crate::abi::object_result($a.result)
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
/// result is an `HPy` ([`ObjectResult`](crate::abi::ObjectResult): x86-64,
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
