//! The Python side of debug mode, as `hpy.universal._debug` and `hpy.debug`
//! offer it:
//!
//! * `hpy_rs_universal._debug`: `new_generation()`,
//!   `get_open_handles(gen)`, `get_closed_handles(gen=0)`,
//!   `get_closed_handles_queue_max_size()`,
//!   `set_closed_handles_queue_max_size(n)`,
//!   `get_protected_raw_data_max_size()`, `set_protected_raw_data_max_size(n)`,
//!   `set_on_invalid_handle(cb)`, `set_on_invalid_builder_handle(cb)`,
//!   `set_handle_stack_trace_limit(n)`, and the type `DebugHandle`
//!   (`.obj`, `.id`, `.is_closed`, equal when their ids are);
//! * `hpy_rs_universal.debug`: `LeakDetector` (`start()`, `stop()`, and as a
//!   context manager), `HPyDebugError`, `HPyLeakError` (`.leaks`: the open
//!   handles), `set_handle_stack_trace_limit(n)`,
//!   `disable_handle_stack_traces()`.
//!
//! Both are modules registered in `sys.modules` when `hpy_rs_universal` is
//! executed, so `import hpy_rs_universal.debug` and `from
//! hpy_rs_universal.debug import LeakDetector` work. The functions are
//! written with `#[hpy_method]` (the module lists them); [`register`] moves
//! them from `hpy_rs_universal` into the submodules.

use hpy::{
    hpy_class, hpy_method, hpy_methods, Constant, Context, Global, HPyErr, HPyResult, Handle,
    IntoHPy, RefMut, RichCompareOp,
};

use super::handles::Snapshot;
use super::info::{current_info, existing_info, DebugInfo};
use crate::submodule::{move_attr, new_submodule};

/// `hpy_rs_universal.debug.HPyLeakError`, kept for `LeakDetector.stop`.
pub(crate) static LEAK_ERROR: Global = Global::new();

/// The debug context's state (the debug context is made on first use).
fn debug_info() -> &'static DebugInfo {
    if let Some(info) = existing_info() {
        return info;
    }
    // SAFETY: called from Python, so the GIL is held; the plain universal
    // context lives forever.
    unsafe { super::context(crate::universal::context()) };
    current_info()
}

/// A debug handle as Python sees it: which record, and which handle of
/// that record (records are reused; the id tells handles apart).
#[hpy_class(module = "hpy_rs_universal._debug")]
pub(crate) struct DebugHandle {
    record: usize,
    id: u64,
}

impl DebugHandle {
    fn new(s: Snapshot) -> DebugHandle {
        DebugHandle {
            record: s.record,
            id: s.id,
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            record: self.record,
            id: self.id,
        }
    }
}

#[hpy_methods]
impl DebugHandle {
    /// The object the handle stands for; None once it is closed (the
    /// object may be gone then).
    #[getter]
    fn obj<'ctx>(&self, ctx: Context<'ctx>) -> Option<Handle<'ctx>> {
        let object = debug_info().with(|s| s.describe(self.snapshot()).object)?;
        // SAFETY: an open handle owns (or, for an argument, its caller
        // holds) a reference, so the object is alive; the host's handles
        // are `PyObject*`s, and HPy_Dup gives the new handle its own
        // reference.
        unsafe {
            let raw = hpy_sys::HPy { _i: object };
            Some(Handle::from_raw(ctx, hpy_sys::HPy_Dup(ctx.as_raw(), raw)))
        }
    }

    /// A number identifying the handle (unique for the process).
    #[getter]
    fn id(&self) -> u64 {
        self.id
    }

    /// Whether the handle is closed.
    #[getter]
    fn is_closed(&self) -> bool {
        debug_info().with(|s| s.describe(self.snapshot()).closed)
    }

    /// Bytes of data handed out through the handle (text of
    /// `HPyUnicode_AsUTF8AndSize` and the like, with its NUL) that are kept,
    /// unreadable, since it was closed; -1 when none is kept.
    #[getter]
    fn raw_data_size(&self) -> i64 {
        match debug_info().with(|s| s.describe(self.snapshot()).raw_data_size) {
            0 => -1,
            n => n as i64,
        }
    }

    /// Closes the handle as `HPy_Close` would (for tests that clean up the
    /// handles a module leaked); a closed handle is left as it is.
    fn _force_close<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<()> {
        let info = debug_info();
        let description = info.with(|s| s.describe(self.snapshot()));
        if description.closed {
            return Ok(());
        }
        match info.with(|s| s.close(description.handle)) {
            Ok(Some(object)) => {
                // SAFETY: the record owned this reference to its object; the
                // host's handles are `PyObject*`s, so it is an owned handle
                // of `ctx`, dropped here.
                drop(unsafe { Handle::from_raw(ctx, object) });
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(problem) => Err(HPyErr::value_error(format!(
                "cannot force-close this handle: {}",
                problem.message()
            ))),
        }
    }

    fn __repr__<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<String> {
        let description = debug_info().with(|s| s.describe(self.snapshot()));
        let mut text = match self.obj(ctx) {
            Some(obj) => format!("<DebugHandle 0x{:x} for {}>", self.id, obj.repr()?),
            None => format!("<DebugHandle 0x{:x} CLOSED>", self.id),
        };
        if let Some(trace) = description.trace {
            text.push_str("\nAllocation stacktrace:\n");
            text.push_str(&trace);
        }
        Ok(text)
    }

    fn __hash__(&self) -> i64 {
        self.id as i64
    }

    fn __richcmp__<'ctx>(
        &self,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = other.context();
        let Ok(other) = other.extract::<hpy::Ref<'_, 'ctx, DebugHandle>>() else {
            return Ok(ctx.constant(Constant::NotImplemented));
        };
        match op {
            RichCompareOp::Eq => Ok(ctx.bool(self.id == other.id)),
            RichCompareOp::Ne => Ok(ctx.bool(self.id != other.id)),
            _ => Ok(ctx.constant(Constant::NotImplemented)),
        }
    }
}

