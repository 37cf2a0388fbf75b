//! Feature `serde`: any `Serialize` value to Python objects and any
//! `Deserialize` value from them, with the representation `pythonize`
//! uses: a struct or map is a `dict`, a sequence a `list`, a tuple (and a
//! tuple struct) a `tuple`, `None`/`()`/a unit struct `None`, bytes
//! `bytes`; an enum's unit variant is its name (`"Red"`), any other
//! variant a one-item dict `{"Circle": {"r": 1.0}}`.
//!
//! Reading is as lenient as `pythonize` where Python code would expect it:
//! a sequence may be any `collections.abc.Sequence` but a `str` (a `set` or
//! `frozenset` too, where the length is not fixed), a map, struct or enum
//! any `collections.abc.Mapping` or a dataclass instance (its fields), an
//! integer anything with `__index__`, a float anything with `__float__`.
//! It is stricter where `pythonize` surprises: a `bool` is only `True` or
//! `False` and never a number, and `{"Unit": value}` needs `value` None.
//!
//! [`Serde<T>`] is the wrapper for parameters and return values;
//! [`to_object`] and [`from_object`] are the functions. A value that does
//! not fit raises `TypeError` (a wrong type) or `ValueError` / `OverflowError`
//! whose message names the path to it: `sizes[1]: expected u32, got str`.
//! Nesting is bounded both ways: a container that contains itself, or
//! values nested more than 128 containers deep (serde_json's bound), raise
//! `RecursionError` as CPython's own recursion limit would, never overflow
//! the stack.
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use hpy::hpy_method;
//! use hpy::serde::Serde;
//!
//! // With `#[derive(Serialize, Deserialize)]` structs it works the same way.
//! type Sizes = BTreeMap<String, Vec<u32>>;
//!
//! /// `grow({"a": [1, 2]}) == {"a": [2, 3]}`
//! #[hpy_method]
//! fn grow(sizes: Serde<Sizes>) -> Serde<Sizes> {
//!     let mut sizes = sizes.0;
//!     sizes.values_mut().flatten().for_each(|s| *s += 1);
//!     Serde(sizes)
//! }
//! # fn main() {}
//! ```

use core::fmt;

use ::serde::de;
use ::serde::ser::{self, Serialize};
use ::serde::Deserialize;
use hpy_sys::HPyConstant;

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

// The serializer (Rust to Python) and the deserializer (Python to Rust)
// apart; here the wrapper, the two functions and the error they share.
mod deserializer;
mod serializer;

use deserializer::De;
use serializer::Ser;

/// A value converted with serde: from Python when `T: Deserialize`, to
/// Python when `T: Serialize` (see the [module](self) for the shapes).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Serde<T>(pub T);

impl<'ctx, T: for<'de> Deserialize<'de>> FromHPy<'_, 'ctx> for Serde<T> {
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        from_object(obj).map(Serde)
    }
}

impl<'ctx, T: Serialize> IntoHPy<'ctx> for Serde<T> {
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        to_object(ctx, &self.0)
    }
}

/// `value` as a Python object.
pub fn to_object<'ctx, T: Serialize + ?Sized>(
    ctx: Context<'ctx>,
    value: &T,
) -> HPyResult<Handle<'ctx>> {
    value.serialize(Ser { ctx }).map_err(Error::into_hpy_err)
}

/// A `T` read from the Python object `obj`.
pub fn from_object<'ctx, T: for<'de> Deserialize<'de>>(obj: &Handle<'ctx>) -> HPyResult<T> {
    T::deserialize(De { obj }).map_err(Error::into_hpy_err)
}

// ---- the error, with the path to the bad value ----

/// One step of the path to a value.
enum Step {
    Index(usize),
    Key(String),
}

/// What went wrong, where.
enum Kind {
    /// An exception from the interpreter (or made by hpy).
    Python(HPyErr),
    /// A message of serde's (or ours), raised as `class`.
    Message(HPyConstant, String),
}

/// The serializer's and deserializer's error (not public: it becomes an
/// [`HPyErr`]).
#[doc(hidden)]
pub struct Error {
    kind: Kind,
    /// Innermost step first.
    path: Vec<Step>,
}

impl Error {
    fn python(e: HPyErr) -> Self {
        Error {
            kind: Kind::Python(e),
            path: Vec::new(),
        }
    }

    fn message(class: HPyConstant, msg: String) -> Self {
        Error {
            kind: Kind::Message(class, msg),
            path: Vec::new(),
        }
    }

    fn wrong_type(expected: &str, obj: &Handle<'_>) -> Self {
        Error::message(
            HPyConstant::TypeError,
            format!("expected {expected}, got {}", obj.type_name()),
        )
    }

    fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    fn path_text(&self) -> String {
        let mut text = String::new();
        for step in self.path.iter().rev() {
            match step {
                Step::Index(i) => text.push_str(&format!("[{i}]")),
                Step::Key(k) if text.is_empty() => text.push_str(k),
                Step::Key(k) => {
                    text.push('.');
                    text.push_str(k);
                }
            }
        }
        text
    }

    fn into_hpy_err(self) -> HPyErr {
        let path = self.path_text();
        let (class, msg) = match self.kind {
            Kind::Message(class, msg) => (class, msg),
            Kind::Python(e) if path.is_empty() => return e,
            Kind::Python(e) => match e.describe() {
                Some((class, msg)) => (class, msg.into_owned()),
                // An exception set in the interpreter: kept as it is.
                None => return e,
            },
        };
        if path.is_empty() {
            HPyErr::new(class, msg)
        } else {
            HPyErr::new(class, format!("{path}: {msg}"))
        }
    }
}

impl From<HPyErr> for Error {
    fn from(e: HPyErr) -> Self {
        Error::python(e)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path_text();
        if !path.is_empty() {
            write!(f, "{path}: ")?;
        }
        match &self.kind {
            Kind::Python(e) => write!(f, "{e}"),
            Kind::Message(_, m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error::message(HPyConstant::ValueError, msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error::message(HPyConstant::ValueError, msg.to_string())
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::message(
            HPyConstant::TypeError,
            format!("expected {exp}, got {unexp}"),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Error::message(HPyConstant::KeyError, format!("missing field '{field}'"))
    }
}

type Result<T> = core::result::Result<T, Error>;
