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