fn handles(snapshots: Vec<Snapshot>) -> Vec<DebugHandle> {
    snapshots.into_iter().map(DebugHandle::new).collect()
}

/// Starts a new generation of handles and returns its number: handles
/// opened from now on belong to it.
#[hpy_method]
pub(crate) fn new_generation() -> i64 {
    debug_info().with(|s| s.new_generation())
}

/// The open handles of generation `gen` or later (a list of DebugHandle).
#[hpy_method]
pub(crate) fn get_open_handles(gen: i64) -> Vec<DebugHandle> {
    handles(debug_info().with(|s| s.open_handles(gen)))
}

/// The handles in the queue of recently closed handles, of generation
/// `gen` (default 0) or later.
#[hpy_method]
pub(crate) fn get_closed_handles(gen: Option<i64>) -> Vec<DebugHandle> {
    handles(debug_info().with(|s| s.closed_handles(gen.unwrap_or(0))))
}

/// The maximum length of the queue of closed handles (default 1024).
#[hpy_method]
pub(crate) fn get_closed_handles_queue_max_size() -> usize {
    debug_info().with(|s| s.closed_max())
}

/// Sets the maximum length of the queue of closed handles; older closed
/// handles are released (and reused).
#[hpy_method]
pub(crate) fn set_closed_handles_queue_max_size(size: usize) {
    debug_info().with(|s| s.set_closed_max(size));
}

/// The most memory kept protected for data of closed handles (default
/// 10 MiB); beyond it, such data is released when its handle closes.
#[hpy_method]
pub(crate) fn get_protected_raw_data_max_size() -> usize {
    debug_info().with(|s| s.protected_max())
}

/// Sets the memory budget of protected data of closed handles.
#[hpy_method]
pub(crate) fn set_protected_raw_data_max_size(size: usize) {
    debug_info().with(|s| s.set_protected_max(size));
}

fn set_callback<'ctx>(callback: &Handle<'ctx>, builders: bool) -> HPyResult<()> {
    let new = if callback.is_none() {
        hpy_sys::HPy_NULL
    } else if callback.is_callable() {
        callback.dup().into_raw()
    } else {
        return Err(HPyErr::type_error("Expected a callable object"));
    };
    let old = debug_info().with(|s| s.set_callback(builders, new));
    if old._i != 0 {
        // SAFETY: the state owned this reference to a callable; the host's
        // handles are `PyObject*`s, so it is an owned handle of `ctx`.
        drop(unsafe { Handle::from_raw(callback.context(), old) });
    }
    Ok(())
}

/// Sets the function called (with no arguments) when an extension uses an
/// invalid handle; None restores the default, a fatal error.
#[hpy_method]
pub(crate) fn set_on_invalid_handle<'ctx>(callback: &Handle<'ctx>) -> HPyResult<()> {
    set_callback(callback, false)
}

/// Sets the function called (with no arguments) when an extension uses a
/// builder after Build/Cancel or a tracker after Close; None restores the
/// default, a fatal error.
#[hpy_method]
pub(crate) fn set_on_invalid_builder_handle<'ctx>(callback: &Handle<'ctx>) -> HPyResult<()> {
    set_callback(callback, true)
}

/// Records where each handle is opened from now on (a native stack trace
/// of at most `limit` frames, shown by the repr of its DebugHandle); None
/// or 0 stops recording.
#[hpy_method]
pub(crate) fn set_handle_stack_trace_limit<'ctx>(limit: &Handle<'ctx>) -> HPyResult<()> {
    let limit = if limit.is_none() {
        0
    } else {
        limit.extract::<usize>()?
    };
    debug_info().with(|s| s.set_trace_limit(limit));
    Ok(())
}

