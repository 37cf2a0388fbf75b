//! Raising and inspecting exceptions through the context, for exception
//! classes given as handles (see [`HPyErr`] for the usual Rust-side errors
//! with builtin classes), warnings, unraisable errors and fatal errors.

use core::ffi::CStr;
use std::ffi::CString;

use hpy_sys::HPyConstant;

use super::{describe_lazy, Lazy};
use crate::cstr::with_cstr;
use crate::{Context, Dict, HPyErr, HPyResult, Handle, IntoHPy, Type};

impl<'ctx> Context<'ctx> {
    /// Raises `exc_type(msg)` now (`HPyErr_SetString`) and returns the
    /// [pending](HPyErr::pending) error to propagate:
    /// `return Err(ctx.raise(&my_error, "bad input"))`.
    ///
    /// `exc_type` may be any exception class, e.g. one created with
    /// [`new_exception_type`](Context::new_exception_type); anything else
    /// raises `TypeError` ("exceptions must derive from BaseException")
    /// instead, as `raise` does. (Interpreters differ here, and PyPy 7.3.19
    /// is left with an exception state it cannot raise, so this is checked
    /// first.) A
    /// message containing NUL is passed as a str object
    /// (`HPyErr_SetObject`), so it arrives intact.
    pub fn raise(self, exc_type: &Handle<'ctx>, msg: &str) -> HPyErr {
        if let Err(err) = require_exception_class(exc_type) {
            return err;
        }
        let set = with_cstr(msg, |msg| {
            // SAFETY: valid handle and NUL-terminated UTF-8; the call always
            // returns HPy_NULL.
            unsafe { hpy_sys::HPyErr_SetString(self.as_raw(), exc_type.as_raw(), msg) };
            Ok(())
        });
        if set.is_err() {
            return match msg.into_hpy(self) {
                Ok(value) => self.err_set_object(exc_type, &value),
                Err(err) => err,
            };
        }
        HPyErr::raised(self)
    }

    /// Raises `exc_type` with `value` now (`HPyErr_SetObject`), like
    /// `raise exc_type(value)` (a `value` that already is an instance of
    /// `exc_type` is raised as is), and returns the pending error.
    pub fn err_set_object(self, exc_type: &Handle<'ctx>, value: &Handle<'ctx>) -> HPyErr {
        if let Err(err) = require_exception_class(exc_type) {
            return err;
        }
        // SAFETY: valid handles; the call always returns HPy_NULL.
        unsafe { hpy_sys::HPyErr_SetObject(self.as_raw(), exc_type.as_raw(), value.as_raw()) };
        HPyErr::raised(self)
    }

    /// Whether the current exception is an instance of `exc_type` — a class
    /// or a tuple of classes (`HPyErr_ExceptionMatches`). See
    /// [`err_matches`](Context::err_matches) for builtin classes.
    #[inline]
    pub fn err_matches_type(self, exc_type: &Handle<'ctx>) -> bool {
        // SAFETY: valid handle; the call cannot fail.
        unsafe { hpy_sys::HPyErr_ExceptionMatches(self.as_raw(), exc_type.as_raw()) != 0 }
    }

    /// Raises `MemoryError` now (`HPyErr_NoMemory`) and returns the pending
    /// error.
    pub fn err_no_memory(self) -> HPyErr {
        // SAFETY: valid context; the call always returns HPy_NULL.
        unsafe { hpy_sys::HPyErr_NoMemory(self.as_raw()) };
        HPyErr::raised(self)
    }

    /// Raises `exc_type(errno, strerror(errno))` from the C `errno` of this
    /// thread (`HPyErr_SetFromErrno`), e.g. `OSError` after a failed system
    /// call, and returns the pending error. Call it right after the failing
    /// call: other code may change `errno`.
    pub fn err_set_from_errno(self, exc_type: &Handle<'ctx>) -> HPyErr {
        if let Err(err) = require_exception_class(exc_type) {
            return err;
        }
        // SAFETY: valid handle; the call always returns HPy_NULL.
        unsafe { hpy_sys::HPyErr_SetFromErrno(self.as_raw(), exc_type.as_raw()) };
        HPyErr::raised(self)
    }

