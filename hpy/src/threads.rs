//! [`Context::allow_threads`]: run Rust code without holding the
//! interpreter (`HPy_LeavePythonExecution` / `HPy_ReenterPythonExecution`).

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use crate::Context;

impl<'ctx> Context<'ctx> {
    /// Runs `f` while other threads may run Python code — on CPython, with
    /// the GIL released (`HPy_LeavePythonExecution`, then
    /// `HPy_ReenterPythonExecution`).
    ///
    /// `f` must be `Send` and return a `Send` value. [`Context`],
    /// [`Handle`](crate::Handle) and [`Borrowed`](crate::Borrowed) are not
    /// `Send` (nor is `&Handle`), so the closure cannot touch the
    /// interpreter: copy what it needs out of Python objects first.
    ///
    /// A panic in `f` is carried across: Python execution is re-entered
    /// first, then the panic continues (and is turned into a Python
    /// exception at the function boundary, as usual).
    ///
    /// ```
    /// use hpy::{hpy_method, Context};
    ///
    /// #[hpy_method]
    /// fn checksum(ctx: Context<'_>, data: &[u8]) -> u64 {
    ///     // `data` borrows an immutable `bytes` object kept alive by the
    ///     // caller, so reading it without the interpreter is fine.
    ///     ctx.allow_threads(|| data.iter().map(|&b| u64::from(b)).sum())
    /// }
    /// # fn main() {}
    /// ```
    pub fn allow_threads<F, R>(self, f: F) -> R
    where
        F: FnOnce() -> R + Send,
        R: Send,
    {
        // SAFETY: valid context of a call running Python code; the state is
        // handed back below on every path, before anything else touches
        // the interpreter.
        let state = unsafe { hpy_sys::HPy_LeavePythonExecution(self.as_raw()) };
        let result = catch_unwind(AssertUnwindSafe(f));
        // SAFETY: `state` came from the matching leave call on this thread.
        unsafe { hpy_sys::HPy_ReenterPythonExecution(self.as_raw(), state) };
        match result {
            Ok(value) => value,
            Err(payload) => resume_unwind(payload),
        }
    }
}

// ---- signals ----

/// Universal ABI: the code object [`Context::check_signals`] runs (`None`,
/// compiled once per module). Every `hpy_module!` lists it in its globals.
pub(crate) static SIGNAL_CHECK: crate::Global = crate::Global::new();

impl<'ctx> Context<'ctx> {
    /// Runs the Python signal handlers of signals that arrived while Rust
    /// code was running, so that a long loop can be interrupted (Ctrl-C
    /// raises `KeyboardInterrupt` here). Returns the exception a handler
    /// raised; call it every few milliseconds of work and propagate with `?`.
    ///
    /// CPython ABI: `PyErr_CheckSignals`. HPy 0.9 has no such function, so in
    /// the universal ABI this evaluates a tiny precompiled code object: both
    /// CPython and PyPy run pending handlers when they start executing
    /// bytecode (about a microsecond on CPython).
    ///
    /// ```
    /// use hpy::{hpy_method, Context, HPyResult};
    ///
    /// #[hpy_method]
    /// fn count_up(ctx: Context<'_>, n: u64) -> HPyResult<u64> {
    ///     let mut total = 0u64;
    ///     for i in 0..n {
    ///         if i % 1_000_000 == 0 {
    ///             ctx.check_signals()?;
    ///         }
    ///         total = total.wrapping_add(i);
    ///     }
    ///     Ok(total)
    /// }
    /// # fn main() {}
    /// ```
    pub fn check_signals(self) -> crate::HPyResult<()> {
        #[cfg(not(feature = "universal"))]
        {
            // SAFETY: called with the GIL held (a live context).
            if unsafe { hpy_sys::cpython::ffi::PyErr_CheckSignals() } != 0 {
                return Err(crate::HPyErr::raised(self));
            }
            Ok(())
        }
        #[cfg(feature = "universal")]
        {
            let code = match SIGNAL_CHECK.load(self)? {
                Some(code) => code,
                None => {
                    let code = self
                        .compile("None", "<hpy-rs check_signals>", crate::SourceKind::Expr)?
                        .into_handle();
                    SIGNAL_CHECK.store(&code)?;
                    code
                }
            };
            let globals = self.builtins();
            // SAFETY: `code` is the code object stored above, `globals` the
            // builtins dict; the result is owned or HPy_NULL.
            let result = unsafe {
                self.wrap_result(hpy_sys::HPy_EvalCode(
                    self.as_raw(),
                    code.as_raw(),
                    globals.as_raw(),
                    globals.as_raw(),
                ))
            }?;
            drop(result);
            Ok(())
        }
    }
}

// ---- may this thread touch the interpreter? ----
//
// Dropping an `HPyErr` that stands for a set exception clears it (see
// `err.rs`), which only a thread holding the interpreter may do. An
// `HPyErr` is `Send` (so `allow_threads` closures can return one) and can
// be kept in a thread-local, so its drop may run anywhere.

/// CPython ABI: [`discard_interpreter_error`], installed by the module's
/// `PyInit_<name>` (so that code which never runs in an interpreter, such
/// as doctests, links no Python symbol through `HPyErr`'s `Drop`).
#[cfg(not(feature = "universal"))]
static DISCARD: std::sync::atomic::AtomicPtr<()> =
    std::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// CPython ABI: makes dropped errors clear their exception (module init).
#[cfg(not(feature = "universal"))]
pub(crate) fn install_error_discarding() {
    let f: fn() = clear_if_attached;
    DISCARD.store(f as *mut (), std::sync::atomic::Ordering::Release);
}

/// CPython ABI: clears the current exception if this thread holds the GIL
/// (`PyGILState_Check`, callable from any thread), else does nothing.
#[cfg(not(feature = "universal"))]
fn clear_if_attached() {
    // SAFETY: PyGILState_Check may be called without the GIL; PyErr_Clear
    // only runs when this thread holds it.
    unsafe {
        if hpy_sys::cpython::ffi::PyGILState_Check() != 0 {
            hpy_sys::cpython::ffi::PyErr_Clear();
        }
    }
}

/// CPython ABI: clears the interpreter's current exception if this thread
/// holds the GIL (nothing before any module was initialised).
#[cfg(not(feature = "universal"))]
pub(crate) fn discard_interpreter_error() {
    let f = DISCARD.load(std::sync::atomic::Ordering::Acquire);
    if !f.is_null() {
        // SAFETY: only ever set to `clear_if_attached`, a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<*mut (), fn()>(f) };
        f();
    }
}