/// Stops recording where handles are opened.
#[hpy_method]
pub(crate) fn disable_handle_stack_traces() {
    debug_info().with(|s| s.set_trace_limit(0));
}

/// Finds handles left open: `start()` begins a generation, `stop()` raises
/// `HPyLeakError` if handles of that generation are still open. Also a
/// context manager (`with LeakDetector(): ...`).
#[hpy_class(module = "hpy_rs_universal.debug")]
pub(crate) struct LeakDetector {
    generation: Option<i64>,
}

#[hpy_methods]
impl LeakDetector {
    #[new]
    fn new() -> LeakDetector {
        LeakDetector { generation: None }
    }

    /// Starts watching: handles opened from now on are checked by `stop()`.
    fn start(&mut self) -> HPyResult<()> {
        if self.generation.is_some() {
            return Err(HPyErr::value_error("LeakDetector already started"));
        }
        self.generation = Some(debug_info().with(|s| s.new_generation()));
        Ok(())
    }

    /// Raises `HPyLeakError` listing the handles opened since `start()`
    /// that are still open.
    fn stop<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<()> {
        let Some(generation) = self.generation else {
            return Err(HPyErr::value_error("LeakDetector not started yet"));
        };
        let leaks = debug_info().with(|s| s.open_handles(generation));
        if leaks.is_empty() {
            return Ok(());
        }
        raise_leak_error(ctx, handles(leaks))
    }

    fn __enter__<'ctx>(mut slf: RefMut<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        slf.start()?;
        Ok(slf.handle().dup())
    }

    fn __exit__<'ctx>(
        &self,
        ctx: Context<'ctx>,
        _exc_type: &Handle<'ctx>,
        _exc_value: &Handle<'ctx>,
        _traceback: &Handle<'ctx>,
    ) -> HPyResult<()> {
        self.stop(ctx)
    }
}

/// Raises `HPyLeakError` for `leaks`: its message lists them (as HPy's
/// does) and its `.leaks` is the list.
fn raise_leak_error<'ctx>(ctx: Context<'ctx>, leaks: Vec<DebugHandle>) -> HPyResult<()> {
    let n = leaks.len();
    let leaks = leaks.into_hpy(ctx)?;
    let mut message = format!("{n} unclosed handle{}:", if n == 1 { "" } else { "s" });
    for i in 0..n {
        message.push_str("\n    ");
        message.push_str(&leaks.get_item_i(i as isize)?.repr()?);
    }
    let Some(class) = LEAK_ERROR.load(ctx)? else {
        return Err(HPyErr::system_error("hpy_rs_universal.debug is not set up"));
    };
    let error = class.call(&[&message.into_hpy(ctx)?])?;
    error.set_attr_s("leaks", &leaks)?;
    Err(ctx.err_set_object(&class, &error))
}

/// Makes `hpy_rs_universal._debug` and `hpy_rs_universal.debug` out of the
/// functions and types `hpy_module!` put on `module`.
pub(crate) fn register<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let private = new_submodule(
        ctx,
        "hpy_rs_universal._debug",
        "HPy debug mode: the handles of the debug context (as hpy.universal._debug).",
    )?;
    for name in [
        "new_generation",
        "get_open_handles",
        "get_closed_handles",
        "get_closed_handles_queue_max_size",
        "set_closed_handles_queue_max_size",
        "get_protected_raw_data_max_size",
        "set_protected_raw_data_max_size",
        "set_on_invalid_handle",
        "set_on_invalid_builder_handle",
        "set_handle_stack_trace_limit",
        "DebugHandle",
    ] {
        move_attr(module, &private, name)?;
    }
    let public = new_submodule(
        ctx,
        "hpy_rs_universal.debug",
        "HPy debug mode: leak detection (as hpy.debug).",
    )?;
    move_attr(module, &public, "LeakDetector")?;
    move_attr(module, &public, "disable_handle_stack_traces")?;
    public.set_attr_s(
        "set_handle_stack_trace_limit",
        &private.get_attr_s("set_handle_stack_trace_limit")?,
    )?;
    let debug_error = ctx.new_exception_type(
        "hpy_rs_universal.debug.HPyDebugError",
        Some("An error found by HPy's debug mode."),
        None,
        None,
    )?;
    let leak_error = ctx.new_exception_type(
        "hpy_rs_universal.debug.HPyLeakError",
        Some("Handles left open; `.leaks` lists them (DebugHandle objects)."),
        Some(&debug_error),
        None,
    )?;
    LEAK_ERROR.store(&leak_error)?;
    public.set_attr_s("HPyDebugError", &debug_error)?;
    public.set_attr_s("HPyLeakError", &leak_error)?;
    module.set_attr_s("_debug", &private)?;
    module.set_attr_s("debug", &public)?;
    Ok(())
}
