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
//! `generate/trace_gen.py`), generic over what a call does around the
//! plain function ([`TracedCall`]); that ([`Call`]), the counters and the
//! Python API (`hpy_rs_universal._trace`, as `hpy.universal._trace`) are
//! here.
//!
//! Each interpreter that uses trace mode has its own state (counters,
//! durations, trace functions) and its own copy of the context; the
//! global table (the one modules get at load) is the main interpreter's,
//! as in debug mode (`crate::debug`), and the Python API answers for the
//! running interpreter. Until a subinterpreter traces, the main
//! interpreter's calls test nothing of this ([`arm`]; hpy-universal/DESIGN.md,
//! "Subinterpreters through hpy_rs_universal").

use core::ffi::c_void;
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use hpy::{hpy_method, Context, HPyErr, HPyResult, Handle, IntoHPy, VarArgs};
use hpy_sys::cpython::PyObject;
use hpy_sys::host::UniversalContext;

#[rustfmt::skip]
mod generated;

use generated::{TracedCall, NAMES};

/// Number of traced context functions.
const N: usize = NAMES.len();

/// What the trace context keeps besides its function table (the table's
/// `_private` points here): one per interpreter that uses trace mode.
/// Counters are atomics so that the state needs no lock; its
/// interpreter's GIL serialises the calls anyway.
struct TraceInfo {
    universal: *mut UniversalContext,
    calls: [AtomicU64; N],
    nanos: [AtomicU64; N],
    /// The trace functions (owned references of this state's interpreter;
    /// NULL when not set).
    on_enter: AtomicPtr<PyObject>,
    on_exit: AtomicPtr<PyObject>,
    /// This state's context: the global table for the main interpreter's,
    /// a copy of it (its own `_private` and `h_Builtins`) for another's,
    /// which the trampoline entry hands to that interpreter's calls.
    table: *mut UniversalContext,
}

/// The names as C strings, for the trace functions' argument.
static C_NAMES: OnceLock<Vec<CString>> = OnceLock::new();

/// The trace context's global table, made once and never freed: the one
/// every module loaded in trace mode gets at load and its trampolines
/// carry, in every interpreter. Its `_private` is the main interpreter's
/// state; in another interpreter it stands for that interpreter's
/// ([`current_info`]).
static TRACE: AtomicPtr<UniversalContext> = AtomicPtr::new(core::ptr::null_mut());

/// The trace states of the interpreters other than the main one.
static SUB_INFOS: crate::interp::PerInterpreter<TraceInfo> = crate::interp::PerInterpreter::new();

/// A new trace state wrapping `universal`, with its own context (the
/// constants taken from `constants`).
///
/// `universal` is the plain universal context; `constants` a context whose
/// constants are live objects of the state's interpreter.
fn new_info(universal: *mut UniversalContext, constants: &UniversalContext) -> Box<TraceInfo> {
    let mut info = Box::new(TraceInfo {
        universal,
        calls: [const { AtomicU64::new(0) }; N],
        nanos: [const { AtomicU64::new(0) }; N],
        on_enter: AtomicPtr::new(core::ptr::null_mut()),
        on_exit: AtomicPtr::new(core::ptr::null_mut()),
        table: core::ptr::null_mut(),
    });
    // The box's contents do not move when the box does.
    let private = &*info as *const TraceInfo as *mut c_void;
    let table = generated::table::<Call>(
        c"HPy Trace Mode ABI (hpy-rs host on CPython)".as_ptr(),
        private,
        constants,
    );
    info.table = Box::into_raw(Box::new(table));
    info
}

/// The trace context (its global table) wrapping `universal`, made on first
/// use, and the running interpreter's state.
///
/// # Safety
/// `universal` is the plain universal context, which lives for the rest of
/// the process; the GIL of the running interpreter is held.
pub(crate) unsafe fn context(universal: *mut UniversalContext) -> *mut UniversalContext {
    let table = crate::interp::context_once(&TRACE, || {
        // SAFETY: `universal` is live (contract); the main interpreter's
        // constants are the plain context's (its `h_Builtins` is the main
        // interpreter's dict).
        Box::leak(new_info(universal, unsafe { &*universal })).table
    });
    if !crate::interp::in_main() {
        current_info();
        // SAFETY: this subinterpreter's GIL is held (contract).
        unsafe { arm(table) };
    }
    table
}

