//! `hpy_rs_universal`: hpy-rs's host for HPy 0.9 universal binaries on
//! CPython 3.11-3.15, the counterpart of `hpy.universal` from the `hpy`
//! package (which has no wheels past CPython 3.11 and whose classes crash on
//! 3.13+).
//!
//! Python API (as `hpy.universal`'s):
//! * `load(name, path, spec, debug=False, mode=-1)`: loads the universal
//!   binary at `path` (init symbols `HPyInit_<name>` etc.) and returns the
//!   module made for `spec`; `mode` is `MODE_UNIVERSAL`, `MODE_DEBUG` or
//!   `MODE_TRACE`
//!   (`-1`: as `debug` says);
//! * `get_version()`: `(version, git revision)`;
//! * `_keyed_globals()`: how many global cells hold a subinterpreter key
//!   (for tests);
//! * `_freeze_type(type)`: makes a class immutable, for a binary's class
//!   declared `immutable_type` (HPy 0.9 has no such flag): what the plain
//!   context's table offers, for the debug and trace contexts too;
//! * `MODE_UNIVERSAL`, `MODE_DEBUG`, `MODE_TRACE`;
//! * the submodules `_debug`, `debug` (debug mode) and `_trace` (trace mode).
//!
//! The universal context (made once by `universal`) is hpy-sys's CPython
//! ABI as a function table ([`hpy_sys::host::new_context`]): a universal
//! handle on CPython is the `PyObject*`, so the context functions are the
//! CPython-ABI ones, and only the trampoline entry ([`call_real`]) and the
//! allocation of plain classes' instances (`plain`) are the host's.

pub mod call_real;
mod debug;
mod interp;
mod loader;
mod plain;
mod pycall;
mod submodule;
mod trace;
mod universal;

use hpy::{hpy_method, hpy_module, Context, HPyErr, HPyResult, Handle, IntoHPy};
use hpy_sys::HPyConstant;

/// `hpy.universal.MODE_UNIVERSAL`.
pub const MODE_UNIVERSAL: i32 = 0;
/// `hpy.universal.MODE_DEBUG`.
pub const MODE_DEBUG: i32 = 1;
/// `hpy.universal.MODE_TRACE`.
pub const MODE_TRACE: i32 = 2;

/// Loads the HPy universal binary at `path`, whose init symbols are named
/// after `name`, and returns the module made for `spec`. `mode` is
/// `MODE_UNIVERSAL`, `MODE_DEBUG` or `MODE_TRACE`; -1 (the default) picks
/// by `debug`.
#[hpy_method(keywords)]
fn load<'ctx>(
    ctx: Context<'ctx>,
    name: &str,
    path: &str,
    spec: &Handle<'ctx>,
    debug: Option<bool>,
    mode: Option<i32>,
) -> HPyResult<Handle<'ctx>> {
    let mode = match mode.unwrap_or(-1) {
        -1 if debug.unwrap_or(false) => MODE_DEBUG,
        -1 => MODE_UNIVERSAL,
        m => m,
    };
    let uctx = match mode {
        MODE_UNIVERSAL => universal::context(),
        // SAFETY: the plain universal context lives forever; the GIL is held.
        MODE_DEBUG => unsafe { debug::context(universal::context()) },
        // SAFETY: as for the debug context.
        MODE_TRACE => unsafe { trace::context(universal::context()) },
        other => {
            return Err(HPyErr::value_error(format!(
                "invalid HPy mode {other}: expected MODE_UNIVERSAL (0), MODE_DEBUG (1) or MODE_TRACE (2)"
            )))
        }
    };
    // SAFETY: the contexts live for the rest of the process.
    unsafe { loader::load(ctx, name, path, spec, uctx) }
}

/// `(version, git revision)` of this host; the version is the HPy version
/// whose ABI it implements.
#[hpy_method]
fn get_version() -> (String, String) {
    (
        "0.9.0".to_owned(),
        format!("hpy-rs {}", env!("CARGO_PKG_VERSION")),
    )
}

/// How many `HPyGlobal` cells of the loaded binaries hold a key
/// (hpy-universal/DESIGN.md, "Subinterpreters through hpy_rs_universal"): 0 while
/// no subinterpreter has loaded a module through the host, and again once
/// the main interpreter has taken the keys back after the last such
/// subinterpreter was finalized. For tests.
#[hpy_method]
fn _keyed_globals() -> usize {
    interp::keyed_globals()
}

