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
    /// On PyPy 7.3.19's HPy debug mode, which aborts when two threads run
    /// HPy calls at once, `f` runs with the GIL held.
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
        R: AllowThreadsOutput,
    {
        if crate::abi::host_has(crate::abi::Quirk::OneCallAtATime) {
            // PyPy's debug mode would abort when another thread's call
            // starts meanwhile: the GIL stays held (`f` still cannot touch
            // the interpreter).
            return f();
        }
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

/// What the closure of [`Context::allow_threads`] may return: any `Send`
/// value, which excludes [`HPyResult`](crate::HPyResult) and
/// [`HPyErr`](crate::HPyErr) (an error belongs to the call that raised it).
/// Return a plain value or an error type of your own from the closure, and
/// convert it once `allow_threads` has returned.
#[diagnostic::on_unimplemented(
    message = "the closure given to `allow_threads` cannot return `{Self}`: it runs without \
               the interpreter, so what it returns must be `Send`, which an `HPyErr` is not",
    label = "returns `{Self}` from the closure without the interpreter",
    note = "return a plain value or your own error type (e.g. `Result<T, String>`) from the \
            closure and raise after it: `ctx.allow_threads(|| work()).map_err(HPyErr::value_error)?`"
)]
pub trait AllowThreadsOutput: Send {}

// Not recommended in errors, so that rustc reports the message above rather
// than which field is not `Send`.
#[diagnostic::do_not_recommend]
impl<T: Send> AllowThreadsOutput for T {}

// ---- Python called from a thread Rust starts ----

/// What the thread of [`Context::call_in_thread`] hands back: raw handles
/// (plain integers), owned by whoever receives them.
enum Outcome {
    Value(isize),
    Raised(isize),
    Lost,
    Panicked(Box<dyn core::any::Any + Send>),
}

impl<'ctx> Context<'ctx> {
    /// Runs `f` on a new Rust thread that attaches to the interpreter (as
    /// PyO3's `Python::attach` on a spawned thread), and returns what it
    /// returns. This thread waits without holding the interpreter, so other
    /// Python threads keep running; `f` gets a [`Context`] of its own and
    /// `objects` as [`Borrowed`](crate::Borrowed) handles, still owned here.
    ///
    /// `f` must be `Send` and gets a fresh lifetime `'t`, so it can neither
    /// capture handles of this call nor let its own escape except the one
    /// it returns. An exception it raises is raised here; a panic
    /// continues here (and becomes a Python exception at the function
    /// boundary, as usual).
    ///
    /// CPython ABI: `PyGILState_Ensure`. Universal ABI: HPy 0.9 has no way
    /// to attach a thread, so this works only where the host adds one —
    /// hpy-rs's `hpy_rs_universal` does; on PyPy and the `hpy` package's
    /// `hpy.universal` it raises `NotImplementedError` saying so, before
    /// starting any thread.
    ///
    /// ```
    /// use hpy::{hpy_method, Context, HPyResult, Handle};
    ///
    /// /// `f()`, called from another thread.
    /// #[hpy_method]
    /// fn call_from_thread<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     ctx.call_in_thread(&[f], |_ctx, objects| objects[0].call0())
    /// }
    /// # fn main() {}
    /// ```
    pub fn call_in_thread<F>(
        self,
        objects: &[&crate::Handle<'ctx>],
        f: F,
    ) -> crate::HPyResult<crate::Handle<'ctx>>
    where
        F: for<'t> FnOnce(
                Context<'t>,
                &[crate::Borrowed<'_, 't>],
            ) -> crate::HPyResult<crate::Handle<'t>>
            + Send,
    {
        let attach = crate::abi::thread_attach(self)?;
        let ctx_raw = attach.thread_context(self.as_raw()) as usize;
        let raws: Vec<isize> = objects.iter().map(|h| h.as_raw()._i).collect();
        let outcome = self.allow_threads(move || {
            std::thread::scope(|scope| {
                scope
                    .spawn(move || {
                        // SAFETY: the interpreter runs (this module is loaded
                        // in it); released below on this thread.
                        let state = unsafe { attach.ensure() };
                        // SAFETY: the module's context (the caller's, or the
                        // global one that stays valid in every call), whose
                        // functions any thread holding the interpreter may
                        // call with the caller's handles (the object's
                        // pointer, or a debug handle of the same debug
                        // state), while the caller waits without touching
                        // them.
                        let ctx = unsafe { Context::from_raw(ctx_raw as *mut hpy_sys::HPyContext) };
                        // SAFETY: the caller's handles, open until it returns,
                        // which it does only after this thread ends.
                        let borrowed: Vec<crate::Borrowed<'_, '_>> = raws
                            .iter()
                            .map(|&raw| unsafe {
                                crate::Borrowed::from_raw(ctx, hpy_sys::HPy { _i: raw })
                            })
                            .collect();
                        let outcome = match catch_unwind(AssertUnwindSafe(|| f(ctx, &borrowed))) {
                            Ok(Ok(value)) => Outcome::Value(value.into_raw()._i),
                            Ok(Err(err)) => match err.catch(ctx) {
                                Ok(caught) => Outcome::Raised(caught.into_value().into_raw()._i),
                                Err(_) => Outcome::Lost,
                            },
                            Err(payload) => Outcome::Panicked(payload),
                        };
                        drop(borrowed);
                        // SAFETY: the matching `ensure` above, on this thread.
                        unsafe { attach.release(state) };
                        outcome
                    })
                    .join()
            })
        });
        let wrap = |raw: isize| {
            // SAFETY: an owned handle of this context made by the thread,
            // which no longer uses it.
            unsafe { crate::Handle::from_raw(self, hpy_sys::HPy { _i: raw }) }
        };
        match outcome {
            Ok(Outcome::Value(raw)) => Ok(wrap(raw)),
            Ok(Outcome::Raised(raw)) => {
                let value = wrap(raw);
                let ty = value.get_type();
                Err(crate::HPyErr::from_type_value(&ty, &value))
            }
            Ok(Outcome::Lost) => Err(crate::HPyErr::system_error(
                "call_in_thread: the thread's exception could not be fetched",
            )),
            Ok(Outcome::Panicked(payload)) | Err(payload) => resume_unwind(payload),
        }
    }
}

// ---- signals ----

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
        crate::abi::check_signals(self)
    }
}