/// Whether the global table serves subinterpreters ([`arm`]).
static ARMED: AtomicBool = AtomicBool::new(false);

/// What the main interpreter's `on_enter` holds, once the global table
/// serves subinterpreters, while it has no trace function: not NULL, so
/// that [`Call::enter`] takes its slow path, which finds the running
/// interpreter's state. Never called or released.
fn look_closer() -> *mut PyObject {
    core::ptr::NonNull::dangling().as_ptr()
}

/// Makes the global table `global` serve subinterpreters, once, before a
/// subinterpreter loads its first module in trace mode: its trampoline
/// entry hands each call the running interpreter's context, and the main
/// interpreter's `on_enter` is never NULL again (a context function called
/// with the global table then finds the running interpreter's state).
/// Until then the main interpreter's calls test nothing of this.
///
/// # Safety
/// `global` is the global table; called in a subinterpreter, its GIL held.
unsafe fn arm(global: *mut UniversalContext) {
    if ARMED.load(Ordering::Acquire) {
        return;
    }
    // The trampolines of the main interpreter's modules read the table's
    // entry without atomics: written holding the main interpreter's GIL,
    // while none of its calls runs.
    // SAFETY: a subinterpreter's GIL is held (contract); the closure takes
    // no lock.
    unsafe {
        crate::interp::with_main_gil(|| {
            if ARMED.load(Ordering::Acquire) {
                return;
            }
            // SAFETY: the global table lives forever; no call reads it
            // meanwhile (above).
            core::ptr::write_volatile(
                &raw mut (*global).ctx_CallRealFunctionFromTrampoline,
                ctx_CallRealFunctionFromTrampoline,
            );
            let _ = info_of(global).on_enter.compare_exchange(
                core::ptr::null_mut(),
                look_closer(),
                Ordering::AcqRel,
                Ordering::Acquire,
            );
            ARMED.store(true, Ordering::Release);
        });
    }
}

/// The trace state of the running interpreter (made, with the trace
/// context, if it does not exist yet).
///
/// Only with the running interpreter's GIL held.
fn current_info() -> &'static TraceInfo {
    let mut global = TRACE.load(Ordering::Acquire);
    if global.is_null() {
        // SAFETY: the GIL is held (contract); the plain universal context
        // lives forever.
        global = unsafe { context(crate::universal::context()) };
    }
    SUB_INFOS.current(
        // SAFETY: the global table's `_private` is the main interpreter's
        // state, never freed.
        || unsafe { info_of(global) },
        // SAFETY: as above; its plain context is live, and this
        // interpreter's GIL is held (contract).
        || unsafe {
            let universal = info_of(global).universal;
            new_info(universal, &crate::interp::running_constants(universal))
        },
    )
}

