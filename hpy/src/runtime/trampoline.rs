//! The one generic entry wrapper every generated function goes through.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hpy_sys::HPyContext;

use crate::{Context, HPyErr, HPyResult, Handle};

/// Runs the body of an HPy entry point.
///
/// The body gets a [`Context`] with a fresh lifetime, so nothing it creates
/// can escape except the raw value it returns. An `Err` is raised as a Python
/// exception and `on_error` returned; a panic is caught and raised as a
/// Python exception too, so no unwind ever reaches the C caller.
///
/// # Safety
/// `ctx` must be the context HPy passed to the running entry point (ignored
/// in the CPython ABI).
#[inline(always)]
pub unsafe fn trampoline<R, F>(ctx: *mut HPyContext, name: &'static str, on_error: R, body: F) -> R
where
    F: for<'ctx> FnOnce(Context<'ctx>) -> HPyResult<R>,
{
    // SAFETY: forwarded.
    unsafe { entry::<false, R, F>(ctx, name, on_error, body) }
}

/// [`trampoline`] of an entry point's host (`DIRECT = false`) or direct
/// (`DIRECT = true`) variant. The direct variant is only called by the
/// universal ABI's CPython-convention trampolines on hpy_rs_universal's
/// plain context (and inlined by the CPython ABI's), whose context serves
/// every call: it records no call context and skips the check for it.
///
/// # Safety
/// As [`trampoline`]; with `DIRECT`, the host is one whose context serves
/// every call (no `Quirk::ContextPerCall`).
#[inline(always)]
pub unsafe fn entry<const DIRECT: bool, R, F>(
    ctx: *mut HPyContext,
    name: &'static str,
    on_error: R,
    body: F,
) -> R
where
    F: for<'ctx> FnOnce(Context<'ctx>) -> HPyResult<R>,
{
    // A build with debug assertions (the dev profile: tests, `cargo hpy
    // develop`) runs every body through one out-of-line entry per return
    // type, the body called through a `dyn` reference: compiled for each
    // entry point, the panic catching and error raising below were a fifth
    // of an unoptimised extension (tsdownsample's 855 functions: 15%, with
    // `tracked_trampoline` 5% more). Optimised builds keep them inlined.
    #[cfg(debug_assertions)]
    {
        let mut body = Some(body);
        let mut once = |ctx: Context<'_>| match body.take() {
            Some(body) => body(ctx),
            None => unreachable!("an entry point's body runs once"),
        };
        // SAFETY: forwarded.
        unsafe { entry_out_of_line(DIRECT, ctx, name, on_error, &mut once) }
    }
    #[cfg(not(debug_assertions))]
    {
        // Where the host gives each call a context of its own, the call's
        // is recorded around the body, out of line: everywhere else the
        // entry is one load and branch more than the body, which stays a
        // tail call.
        if !DIRECT && crate::abi::calls_tracked() {
            // SAFETY: forwarded.
            return unsafe { tracked_trampoline(ctx, name, on_error, body) };
        }
        // SAFETY: forwarded.
        unsafe { run(ctx, name, on_error, body) }
    }
}

/// [`entry`] in a build with debug assertions: the same steps, compiled
/// once per return type.
///
/// # Safety
/// As [`entry`], `direct` standing for `DIRECT`.
#[cfg(debug_assertions)]
#[inline(never)]
unsafe fn entry_out_of_line<R>(
    direct: bool,
    ctx: *mut HPyContext,
    name: &'static str,
    on_error: R,
    body: &mut dyn for<'ctx> FnMut(Context<'ctx>) -> HPyResult<R>,
) -> R {
    if !direct && crate::abi::calls_tracked() {
        // SAFETY: forwarded.
        return unsafe { tracked_trampoline(ctx, name, on_error, body) };
    }
    // SAFETY: forwarded.
    unsafe { run(ctx, name, on_error, body) }
}

/// [`trampoline`] with the call's context recorded (see the universal
/// ABI's `enter_call`).
///
/// `extern "C"`, so that the compiler knows it does not unwind (`run`
/// catches every panic): the entry point then tail-calls it and saves no
/// stack slot for the call on its common path (2 instructions a call, on
/// every host).
///
/// # Safety
/// As [`trampoline`].
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)] // only ever called from Rust
unsafe extern "C" fn tracked_trampoline<R, F>(
    ctx: *mut HPyContext,
    name: &'static str,
    on_error: R,
    body: F,
) -> R
where
    F: for<'ctx> FnOnce(Context<'ctx>) -> HPyResult<R>,
{
    let scope = crate::abi::enter_call(ctx);
    // SAFETY: forwarded.
    let result = unsafe { run(ctx, name, on_error, body) };
    crate::abi::leave_call(scope);
    result
}

