//! Errors, signals and panics in the universal ABI, through the context.

use super::*;

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
pub(super) fn gil_held() -> bool {
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

/// The code object [`check_signals`] runs (`None`, compiled once per
/// module): kept here, beside the one function that fills and reads it, so
/// that the ABI layer owns its own state. Every `hpy_module!` lists it in
/// its globals (the runtime's `SDK_GLOBALS`, which names it in both ABIs).
pub(crate) static SIGNAL_CHECK: crate::Global = crate::Global::new();

/// [`Context::check_signals`]: HPy 0.9 has no such function, so this
/// evaluates a tiny precompiled code object: both CPython and PyPy run
/// pending handlers when they start executing bytecode.
pub fn check_signals(ctx: Context<'_>) -> HPyResult<()> {
    let signal_check = &SIGNAL_CHECK;
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
        crate::err::panic::panic_text(info.payload())
    );
}
