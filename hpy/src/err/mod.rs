//! Python exceptions as Rust errors: [`HPyErr`] and [`HPyResult`] (this
//! file, a leaf of the API core: the error as data), raising on a
//! [`Context`] and an error reaching the interpreter (`raise.rs`: restoring,
//! raising at once, clearing on drop), catching, matching and
//! declaring exception classes (`exception.rs`), and the text of a Rust
//! panic and the panic hook (`panic.rs`, a leaf the ABI layer uses).

use std::any::Any;
use std::borrow::Cow;
use std::fmt::Display;

use hpy_sys::HPyConstant;

use crate::{Context, Global, Handle};

pub(crate) mod exception;
pub(crate) mod panic;
mod raise;

/// [`panic::panic_text`] at the path its callers across the crate name
/// (`crate::err::panic_text`), now that it lives in the leaf.
pub(crate) use panic::panic_text;

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
///
/// Where the exception comes from:
///
/// - a builtin class: [`HPyErr::new`] and the shortcuts
///   ([`value_error`](HPyErr::value_error) …);
/// - a class the module defined and keeps in a [`Global`]:
///   [`HPyErr::new_in`];
/// - any class object at hand: [`HPyErr::from_type`] (raised at once);
/// - any Rust error, with `?`: every `std::error::Error + 'static` converts
///   (see [the `From` impl](#impl-From<E>-for-HPyErr) for which class), and
///   [`ResultExt::or_raise`] picks the class explicitly.
///
/// An `HPyErr` that stands for an exception already set in the interpreter
/// (every failure an HPy call reports) owns that exception: returning it
/// raises it, and **dropping it clears it**, so handling an error with
/// `unwrap_or`, `.ok()` or `let _ =` leaves nothing set behind. (In the
/// universal ABI under the `hpy` package's debug mode, which gives each
/// call its own context, the exception stays set: call
/// [`Context::err_clear`] after handling such an error there.)
///
/// An `HPyErr` is neither `Send` nor `Sync`: one that stands for a set
/// exception belongs to the call (and thread) that raised it, so it cannot
/// be sent to another thread, kept in a `static` or in an object's value
/// (class values are `Send`), where dropping it later would clear some
/// unrelated exception. An [`allow_threads`](Context::allow_threads)
/// closure returns its own error type and converts it after (`?` does,
/// for any `std::error::Error`).
///
/// ```compile_fail
/// let err = hpy::HPyErr::value_error("raised in one call");
/// std::thread::spawn(move || drop(err));
/// ```
///
/// `HPyErr` deliberately does not implement `std::error::Error`: that is what
/// lets every other error type convert into it.
pub struct HPyErr(Option<Box<Lazy>>, NotSend);

/// Makes [`HPyErr`] neither `Send` nor `Sync`, at no size.
type NotSend = core::marker::PhantomData<*const ErrorsStayInTheirCall>;

/// The type a `Send`/`Sync` error about an [`HPyErr`] names: its name is
/// the fix. An error is returned (or handled) in the call that raised it;
/// what may cross threads or go into a static is its text
/// (`err.to_string()`), or a Rust error type converted with `?` later.
#[doc(hidden)]
pub enum ErrorsStayInTheirCall {}

/// `None` in an `HPyErr` is an exception that an HPy function has set (it
/// promises one with every failure it reports): restoring it is a no-op, so
/// a trampoline just returns `HPy_NULL`/`-1` and, where that is the
/// function's own result, tail-calls the HPy function.
enum Lazy {
    /// [`HPyErr::pending`]: the caller says an exception is set; checked
    /// when restored.
    Claimed,
    Message {
        ty: HPyConstant,
        msg: Cow<'static, str>,
    },
    InGlobal {
        ty: &'static Global,
        msg: Cow<'static, str>,
    },
    /// `OSError(errno, strerror)`, which Python turns into the subclass for
    /// that errno (`FileNotFoundError` …).
    Os {
        errno: i32,
        msg: String,
    },
    /// `at` is where inside the converted value the problem is (`"[1][0]"`,
    /// empty for the value itself).
    WrongType {
        expected: &'static str,
        got: String,
        at: String,
    },
    OutOfRange {
        target: &'static str,
        at: String,
    },
}

impl HPyErr {
    #[inline(always)]
    const fn from_lazy(lazy: Option<Box<Lazy>>) -> Self {
        HPyErr(lazy, core::marker::PhantomData)
    }

    /// An exception of the builtin class `ty` (for example
    /// `HPyConstant::KeyError`) with a message.
    pub fn new(ty: HPyConstant, msg: impl Into<Cow<'static, str>>) -> Self {
        HPyErr::from_lazy(Some(Box::new(Lazy::Message {
            ty,
            msg: msg.into(),
        })))
    }

