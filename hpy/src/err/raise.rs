//! Raising and inspecting exceptions through the context, for exception
//! classes given as handles (see [`HPyErr`] for the usual Rust-side errors
//! with builtin classes), warnings, unraisable errors and fatal errors.

use core::ffi::CStr;

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
