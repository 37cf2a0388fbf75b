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
        crate::impl_::abi::check_signals(self)
    }
}