    /// An exception of a class the module keeps in a [`Global`] (typically
    /// one made with [`Context::new_exception_type`]), raised when the
    /// error reaches Python. If the global is empty or not listed in the
    /// module's `globals`, a `SystemError` is raised instead.
    pub fn new_in(ty: &'static Global, msg: impl Into<Cow<'static, str>>) -> Self {
        HPyErr::from_lazy(Some(Box::new(Lazy::InGlobal {
            ty,
            msg: msg.into(),
        })))
    }

    /// `OSError(errno, strerror)`, which Python turns into the subclass
    /// that errno maps to (`FileNotFoundError` for `ENOENT` …). The message
    /// is the system's description of `errno`.
    pub fn from_errno(errno: i32) -> Self {
        let msg = std::io::Error::from_raw_os_error(errno).to_string();
        // Rust appends " (os error N)"; Python shows "[Errno N] ..." itself.
        let msg = match msg.rfind(" (os error ") {
            Some(cut) => msg[..cut].to_owned(),
            None => msg,
        };
        HPyErr::from_lazy(Some(Box::new(Lazy::Os { errno, msg })))
    }

    /// The interpreter already has an exception set — for example because an
    /// HPy call returned `HPy_NULL` or `-1` — and it should propagate as is.
    ///
    /// If, when the error reaches Python, no exception is set after all, a
    /// `SystemError` is raised in its place, so Python never sees a failure
    /// without an exception. (The safe API's own errors after a failed HPy
    /// call skip that check: HPy sets an exception with every failure.)
    #[cold]
    pub fn pending() -> Self {
        HPyErr::from_lazy(Some(Box::new(Lazy::Claimed)))
    }

    /// An exception an HPy function has just set (with the failure it
    /// returned): restoring it does nothing.
    #[inline(always)]
    pub(crate) fn raised(ctx: Context<'_>) -> Self {
        let _ = ctx;
        HPyErr::from_lazy(None)
    }

    /// Whether this error refers to an exception already set in the
    /// interpreter.
    pub fn is_pending(&self) -> bool {
        matches!(self.0.as_deref(), None | Some(Lazy::Claimed))
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
        HPyErr::from_lazy(Some(Box::new(Lazy::WrongType {
            expected,
            got,
            at: String::new(),
        })))
    }

    /// A Python int did not fit the Rust integer type `target`:
    /// `OverflowError`.
    pub fn out_of_range(target: &'static str) -> Self {
        HPyErr::from_lazy(Some(Box::new(Lazy::OutOfRange {
            target,
            at: String::new(),
        })))
    }

    /// Places a conversion error ([`wrong_type`](HPyErr::wrong_type),
    /// [`out_of_range`](HPyErr::out_of_range)) inside item `index` of a
    /// container, so that it reads `argument 'x[1]' must be int, not str`.
    /// Other errors are unchanged.
    pub fn in_item(self, index: usize) -> Self {
        self.within(|| format!("[{index}]"))
    }

    /// Like [`in_item`](HPyErr::in_item), for the value at `key` of a
    /// mapping (shown with `repr(key)`).
    pub fn in_value_of(self, key: &Handle<'_>) -> Self {
        self.within(|| format!("[{}]", key.repr().unwrap_or_else(|_| "?".into())))
    }

    /// Like [`in_item`](HPyErr::in_item), for field `name` of a struct
    /// (`argument 'p.x' must be float, not str`).
    pub fn in_field(self, name: &str) -> Self {
        self.within(|| format!(".{name}"))
    }

    fn within(mut self, segment: impl FnOnce() -> String) -> Self {
        if let Some(Lazy::WrongType { at, .. } | Lazy::OutOfRange { at, .. }) =
            self.0.as_deref_mut()
        {
            at.insert_str(0, &segment());
        }
        self
    }

    /// Rewords a conversion error as an error about argument `param` of the
    /// Python-visible function `func`, as CPython's own messages do
    /// (`f() argument 'x' must be int, not str`). Other errors are unchanged.
    pub fn for_argument(self, func: &str, param: &str) -> Self {
        match self.0.as_deref() {
            Some(Lazy::WrongType { expected, got, at }) => HPyErr::type_error(format!(
                "{func}() argument '{param}{at}' must be {expected}, not {got}"
            )),
            Some(Lazy::OutOfRange { target, at }) => HPyErr::overflow_error(format!(
                "{func}() argument '{param}{at}' is out of range for {target}"
            )),
            _ => self,
        }
    }

