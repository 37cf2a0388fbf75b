//! HPy's trace mode (`HPY=trace`, `MODE_TRACE`): a third universal context
//! that wraps the plain one, counts the calls of every context function,
//! adds up the time spent in each, and calls the Python trace functions set
//! with `hpy.trace.set_trace_functions(on_enter, on_exit)` around each call
//! (with the function's name, e.g. `"ctx_Add"`).
//!
//! Handles are the plain universal context's (a trace wrapper passes its
//! arguments on unchanged), so a traced module costs one counter increment,
//! two clock reads and a check for trace functions per context call.
//! The wrappers are generated ([`generated`], by
//! `generate/trace_gen.py`); the counters and the Python API
//! (`hpy_rs_universal._trace`, as `hpy.universal._trace`) are here.

use core::ffi::c_void;
use std::ffi::CString;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::time::Instant;

use hpy::{hpy_method, Context, HPyErr, HPyResult, Handle, IntoHPy, VarArgs};
use hpy_sys::cpython::PyObject;
use hpy_sys::host::UniversalContext;

#[rustfmt::skip]
mod generated;

use generated::NAMES;

/// Number of traced context functions.
const N: usize = NAMES.len();

/// What the trace context keeps besides its function table (the table's
/// `_private` points here). Counters are atomics so that the state needs no
/// lock; the GIL serialises the calls anyway.
struct TraceInfo {
    universal: *mut UniversalContext,
    calls: [AtomicU64; N],
    nanos: [AtomicU64; N],
    /// The trace functions (owned references; NULL when not set).
    on_enter: AtomicPtr<PyObject>,
    on_exit: AtomicPtr<PyObject>,
    /// The names as C strings, for the trace functions' argument.
    c_names: Vec<CString>,
}

/// The trace context, made once and never freed.
static TRACE: AtomicPtr<UniversalContext> = AtomicPtr::new(core::ptr::null_mut());

/// The trace context wrapping `universal` (made on first use).
///
/// # Safety
/// `universal` is the plain universal context, which lives for the rest of
/// the process; the GIL is held.
pub(crate) unsafe fn context(universal: *mut UniversalContext) -> *mut UniversalContext {
    let existing = TRACE.load(Ordering::Acquire);
    if !existing.is_null() {
        return existing;
    }
    let info: &'static TraceInfo = Box::leak(Box::new(TraceInfo {
        universal,
        calls: [const { AtomicU64::new(0) }; N],
        nanos: [const { AtomicU64::new(0) }; N],
        on_enter: AtomicPtr::new(core::ptr::null_mut()),
        on_exit: AtomicPtr::new(core::ptr::null_mut()),
        c_names: NAMES
            .iter()
            .map(|n| CString::new(*n).expect("context function names have no NUL"))
            .collect(),
    }));
    // SAFETY: `universal` is live (caller) and outlives the table.
    let table = generated::table(
        c"HPy Trace Mode ABI (hpy-rs host on CPython)".as_ptr(),
        info as *const TraceInfo as *mut c_void,
        unsafe { &*universal },
    );
    let table = Box::into_raw(Box::new(table));
    // The GIL makes the check-then-store race free.
    TRACE.store(table, Ordering::Release);
    table
}

/// The trace state, made with the trace context if it does not exist yet.
fn trace_info() -> &'static TraceInfo {
    let mut table = TRACE.load(Ordering::Acquire);
    if table.is_null() {
        // SAFETY: called from Python, so the GIL is held; the plain
        // universal context lives forever.
        table = unsafe { context(crate::universal_context()) };
    }
    // SAFETY: the table and its info are never freed.
    unsafe { info(table) }
}

/// The state of trace context `tctx`.
///
/// # Safety
/// `tctx` is the trace context.
#[inline]
unsafe fn info<'a>(tctx: *mut UniversalContext) -> &'a TraceInfo {
    // SAFETY: `_private` of the trace table points to its leaked info.
    unsafe { &*((*tctx)._private as *const TraceInfo) }
}

/// A traced call in progress (from [`enter`] to [`exit`]).
pub(crate) struct Call {
    pub(crate) universal: *mut UniversalContext,
    info: &'static TraceInfo,
    id: usize,
    start: Instant,
}

/// Starts traced call `id`: counts it, runs `on_enter`, starts the clock.
///
/// # Safety
/// `tctx` is the trace context; the GIL is held.
#[inline]
pub(crate) unsafe fn enter(tctx: *mut UniversalContext, id: usize) -> Call {
    // SAFETY: as the caller promises.
    let info = unsafe { info(tctx) };
    info.calls[id].fetch_add(1, Ordering::Relaxed);
    run_trace_function(info, &info.on_enter, id, "on-enter");
    Call {
        universal: info.universal,
        info,
        id,
        start: Instant::now(),
    }
}

/// Ends a traced call: adds its duration, runs `on_exit`.
#[inline]
pub(crate) fn exit(call: Call) {
    let nanos = call.start.elapsed().as_nanos();
    call.info.nanos[call.id].fetch_add(u64::try_from(nanos).unwrap_or(u64::MAX), Ordering::Relaxed);
    run_trace_function(call.info, &call.info.on_exit, call.id, "on-exit");
}