/// Frees the trace state of interpreter `id` (being finalized, its GIL
/// held: none of its calls runs, and no module keeps its context, which
/// is only ever handed to calls).
pub(crate) fn interpreter_gone(id: i64) {
    // SAFETY: interpreter `id` is being finalized (contract).
    let Some(info) = (unsafe { SUB_INFOS.take(id) }) else {
        return;
    };
    for slot in [&info.on_enter, &info.on_exit] {
        let f = slot.swap(core::ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: an owned reference of this interpreter (a
        // subinterpreter's slot never holds `look_closer()`), whose GIL
        // CPython holds while it finalizes it.
        unsafe { hpy_sys::cpython::Py_XDECREF(f) };
    }
    // SAFETY: a leaked box (`new_info`), handed only to this
    // interpreter's calls, none of which runs.
    drop(unsafe { Box::from_raw(info.table) });
}

/// The state a trace context's `_private` names.
///
/// # Safety
/// `tctx` is a trace context (the global table or an interpreter's).
#[inline]
unsafe fn info_of<'a>(tctx: *mut UniversalContext) -> &'a TraceInfo {
    // SAFETY: `_private` of every trace table points to its state, which
    // lives as long as the table is handed out.
    unsafe { &*((*tctx)._private as *const TraceInfo) }
}

/// `ctx_CallRealFunctionFromTrampoline` of the global trace table once it
/// serves subinterpreters ([`arm`]; the plain context's before): the plain
/// one, called with the running interpreter's trace context, so that the
/// extension's calls in a subinterpreter reach that interpreter's state and
/// constants (the trampoline carries the global table, which is the main
/// interpreter's).
///
/// # Safety
/// As `ctx_CallRealFunctionFromTrampoline`; the GIL is held.
#[allow(non_snake_case)] // named after the context field
unsafe extern "C" fn ctx_CallRealFunctionFromTrampoline(
    tctx: *mut UniversalContext,
    sig: hpy_sys::HPyFunc_Signature,
    func: hpy_sys::HPyCFunction,
    args: *mut c_void,
) {
    let tctx = running_context(tctx);
    // SAFETY: forwarded, with a trace context whose universal context is
    // the plain one (a trace context passes its handles on unchanged).
    unsafe { crate::call_real::plain_call_real(tctx, sig, func, args) }
}

/// The trace context a call given `tctx` runs with: the running
/// interpreter's.
fn running_context(tctx: *mut UniversalContext) -> *mut UniversalContext {
    if crate::interp::in_main() {
        return tctx;
    }
    current_info().table
}

/// A traced call in progress (from [`Call::enter`] to [`Call::exit`]): the
/// call of each of the generated wrappers ([`TracedCall`]).
pub(crate) struct Call {
    universal: *mut UniversalContext,
    info: &'static TraceInfo,
    id: usize,
    start: Instant,
}

impl TracedCall for Call {
    /// Starts traced call `id`: counts it, runs `on_enter`, starts the clock.
    ///
    /// # Safety
    /// `tctx` is the trace context; the GIL is held.
    #[inline]
    unsafe fn enter(tctx: *mut UniversalContext, id: usize) -> Call {
        // SAFETY: as the caller promises.
        let info = unsafe { info_of(tctx) };
        // One test for "a trace function to run" and "the global table in a
        // process with subinterpreters" ([`arm`]).
        if !info.on_enter.load(Ordering::Relaxed).is_null() {
            // SAFETY: forwarded.
            return unsafe { enter_slow(tctx, id) };
        }
        info.calls[id].fetch_add(1, Ordering::Relaxed);
        Call::started(info, id)
    }

    /// The plain universal context the call is made on.
    #[inline]
    fn universal(&self) -> *mut UniversalContext {
        self.universal
    }

    /// Ends a traced call: adds its duration, runs `on_exit`.
    #[inline]
    fn exit(self) {
        let nanos = self.start.elapsed().as_nanos();
        self.info.nanos[self.id]
            .fetch_add(u64::try_from(nanos).unwrap_or(u64::MAX), Ordering::Relaxed);
        let f = self.info.on_exit.load(Ordering::Relaxed);
        run_trace_function(self.info, f, self.id, "on-exit");
    }
}

/// [`Call::enter`] with an `on_enter` to run, or through the global table
/// once it serves subinterpreters (the running interpreter's state then).
///
/// # Safety
/// As [`Call::enter`].
#[cold]
#[inline(never)]
unsafe fn enter_slow(tctx: *mut UniversalContext, id: usize) -> Call {
    let info = if tctx == TRACE.load(Ordering::Relaxed) {
        current_info()
    } else {
        // SAFETY: as the caller promises.
        unsafe { info_of(tctx) }
    };
    info.calls[id].fetch_add(1, Ordering::Relaxed);
    let f = info.on_enter.load(Ordering::Relaxed);
    if f != look_closer() {
        run_trace_function(info, f, id, "on-enter");
    }
    Call::started(info, id)
}

impl Call {
    /// A call of function `id` of `info`'s table (already counted), its
    /// time starting now.
    #[inline]
    fn started(info: &'static TraceInfo, id: usize) -> Call {
        Call {
            universal: info.universal,
            info,
            id,
            start: Instant::now(),
        }
    }
}

/// Calls trace function `f` of `info` (loaded from its slot), if not NULL,
/// with the name of function `id`. An error it raises is printed (as
/// unraisable) and dropped: the context function being traced has no way
/// to report it.
#[inline]
fn run_trace_function(info: &TraceInfo, f: *mut PyObject, id: usize, what: &str) {
    if f.is_null() {
        return;
    }
    // SAFETY: the GIL is held (we are inside an HPy call); the slot owns a
    // reference to `f`, and a new one is taken for the call (the function
    // may replace itself); the name is a new reference, dropped after.
    unsafe {
        let u = info.universal;
        let f = ((*u).ctx_Dup)(u, hpy_sys::HPy { _i: f as isize });
        let name = ((*u).ctx_Unicode_FromString)(u, c_name(id));
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

/// The name of traced function `id` as a C string.
fn c_name(id: usize) -> *const core::ffi::c_char {
    C_NAMES.get_or_init(|| {
        NAMES
            .iter()
            .map(|n| CString::new(*n).expect("context function names have no NUL"))
            .collect()
    })[id]
        .as_ptr()
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
    per_function(ctx, &current_info().calls)
}

/// `{context function name: time spent in it}` in trace mode so far, in
/// units of `1 / get_frequency()` seconds (nanoseconds).
#[hpy_method]
pub(crate) fn get_durations<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    per_function(ctx, &current_info().nanos)
}

/// Ticks per second of the durations `get_durations()` reports.
#[hpy_method]
pub(crate) fn get_frequency() -> u64 {
    1_000_000_000
}

/// Replaces the trace function in `slot` by `f` (a callable, or None to
/// clear it: `slot` then holds `none`).
fn set_trace_function(
    slot: &AtomicPtr<PyObject>,
    f: &Handle<'_>,
    none: *mut PyObject,
) -> HPyResult<()> {
    let new = if f.is_none() {
        none
    } else if f.is_callable() {
        f.dup().into_raw()._i as *mut PyObject
    } else {
        return Err(HPyErr::type_error("Expected a callable object or None"));
    };
    let old = slot.swap(new, Ordering::Relaxed);
    if !old.is_null() && old != look_closer() {
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
/// The functions are the running interpreter's, called for its calls only.
#[hpy_method(signature = (*args, **kwargs))]
pub(crate) fn set_trace_functions<'ctx>(
    ctx: Context<'ctx>,
    args: VarArgs<'_, 'ctx>,
    kwargs: Option<Handle<'ctx>>,
) -> HPyResult<()> {
    const NAMES: [&str; 2] = ["on_enter", "on_exit"];
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
    let info = current_info();
    // The main interpreter's `on_enter` is never NULL once the global table
    // serves subinterpreters (`arm`, which runs holding the main
    // interpreter's GIL, as this does there).
    let no_enter = if ARMED.load(Ordering::Acquire) && crate::interp::in_main() {
        look_closer()
    } else {
        core::ptr::null_mut()
    };
    let slots = [
        (&info.on_enter, no_enter),
        (&info.on_exit, core::ptr::null_mut()),
    ];
    for ((slot, none), f) in slots.into_iter().zip(&given) {
        if let Some(f) = f {
            set_trace_function(slot, f, none)?;
        }
    }
    Ok(())
}

/// Makes `hpy_rs_universal._trace` out of the functions `hpy_module!` put on
/// `module`.
pub(crate) fn register<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let trace = crate::submodule::new_submodule(
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
        crate::submodule::move_attr(module, &trace, name)?;
    }
    module.set_attr_s("_trace", &trace)
}