    /// Like [`err_set_from_errno`](Context::err_set_from_errno), with the
    /// file name that failed, in the file-system encoding
    /// (`HPyErr_SetFromErrnoWithFilename`): `exc_type(errno, strerror,
    /// filename)`.
    pub fn err_set_from_errno_with_filename(
        self,
        exc_type: &Handle<'ctx>,
        filename: Option<&CStr>,
    ) -> HPyErr {
        if let Err(err) = require_exception_class(exc_type) {
            return err;
        }
        // SAFETY: valid handle and a NUL-terminated name or null; the call
        // always returns HPy_NULL.
        unsafe {
            hpy_sys::HPyErr_SetFromErrnoWithFilename(
                self.as_raw(),
                exc_type.as_raw(),
                filename.map_or(core::ptr::null(), CStr::as_ptr),
            )
        };
        HPyErr::raised(self)
    }

    /// Like [`err_set_from_errno`](Context::err_set_from_errno), with up to
    /// two file names as objects (`HPyErr_SetFromErrnoWithFilenameObjects`),
    /// as `os.rename` reports both paths.
    pub fn err_set_from_errno_with_filename_objects(
        self,
        exc_type: &Handle<'ctx>,
        filename1: Option<&Handle<'ctx>>,
        filename2: Option<&Handle<'ctx>>,
    ) -> HPyErr {
        if let Err(err) = require_exception_class(exc_type) {
            return err;
        }
        let raw = |h: Option<&Handle<'ctx>>| h.map_or(hpy_sys::HPy_NULL, |h| h.as_raw());
        // SAFETY: valid (or null) handles; the call always returns HPy_NULL.
        unsafe {
            hpy_sys::HPyErr_SetFromErrnoWithFilenameObjects(
                self.as_raw(),
                exc_type.as_raw(),
                raw(filename1),
                raw(filename2),
            )
        };
        HPyErr::raised(self)
    }

    /// `warnings.warn(msg, category, stacklevel)` (`HPyErr_WarnEx`). An
    /// error means the warning was turned into an exception (by a warnings
    /// filter), which the caller must propagate.
    pub fn warn(self, category: &Handle<'ctx>, msg: &str, stack_level: isize) -> HPyResult<()> {
        with_cstr(msg, |msg| {
            // SAFETY: valid handle and NUL-terminated UTF-8; -1 with an
            // exception set on failure.
            self.wrap_status(unsafe {
                hpy_sys::HPyErr_WarnEx(self.as_raw(), category.as_raw(), msg, stack_level)
            })
        })
    }

    /// Reports `err` through `sys.unraisablehook` and clears it
    /// (`HPyErr_WriteUnraisable`), for errors that cannot propagate (in a
    /// destructor, a callback, …). `obj` names the context of the error (it
    /// is shown as "Exception ignored in: obj").
    pub fn write_unraisable(self, err: HPyErr, obj: Option<&Handle<'ctx>>) {
        err.restore(self);
        // SAFETY: an exception is set (`restore` guarantees one) and `obj` is
        // valid or null.
        unsafe {
            hpy_sys::HPyErr_WriteUnraisable(
                self.as_raw(),
                obj.map_or(hpy_sys::HPy_NULL, |h| h.as_raw()),
            )
        }
    }

    /// Prints `msg` and aborts the process (`HPy_FatalError`); never
    /// returns. For unrecoverable states only: nothing is cleaned up. A NUL
    /// in `msg` ends the printed message.
    pub fn fatal_error(self, msg: &str) -> ! {
        let end = msg.find('\0').unwrap_or(msg.len());
        let printed = &msg[..end];
        let _ = with_cstr(printed, |msg| -> HPyResult<()> {
            // SAFETY: valid context and a NUL-terminated message.
            unsafe { hpy_sys::HPy_FatalError(self.as_raw(), msg) }
        });
        // Unreachable: `printed` has no NUL, so `with_cstr` called the closure.
        std::process::abort()
    }

    /// A new exception class (`HPyErr_NewException`, or
    /// `HPyErr_NewExceptionWithDoc` when `doc` is given): `name` is
    /// `"module.ClassName"`, `base` the base class or tuple of bases
    /// (default `Exception`), `dict` the class namespace.
    pub fn new_exception_type(
        self,
        name: &str,
        doc: Option<&str>,
        base: Option<&Handle<'ctx>>,
        dict: Option<&Dict<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        // CPython's own check, which would be a SystemError there.
        if !name.contains('.') {
            return Err(HPyErr::value_error(format!(
                "exception name must be 'module.Name', got {name:?}"
            )));
        }
        let dict = dict.map(|d| &**d);
        let raw = |h: Option<&Handle<'ctx>>| h.map_or(hpy_sys::HPy_NULL, |h| h.as_raw());
        with_cstr(name, |name| match doc {
            // SAFETY: NUL-terminated UTF-8 name, valid (or null) handles,
            // `dict` a dict (a `Dict`) or null; the result is owned or HPy_NULL.
            None => unsafe {
                self.wrap_result(hpy_sys::HPyErr_NewException(
                    self.as_raw(),
                    name,
                    raw(base),
                    raw(dict),
                ))
            },
            Some(doc) => with_cstr(doc, |doc| {
                // SAFETY: as above, with a NUL-terminated docstring.
                unsafe {
                    self.wrap_result(hpy_sys::HPyErr_NewExceptionWithDoc(
                        self.as_raw(),
                        name,
                        doc,
                        raw(base),
                        raw(dict),
                    ))
                }
            }),
        })
    }
}