/// Calls the trace function in `slot`, if set, with the name of function
/// `id`. An error it raises is printed (as unraisable) and dropped: the
/// context function being traced has no way to report it.
#[inline]
fn run_trace_function(info: &TraceInfo, slot: &AtomicPtr<PyObject>, id: usize, what: &str) {
    let f = slot.load(Ordering::Relaxed);
    if f.is_null() {
        return;
    }
    // SAFETY: the GIL is held (we are inside an HPy call); the slot owns a
    // reference to `f`, and a new one is taken for the call (the function
    // may replace itself); the name is a new reference, dropped after.
    unsafe {
        let u = info.universal;
        let f = ((*u).ctx_Dup)(u, hpy_sys::HPy { _i: f as isize });
        let name = ((*u).ctx_Unicode_FromString)(u, info.c_names[id].as_ptr());
        if name._i == 0 {
            // No memory for a short string: nothing sensible to call with.
            hpy_sys::cpython::ffi::PyErr_Clear();
        } else {
            crate::pycall::call_aside(
                f._i as *mut PyObject,
                name._i as *mut PyObject,
                &format!("HPy trace mode: error when executing the {what} trace function"),
            );
            ((*u).ctx_Close)(u, name);
        }
        ((*u).ctx_Close)(u, f);
    }
}

/// `{name: value}` for every traced function.
fn per_function<'ctx>(ctx: Context<'ctx>, values: &[AtomicU64; N]) -> HPyResult<Handle<'ctx>> {
    let dict = ctx.new_dict()?;
    for (name, value) in NAMES.iter().zip(values) {
        dict.set_item_s(name, &value.load(Ordering::Relaxed).into_hpy(ctx)?)?;
    }
    Ok(dict.into_handle())
}

/// `{context function name: number of calls}` in trace mode so far.
#[hpy_method]
pub(crate) fn get_call_counts<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    per_function(ctx, &trace_info().calls)
}

/// `{context function name: time spent in it}` in trace mode so far, in
/// units of `1 / get_frequency()` seconds (nanoseconds).
#[hpy_method]
pub(crate) fn get_durations<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    per_function(ctx, &trace_info().nanos)
}

/// Ticks per second of the durations `get_durations()` reports.
#[hpy_method]
pub(crate) fn get_frequency() -> u64 {
    1_000_000_000
}

/// Replaces the trace function in `slot` by `f` (a callable, or None to
/// clear it).
fn set_trace_function(slot: &AtomicPtr<PyObject>, f: &Handle<'_>) -> HPyResult<()> {
    let new = if f.is_none() {
        core::ptr::null_mut()
    } else if f.is_callable() {
        f.dup().into_raw()._i as *mut PyObject
    } else {
        return Err(HPyErr::type_error("Expected a callable object or None"));
    };
    let old = slot.swap(new, Ordering::Relaxed);
    if !old.is_null() {
        // SAFETY: the slot owned this reference; the host's handles are
        // `PyObject*`s, so it is an owned handle of `f`'s context.
        drop(unsafe { Handle::from_raw(f.context(), hpy_sys::HPy { _i: old as isize }) });
    }
    Ok(())
}

/// `set_trace_functions(on_enter=..., on_exit=...)`: sets the functions
/// called with the context function's name when a traced context function
/// is entered (`on_enter`) and left (`on_exit`). An argument left out keeps
/// its function; None clears it. (Written over `*args, **kwargs`, because
/// leaving an argument out and passing None mean different things here.)
/// Main interpreter only (`RuntimeError` in another).
#[hpy_method(signature = (*args, **kwargs))]
pub(crate) fn set_trace_functions<'ctx>(
    ctx: Context<'ctx>,
    args: VarArgs<'_, 'ctx>,
    kwargs: Option<Handle<'ctx>>,
) -> HPyResult<()> {
    const NAMES: [&str; 2] = ["on_enter", "on_exit"];
    if !crate::interp::in_main() {
        // The trace state is the process's, and the functions would be
        // another interpreter's objects in the main one's calls.
        return Err(HPyErr::runtime_error(
            "set_trace_functions() works in the main interpreter only: hpy_rs_universal's \
             trace mode is not available in subinterpreters",
        ));
    }
    if args.len() > 2 {
        return Err(HPyErr::type_error(format!(
            "set_trace_functions() takes at most 2 arguments ({} given)",
            args.len()
        )));
    }
    let mut given: [Option<Handle<'ctx>>; 2] = [None, None];
    for (i, arg) in args.iter().enumerate() {
        given[i] = Some(arg.dup());
    }
    if let Some(kwargs) = kwargs {
        let mut taken = 0;
        for (i, name) in NAMES.iter().enumerate() {
            let key = name.into_hpy(ctx)?;
            if kwargs.contains(&key)? {
                if given[i].is_some() {
                    return Err(HPyErr::type_error(format!(
                        "set_trace_functions() got multiple values for argument '{name}'"
                    )));
                }
                given[i] = Some(kwargs.get_item(&key)?);
                taken += 1;
            }
        }
        if kwargs.len()? > taken {
            return Err(HPyErr::type_error(
                "set_trace_functions() takes only the keyword arguments on_enter and on_exit",
            ));
        }
    }
    let info = trace_info();
    for (slot, f) in [&info.on_enter, &info.on_exit].into_iter().zip(&given) {
        if let Some(f) = f {
            set_trace_function(slot, f)?;
        }
    }
    Ok(())
}

/// Makes `hpy_rs_universal._trace` out of the functions `hpy_module!` put on
/// `module`.
pub(crate) fn register<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let trace = crate::debug::python::new_submodule(
        ctx,
        "hpy_rs_universal._trace",
        "HPy trace mode: call counts and durations of the context functions (as \
         hpy.universal._trace).",
    )?;
    for name in [
        "get_call_counts",
        "get_durations",
        "get_frequency",
        "set_trace_functions",
    ] {
        crate::debug::python::move_attr(module, &trace, name)?;
    }
    module.set_attr_s("_trace", &trace)
}