    /// The exception class and message this error will raise, or `None` for
    /// a [pending](HPyErr::pending) one. For a class kept in a [`Global`]
    /// ([`new_in`](HPyErr::new_in)) the class reported is `Exception`, the
    /// most that is known without a context.
    pub fn describe(&self) -> Option<(HPyConstant, Cow<'_, str>)> {
        describe_lazy(self.0.as_deref()?)
    }

    /// Takes the error apart without running `Drop` (which would clear an
    /// exception set in the interpreter): for code that keeps or replaces
    /// that exception itself.
    #[inline(always)]
    fn into_inner(self) -> Option<Box<Lazy>> {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so the box is
        // moved out exactly once.
        unsafe { core::ptr::read(&this.0) }
    }

    /// Consumes an error without clearing the exception it may stand for:
    /// for code that goes on to report that same exception (reworded or
    /// as it is) through another `HPyErr`.
    #[inline(always)]
    pub(crate) fn keep_exception(self) {
        drop(self.into_inner());
    }
}

/// What [`HPyErr::describe`] says of a lazy error.
fn describe_lazy(lazy: &Lazy) -> Option<(HPyConstant, Cow<'_, str>)> {
    Some(match lazy {
        Lazy::Claimed => return None,
        Lazy::Message { ty, msg } => (*ty, Cow::Borrowed(&**msg)),
        Lazy::InGlobal { msg, .. } => (HPyConstant::Exception, Cow::Borrowed(&**msg)),
        Lazy::Os { errno, msg } => (
            HPyConstant::OSError,
            Cow::Owned(format!("[Errno {errno}] {msg}")),
        ),
        Lazy::WrongType { expected, got, at } => (
            HPyConstant::TypeError,
            Cow::Owned(format!("{}expected {expected}, got {got}", item_prefix(at))),
        ),
        Lazy::OutOfRange { target, at } => (
            HPyConstant::OverflowError,
            Cow::Owned(format!(
                "{}Python int out of range for {target}",
                item_prefix(at)
            )),
        ),
    })
}

/// `"item [1][0]: "` for a conversion error inside a container, else `""`.
fn item_prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("item {at}: ")
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

// ---- Rust errors with `?` ----

impl<E: std::error::Error + 'static> From<E> for HPyErr {
    /// Any Rust error becomes a Python exception carrying its message
    /// (`Display`), so `?` works on it in an [`HPyResult`] function. The
    /// class follows the error's meaning where std defines one:
    ///
    /// | Rust error | Python exception |
    /// |---|---|
    /// | `std::io::Error` from the OS (`raw_os_error()`) | `OSError(errno, strerror)`: the errno's subclass (`FileNotFoundError` …) |
    /// | other `std::io::Error` | the `OSError` subclass of its `kind()` (`NotFound` → `FileNotFoundError` …), else `OSError` |
    /// | `ParseIntError`, `ParseFloatError`, `ParseBoolError`, `ParseCharError`, `AddrParseError`, `Utf8Error`, `FromUtf8Error`, `FromUtf16Error`, `NulError`, `CharTryFromError` | `ValueError` |
    /// | `TryFromIntError` | `OverflowError` |
    /// | anything else | `RuntimeError` |
    ///
    /// To choose the class yourself, use [`ResultExt::or_raise`].
    fn from(err: E) -> Self {
        let class = builtin_class_of(&err);
        if let Some(io) = (&err as &dyn Any).downcast_ref::<std::io::Error>() {
            if let Some(errno) = io.raw_os_error() {
                return HPyErr::from_errno(errno);
            }
        }
        HPyErr::new(class, err.to_string())
    }
}