/// `Ok(())` if `exc_type` is a subclass of `BaseException`, else the
/// `TypeError` Python's `raise` gives.
pub(crate) fn require_exception_class(exc_type: &Handle<'_>) -> HPyResult<()> {
    let base = exc_type
        .context()
        .constant(hpy_sys::HPyConstant::BaseException);
    let base = base.downcast::<Type>()?;
    if exc_type
        .downcast_ref::<Type>()
        .is_some_and(|ty| ty.is_subtype(&base))
    {
        return Ok(());
    }
    Err(HPyErr::type_error(
        "exceptions must derive from BaseException",
    ))
}

// ---- an `HPyErr` reaching the interpreter ----

impl HPyErr {
    /// Raises an exception of the class `ty` with the message `msg` right
    /// away (`HPyErr_SetString`) and returns the [pending](HPyErr::pending)
    /// error that propagates it.
    ///
    /// An `HPyErr` cannot keep a handle (it has no lifetime), so the
    /// exception is set in the interpreter now: return the error promptly,
    /// without calling into Python in between (which could replace or clear
    /// it).
    ///
    /// ```
    /// use hpy::{HPyErr, HPyResult, Handle};
    ///
    /// fn fail_with(ty: &Handle<'_>) -> HPyResult<()> {
    ///     Err(HPyErr::from_type(ty, "it failed"))
    /// }
    /// # let _ = fail_with;
    /// ```
    ///
    /// A `ty` that is not an exception class (a subclass of
    /// `BaseException`) gives `TypeError: exceptions must derive from
    /// BaseException` instead, as Python's `raise` does.
    pub fn from_type(ty: &Handle<'_>, msg: &str) -> Self {
        if let Err(not_an_exception) = require_exception_class(ty) {
            return not_an_exception;
        }
        let ctx = ty.context();
        let msg = to_c_message(msg.to_owned());
        // SAFETY: valid context and handle, NUL-terminated UTF-8 message.
        unsafe { hpy_sys::HPyErr_SetString(ctx.as_raw(), ty.as_raw(), msg.as_ptr()) };
        HPyErr::raised(ctx)
    }

    /// Raises `ty(value)` right away (`HPyErr_SetObject`) and returns the
    /// [pending](HPyErr::pending) error that propagates it. A tuple `value`
    /// becomes the exception's arguments (`ty(*value)`), an instance of
    /// `ty` is raised as it is. See [`from_type`](HPyErr::from_type) for
    /// why this happens at once.
    ///
    /// A `ty` that is not an exception class gives `TypeError`, as for
    /// [`from_type`](HPyErr::from_type).
    pub fn from_type_value(ty: &Handle<'_>, value: &Handle<'_>) -> Self {
        if let Err(not_an_exception) = require_exception_class(ty) {
            return not_an_exception;
        }
        let ctx = ty.context();
        // SAFETY: valid context and handles; HPy takes its own references.
        unsafe { hpy_sys::HPyErr_SetObject(ctx.as_raw(), ty.as_raw(), value.as_raw()) };
        HPyErr::raised(ctx)
    }

    /// The class a not-yet-raised error will raise, or `None` for an
    /// exception already set in the interpreter. An `OSError` is
    /// instantiated to find its errno subclass.
    pub(crate) fn lazy_class<'ctx>(&self, ctx: Context<'ctx>) -> Option<HPyResult<Handle<'ctx>>> {
        let lazy = self.0.as_deref()?;
        Some(match lazy {
            Lazy::Claimed => return None,
            Lazy::InGlobal { ty, .. } => ty.get(ctx, "the exception type"),
            Lazy::Os { errno, msg } => {
                use crate::IntoHPy;
                let os_error = ctx.constant(HPyConstant::OSError);
                (|| {
                    let args = [errno.into_hpy(ctx)?, msg.as_str().into_hpy(ctx)?];
                    Ok(os_error
                        .call(&[&args[0], &args[1]])?
                        .get_type()
                        .into_handle())
                })()
            }
            other => Ok(ctx.constant(describe_lazy(other)?.0)),
        })
    }

    /// Sets this exception as the interpreter's current exception
    /// (`HPyErr_SetString`). The caller must then report failure to Python
    /// (return `HPy_NULL` or `-1`), which generated code does for you.
    ///
    /// A [pending](HPyErr::pending) error with no exception actually set
    /// becomes a `SystemError`, so Python never sees a failure without an
    /// exception.
    #[inline(always)]
    pub fn restore(self, ctx: Context<'_>) {
        if let Some(lazy) = self.into_inner() {
            restore_lazy(ctx, lazy);
        }
    }
}