/// The body of [`trampoline`].
///
/// # Safety
/// As [`trampoline`].
#[inline(always)]
unsafe fn run<R, F>(ctx: *mut HPyContext, name: &'static str, on_error: R, body: F) -> R
where
    F: for<'ctx> FnOnce(Context<'ctx>) -> HPyResult<R>,
{
    // SAFETY: forwarded from this function's contract.
    let ctx = unsafe { Context::from_raw(ctx) };
    match catch_unwind(AssertUnwindSafe(|| body(ctx))) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            err.restore(ctx);
            on_error
        }
        Err(payload) => {
            raise_panic(ctx, name, payload);
            on_error
        }
    }
}

/// Runs `body`, reporting a panic in it as one in `name` (for a slot that
/// calls one of several user methods, such as `__rmul__` behind `nb_multiply`).
#[inline(always)]
pub fn panics_as<R>(
    ctx: Context<'_>,
    name: &'static str,
    body: impl FnOnce() -> HPyResult<R>,
) -> HPyResult<R> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            raise_panic(ctx, name, payload);
            Err(HPyErr::pending())
        }
    }
}

/// Raises the Python exception that reports a Rust panic in `name`.
#[cold]
#[inline(never)]
pub(crate) fn raise_panic(ctx: Context<'_>, name: &str, payload: Box<dyn Any + Send>) {
    let text = crate::err::panic_text(&*payload);
    // Dropping the payload runs foreign Drop code that could panic again;
    // contain that too rather than unwinding into C.
    if catch_unwind(AssertUnwindSafe(move || drop(payload))).is_err() {
        // The second payload is leaked on purpose: nothing safe is left to do with it.
    }
    let message = format!("Rust panic in {name}(): {text}");
    // An exception raised before the panic is replaced.
    ctx.err_clear();
    match PANIC_EXCEPTION.load(ctx) {
        Ok(Some(exc_type)) => {
            HPyErr::from_type(&exc_type, &message).restore(ctx);
        }
        _ => {
            ctx.err_clear();
            HPyErr::system_error(message).restore(ctx);
        }
    }
}

/// The module's `PanicException` class (a `BaseException` subclass, so that
/// `except Exception` does not swallow a Rust bug). Every `hpy_module!`
/// lists it in its globals and creates it in its exec slot.
pub static PANIC_EXCEPTION: crate::Global = crate::Global::new();

/// The number of [`SDK_GLOBALS`].
const N_SDK_GLOBALS: usize = 3 + crate::convert::imported::CLASS_GLOBALS.len();

/// hpy-rs's own `HPyGlobal`s, which every module `hpy_module!` makes lists
/// (in both ABIs): the module's `PanicException`, the one behind
/// `Context::check_signals` in the universal ABI, the state of
/// `HPyErr::catch`, and one per class the conversions import
/// (`convert::imported`). The module's exec marks them as registered
/// ([`init_panic_exception`]).
pub const SDK_GLOBALS: &[*mut hpy_sys::HPyGlobal] = &{
    let mut globals = [core::ptr::null_mut(); N_SDK_GLOBALS];
    globals[0] = PANIC_EXCEPTION.as_raw_ptr();
    globals[1] = super::abi::SIGNAL_CHECK.as_raw_ptr();
    globals[2] = crate::err::exception::CATCH_STATE.as_raw_ptr();
    let classes = crate::convert::imported::CLASS_GLOBALS;
    let mut i = 0;
    while i < classes.len() {
        globals[3 + i] = classes[i];
        i += 1;
    }
    globals
};

/// Creates the module's `PanicException` (`<module>.PanicException`) and
/// publishes it as a module attribute (called from the generated exec slot).
pub fn init_panic_exception<'ctx>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
    module_name: &str,
) -> HPyResult<()> {
    // SAFETY: every module definition `hpy_module!` writes lists
    // `SDK_GLOBALS`, which holds these two and the class caches' globals.
    unsafe {
        PANIC_EXCEPTION.mark_registered();
        super::abi::SIGNAL_CHECK.mark_registered();
        crate::convert::imported::forget_cached_classes();
    }
    crate::err::exception::init(ctx)?;
    crate::types::abc::forget_cached_classes();
    let base = ctx.constant(hpy_sys::HPyConstant::BaseException);
    let exc = ctx.new_exception_type(
        &format!("{module_name}.PanicException"),
        Some("Raised when Rust code panics; the message carries the panic text."),
        Some(&base),
        None,
    )?;
    PANIC_EXCEPTION.store(&exc)?;
    module.set_attr_s("PanicException", &exc)
}