/// The builtin exception class a std error maps to (see `From<E>`).
fn builtin_class_of(err: &(dyn Any + 'static)) -> HPyConstant {
    use std::io::ErrorKind;
    macro_rules! is {
        ($($t:ty),*) => { false $(|| err.is::<$t>())* };
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        return match io.kind() {
            ErrorKind::NotFound => HPyConstant::FileNotFoundError,
            ErrorKind::PermissionDenied => HPyConstant::PermissionError,
            ErrorKind::AlreadyExists => HPyConstant::FileExistsError,
            ErrorKind::TimedOut => HPyConstant::TimeoutError,
            ErrorKind::Interrupted => HPyConstant::InterruptedError,
            ErrorKind::BrokenPipe => HPyConstant::BrokenPipeError,
            ErrorKind::ConnectionRefused => HPyConstant::ConnectionRefusedError,
            ErrorKind::ConnectionReset => HPyConstant::ConnectionResetError,
            ErrorKind::ConnectionAborted => HPyConstant::ConnectionAbortedError,
            ErrorKind::WouldBlock => HPyConstant::BlockingIOError,
            _ => HPyConstant::OSError,
        };
    }
    if is!(
        std::num::ParseIntError,
        std::num::ParseFloatError,
        std::str::ParseBoolError,
        std::char::ParseCharError,
        std::net::AddrParseError,
        std::str::Utf8Error,
        std::string::FromUtf8Error,
        std::string::FromUtf16Error,
        std::ffi::NulError,
        std::char::CharTryFromError
    ) {
        HPyConstant::ValueError
    } else if is!(std::num::TryFromIntError) {
        HPyConstant::OverflowError
    } else {
        HPyConstant::RuntimeError
    }
}

/// An exception class an error can be raised as: a builtin one
/// ([`Constant`](crate::Constant)) or one the module keeps in a
/// [`Global`].
pub trait ExceptionType {
    /// The error raising this class with `msg`.
    fn with_message(self, msg: String) -> HPyErr;
}

impl ExceptionType for HPyConstant {
    fn with_message(self, msg: String) -> HPyErr {
        HPyErr::new(self, msg)
    }
}

impl ExceptionType for &'static Global {
    fn with_message(self, msg: String) -> HPyErr {
        HPyErr::new_in(self, msg)
    }
}

/// Picks the Python exception class for any `Result` whose error can be
/// displayed.
///
/// ```
/// use hpy::{Constant, HPyResult, ResultExt};
///
/// fn port(s: &str) -> HPyResult<u16> {
///     s.parse::<u16>().or_raise(Constant::KeyError)
/// }
/// assert_eq!(port("80").unwrap(), 80);
/// assert_eq!(
///     port("x").unwrap_err().describe().unwrap().1,
///     "invalid digit found in string"
/// );
/// ```
pub trait ResultExt<T> {
    /// On error, raises `ty` with the error's message (`Display`).
    fn or_raise(self, ty: impl ExceptionType) -> HPyResult<T>;
}

impl<T, E: Display> ResultExt<T> for Result<T, E> {
    fn or_raise(self, ty: impl ExceptionType) -> HPyResult<T> {
        self.map_err(|e| ty.with_message(e.to_string()))
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
    fn std_errors_map_to_classes() {
        fn class(e: HPyErr) -> HPyConstant {
            e.describe().unwrap().0
        }
        assert_eq!(
            class("x".parse::<i32>().unwrap_err().into()),
            HPyConstant::ValueError
        );
        assert_eq!(
            class("x".parse::<f64>().unwrap_err().into()),
            HPyConstant::ValueError
        );
        assert_eq!(
            class(u8::try_from(300i32).unwrap_err().into()),
            HPyConstant::OverflowError
        );
        assert_eq!(class(std::fmt::Error.into()), HPyConstant::RuntimeError);
        let e: HPyErr = std::io::Error::from_raw_os_error(2).into();
        assert_eq!(
            e.describe().unwrap().1,
            "[Errno 2] No such file or directory"
        );
        let e: HPyErr = std::io::Error::new(std::io::ErrorKind::NotFound, "gone").into();
        assert_eq!(class(e), HPyConstant::FileNotFoundError);
        let e: HPyErr = std::io::Error::other("custom").into();
        assert_eq!(
            e.describe().unwrap(),
            (HPyConstant::OSError, "custom".into())
        );
    }

    #[test]
    fn or_raise_picks_the_class() {
        let r: Result<(), &str> = Err("nope");
        let e = r.or_raise(HPyConstant::KeyError).unwrap_err();
        assert_eq!(
            e.describe().unwrap(),
            (HPyConstant::KeyError, "nope".into())
        );
    }

    #[test]
    fn item_paths() {
        let e = HPyErr::wrong_type("int", "str".into())
            .in_item(0)
            .in_item(3);
        assert_eq!(
            e.describe().unwrap().1,
            "item [3][0]: expected int, got str"
        );
        let e = e.for_argument("f", "x");
        assert_eq!(
            e.describe().unwrap().1,
            "f() argument 'x[3][0]' must be int, not str"
        );
        let e = HPyErr::out_of_range("u8").in_item(2).for_argument("f", "x");
        assert_eq!(
            e.describe().unwrap().1,
            "f() argument 'x[2]' is out of range for u8"
        );
        assert!(HPyErr::pending().in_item(1).is_pending());
    }

    #[test]
    fn other_errors_keep_their_message() {
        let e = HPyErr::value_error("bad").for_argument("f", "x");
        assert_eq!(e.describe().unwrap().1, "bad");
        assert!(HPyErr::pending().for_argument("f", "x").is_pending());
    }
}
