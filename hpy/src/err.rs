//! Python exceptions as Rust errors: [`HPyErr`] and [`HPyResult`].

use std::borrow::Cow;
use std::ffi::CString;

use hpy_sys::HPyConstant;

use crate::Context;

/// The result of anything that can raise a Python exception.
pub type HPyResult<T> = Result<T, HPyErr>;

/// A Python exception, either already set in the interpreter or still to be
/// raised.
///
/// Raising is one line:
///
/// ```
/// use hpy::{HPyErr, HPyResult};
///
/// fn check_positive(x: i64) -> HPyResult<i64> {
///     if x <= 0 {
///         return Err(HPyErr::value_error(format!("expected a positive number, got {x}")));
///     }
///     Ok(x)
/// }
/// assert!(check_positive(-1).is_err());
/// ```
///
/// The exception is only materialised when the error reaches Python (or
/// [`restore`](HPyErr::restore) is called), so building one is cheap and needs
/// no context. An `HPyErr` is one pointer wide.
pub struct HPyErr(Option<Box<Lazy>>);

enum Lazy {
    Message {
        ty: HPyConstant,
        msg: Cow<'static, str>,
    },
    WrongType {
        expected: &'static str,
        got: String,
    },
    OutOfRange {
        target: &'static str,
    },
}

impl HPyErr {
    /// An exception of the builtin class `ty` (for example
    /// `HPyConstant::KeyError`) with a message.
    pub fn new(ty: HPyConstant, msg: impl Into<Cow<'static, str>>) -> Self {
        HPyErr(Some(Box::new(Lazy::Message {
            ty,
            msg: msg.into(),
        })))
    }

    /// The interpreter already has an exception set — for example because an
    /// HPy call returned `HPy_NULL` or `-1` — and it should propagate as is.
    #[inline]
    pub fn pending() -> Self {
        HPyErr(None)
    }

    /// Whether this error refers to an exception already set in the
    /// interpreter.
    pub fn is_pending(&self) -> bool {
        self.0.is_none()
    }

    /// `TypeError(msg)`.
    pub fn type_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::TypeError, msg)
    }

    /// `ValueError(msg)`.
    pub fn value_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::ValueError, msg)
    }

    /// `OverflowError(msg)`.
    pub fn overflow_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::OverflowError, msg)
    }

    /// `IndexError(msg)`.
    pub fn index_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::IndexError, msg)
    }

    /// `KeyError(msg)`.
    pub fn key_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::KeyError, msg)
    }

    /// `RuntimeError(msg)`.
    pub fn runtime_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::RuntimeError, msg)
    }

    /// `SystemError(msg)`.
    pub fn system_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::SystemError, msg)
    }

    /// `AttributeError(msg)`.
    pub fn attribute_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::AttributeError, msg)
    }

    /// `ZeroDivisionError(msg)`.
    pub fn zero_division_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(HPyConstant::ZeroDivisionError, msg)
    }

    /// A conversion found an object of type `got` where `expected` was
    /// needed: `TypeError`, worded like CPython's argument errors.
    pub fn wrong_type(expected: &'static str, got: String) -> Self {
        HPyErr(Some(Box::new(Lazy::WrongType { expected, got })))
    }

    /// A Python int did not fit the Rust integer type `target`:
    /// `OverflowError`.
    pub fn out_of_range(target: &'static str) -> Self {
        HPyErr(Some(Box::new(Lazy::OutOfRange { target })))
    }

    /// Rewords a conversion error as an error about argument `param` of the
    /// Python-visible function `func`, as CPython's own messages do
    /// (`f() argument 'x' must be int, not str`). Other errors are unchanged.
    pub fn for_argument(self, func: &str, param: &str) -> Self {
        match self.0.as_deref() {
            Some(Lazy::WrongType { expected, got }) => HPyErr::type_error(format!(
                "{func}() argument '{param}' must be {expected}, not {got}"
            )),
            Some(Lazy::OutOfRange { target }) => HPyErr::overflow_error(format!(
                "{func}() argument '{param}' is out of range for {target}"
            )),
            _ => self,
        }
    }

    /// The exception class and message this error will raise, or `None` for
    /// a [pending](HPyErr::pending) one.
    pub fn describe(&self) -> Option<(HPyConstant, Cow<'_, str>)> {
        Some(match self.0.as_deref()? {
            Lazy::Message { ty, msg } => (*ty, Cow::Borrowed(&**msg)),
            Lazy::WrongType { expected, got } => (
                HPyConstant::TypeError,
                Cow::Owned(format!("expected {expected}, got {got}")),
            ),
            Lazy::OutOfRange { target } => (
                HPyConstant::OverflowError,
                Cow::Owned(format!("Python int out of range for {target}")),
            ),
        })
    }

    /// Sets this exception as the interpreter's current exception
    /// (`HPyErr_SetString`). The caller must then report failure to Python
    /// (return `HPy_NULL` or `-1`), which generated code does for you.
    ///
    /// A [pending](HPyErr::pending) error with no exception actually set
    /// becomes a `SystemError`, so Python never sees a failure without an
    /// exception.
    pub fn restore(self, ctx: Context<'_>) {
        let Some((ty, msg)) = self.describe() else {
            if !ctx.err_occurred() {
                HPyErr::system_error(
                    "an HPy function reported an error without setting an exception",
                )
                .restore(ctx);
            }
            return;
        };
        let msg = CString::new(msg.into_owned()).unwrap_or_else(|e| {
            // An interior NUL would cut the message short; show it escaped instead.
            let escaped = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\\0");
            CString::new(escaped).unwrap_or_default()
        });
        // SAFETY: the context is the live one of this call, the constant is a
        // valid exception class, and `msg` is a NUL-terminated UTF-8 string.
        unsafe {
            let ty = hpy_sys::HPy_GetConstant(ctx.as_raw(), ty);
            hpy_sys::HPyErr_SetString(ctx.as_raw(), ty, msg.as_ptr());
        }
    }
}

impl core::fmt::Debug for HPyErr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.describe() {
            None => f.write_str("HPyErr(<exception set in the interpreter>)"),
            Some((ty, msg)) => write!(f, "HPyErr({ty:?}: {msg})"),
        }
    }
}

impl core::fmt::Display for HPyErr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.describe() {
            None => f.write_str("Python exception set in the interpreter"),
            Some((ty, msg)) => write!(f, "{ty:?}: {msg}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide() {
        assert_eq!(
            core::mem::size_of::<HPyErr>(),
            core::mem::size_of::<usize>()
        );
    }

    #[test]
    fn argument_context_rewords_conversion_errors() {
        let e = HPyErr::wrong_type("int", "str".into()).for_argument("add", "a");
        let (ty, msg) = e.describe().unwrap();
        assert_eq!(ty, HPyConstant::TypeError);
        assert_eq!(msg, "add() argument 'a' must be int, not str");

        let e = HPyErr::out_of_range("i8").for_argument("f", "x");
        let (ty, msg) = e.describe().unwrap();
        assert_eq!(ty, HPyConstant::OverflowError);
        assert_eq!(msg, "f() argument 'x' is out of range for i8");
    }

    #[test]
    fn other_errors_keep_their_message() {
        let e = HPyErr::value_error("bad").for_argument("f", "x");
        assert_eq!(e.describe().unwrap().1, "bad");
        assert!(HPyErr::pending().for_argument("f", "x").is_pending());
    }
}