/// Dropping an error that stands for an exception set in the interpreter
/// (one an HPy call reported, or a [pending](HPyErr::pending) one) clears
/// that exception: the error was handled (`unwrap_or`, `.ok()`, `let _ =`
/// …), and a function that then returns normally must not leave it set for
/// Python to find later (CPython turns that into `SystemError`, PyPy into
/// an exception at some later call). Errors not yet raised need nothing.
///
/// Only a thread holding the interpreter clears anything; in the universal
/// ABI also only through a context that serves every call (see
/// `abi::discard_interpreter_error`).
impl Drop for HPyErr {
    #[inline]
    fn drop(&mut self) {
        if self.is_pending() {
            discard_interpreter_exception();
        }
    }
}

/// CPython ABI: clears the interpreter's current exception if this thread
/// holds the GIL; otherwise leaves it alone.
#[cold]
#[inline(never)]
fn discard_interpreter_exception() {
    crate::abi::discard_interpreter_error();
}

/// [`HPyErr::restore`] for the errors not yet raised (and the claimed ones).
#[inline(never)]
#[cold]
fn restore_lazy(ctx: Context<'_>, lazy: Box<Lazy>) {
    match &*lazy {
        Lazy::Message { ty, msg } => {
            set_message(ctx, *ty, msg);
            return;
        }
        Lazy::InGlobal { ty, msg } => {
            match ty.get(ctx, "the exception type") {
                Ok(ty) => HPyErr::from_type(&ty, msg).restore(ctx),
                Err(e) => e.restore(ctx),
            }
            return;
        }
        Lazy::Os { errno, msg } => {
            restore_os_error(ctx, *errno, msg);
            return;
        }
        _ => {}
    }
    let Some((ty, msg)) = describe_lazy(&lazy) else {
        if !ctx.err_occurred() {
            HPyErr::system_error("an HPy function reported an error without setting an exception")
                .restore(ctx);
        }
        return;
    };
    set_message(ctx, ty, &msg);
}

/// Raises `ty(msg)`: the message as a str made from its length (no
/// NUL-terminated copy), then `HPyErr_SetObject`, which is what
/// `HPyErr_SetString` does inside.
#[inline(always)]
fn set_message(ctx: Context<'_>, ty: HPyConstant, msg: &str) {
    let msg = match crate::IntoHPy::into_hpy(msg, ctx) {
        Ok(msg) => msg,
        // The failure to make it (a MemoryError) is what propagates.
        Err(e) => return e.restore(ctx),
    };
    // SAFETY: the context is the live one of this call, the constant is a
    // valid exception class, and `msg` a valid str handle.
    unsafe {
        let ty = hpy_sys::HPy_GetConstant(ctx.as_raw(), ty);
        hpy_sys::HPyErr_SetObject(ctx.as_raw(), ty, msg.as_raw());
    }
}

/// A message as a C string; an interior NUL (which would cut it short) is
/// shown escaped.
fn to_c_message(msg: String) -> CString {
    CString::new(msg).unwrap_or_else(|e| {
        let escaped = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\\0");
        CString::new(escaped).unwrap_or_default()
    })
}

/// Raises `OSError(errno, msg)`, instantiated at once so that the class
/// set is the errno's subclass (`FileNotFoundError` …), which
/// `HPyErr_ExceptionMatches` then sees; if even building the instance
/// fails, that failure is what propagates.
#[cold]
fn restore_os_error(ctx: Context<'_>, errno: i32, msg: &str) {
    use crate::IntoHPy;
    let ty = ctx.constant(HPyConstant::OSError);
    let instance = errno
        .into_hpy(ctx)
        .and_then(|errno| Ok((errno, msg.into_hpy(ctx)?)))
        .and_then(|(errno, msg)| ty.call(&[&errno, &msg]));
    match instance {
        Ok(instance) => HPyErr::from_type_value(&instance.get_type(), &instance).restore(ctx),
        Err(e) => e.restore(ctx),
    }
}