/// Makes the class `ty` immutable (`Py_TPFLAGS_IMMUTABLETYPE`, as 3.14's
/// `PyType_Freeze`), refusing a class whose base is mutable: how a
/// universal binary loaded in debug or trace mode makes its class declared
/// `immutable_type` immutable, as the plain context's table does in the
/// universal mode, so that no mode changes what the class allows.
#[hpy_method]
fn _freeze_type(ctx: Context<'_>, ty: &Handle<'_>) -> HPyResult<()> {
    // SAFETY: the GIL is held (a call of this CPython-ABI module), and a
    // handle is the live object here; the function checks that it is a
    // type.
    let status = unsafe { hpy_sys::cpython::hpy_rs_cpython_freeze_type(ty.as_raw()) };
    ctx.wrap_status(status)
}

unsafe extern "C" fn thread_ensure() -> core::ffi::c_int {
    // SAFETY: callable from any thread once the interpreter is initialised
    // (it is: this module is loaded in it).
    unsafe { hpy_sys::cpython::ffi::PyGILState_Ensure() }
}

unsafe extern "C" fn thread_release(state: core::ffi::c_int) {
    // SAFETY: `state` came from the matching `thread_ensure` on this thread
    // (the contract of `HostThreadApi`).
    unsafe { hpy_sys::cpython::ffi::PyGILState_Release(state) }
}

/// What universal extensions use to call Python from their own threads
/// (`hpy::Context::call_in_thread`): HPy 0.9 has no such API.
static THREAD_API: hpy_sys::HostThreadApi = hpy_sys::HostThreadApi {
    version: hpy_sys::HOST_THREAD_API_VERSION,
    ensure: thread_ensure,
    release: thread_release,
};

/// What each mode frees of a subinterpreter's state when CPython finalizes
/// it, in this order (after its globals' table): `interp` runs them, and
/// knows them only from this list, which `init` hands it.
static MODE_STATE_RELEASERS: [fn(i64); 2] = [debug::interpreter_gone, trace::interpreter_gone];

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    // First, before anything here can fail: a mode makes a subinterpreter's
    // state only in a call of this module's functions, and an import hands
    // the module out only once this has run.
    interp::release_mode_states_with(&MODE_STATE_RELEASERS);
    // SAFETY: a pointer to a static that is never written, valid for the
    // whole process; the name is a static too.
    let api = unsafe {
        hpy::Capsule::new_raw(
            ctx,
            core::ptr::from_ref(&THREAD_API).cast_mut().cast(),
            Some(hpy_sys::HOST_THREAD_API_NAME),
        )?
    };
    module.set_attr_s("_thread_api", &api)?;
    for (name, value) in [
        ("MODE_UNIVERSAL", MODE_UNIVERSAL),
        ("MODE_DEBUG", MODE_DEBUG),
        ("MODE_TRACE", MODE_TRACE),
    ] {
        module.set_attr_s(name, &value.into_hpy(ctx)?)?;
    }
    let bases = ctx
        .new_tuple(&[
            &ctx.constant(HPyConstant::RuntimeError),
            &ctx.constant(HPyConstant::ImportError),
        ])?
        .into_handle();
    let load_error = ctx.new_exception_type(
        "hpy_rs_universal.HPyLoadError",
        Some("An HPy universal binary could not be loaded (a RuntimeError, as in hpy.universal, and an ImportError)."),
        Some(&bases),
        None,
    )?;
    loader::LOAD_ERROR.store(&load_error)?;
    module.set_attr_s("HPyLoadError", &load_error)?;
    debug::python::register(ctx, module)?;
    trace::register(ctx, module)
}

hpy_module! {
    /// hpy-rs's host for HPy 0.9 universal binaries on CPython 3.11-3.15.
    name: hpy_rs_universal,
    // Its globals and the modules it loads are per interpreter (`interp`,
    // hpy-universal/DESIGN.md, "Subinterpreters through hpy_rs_universal").
    subinterpreters: true,
    methods: [
        load,
        get_version,
        _keyed_globals,
        _freeze_type,
        debug::python::new_generation,
        debug::python::get_open_handles,
        debug::python::get_closed_handles,
        debug::python::get_closed_handles_queue_max_size,
        debug::python::set_closed_handles_queue_max_size,
        debug::python::get_protected_raw_data_max_size,
        debug::python::set_protected_raw_data_max_size,
        debug::python::set_on_invalid_handle,
        debug::python::set_on_invalid_builder_handle,
        debug::python::set_handle_stack_trace_limit,
        debug::python::disable_handle_stack_traces,
        trace::get_call_counts,
        trace::get_durations,
        trace::get_frequency,
        trace::set_trace_functions,
    ],
    types: [debug::python::DebugHandle, debug::python::LeakDetector],
    globals: [loader::LOAD_ERROR, debug::python::LEAK_ERROR],
    exec: init,
}
