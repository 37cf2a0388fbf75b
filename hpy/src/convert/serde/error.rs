//! The error of the serde conversions ([`Error`]), with the path to the
//! value that did not fit, shared by the serializer and the deserializer.

use core::fmt;

use ::serde::{de, ser};

use hpy_sys::HPyConstant;

use crate::{HPyErr, Handle};

/// One step of the path to a value.
pub(super) enum Step {
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
    pub(super) fn python(e: HPyErr) -> Self {
        Error {
            kind: Kind::Python(e),
            path: Vec::new(),
        }
    }

    pub(super) fn message(class: HPyConstant, msg: String) -> Self {
        Error {
            kind: Kind::Message(class, msg),
            path: Vec::new(),
        }
    }

    pub(super) fn wrong_type(expected: &str, obj: &Handle<'_>) -> Self {
        Error::message(
            HPyConstant::TypeError,
            format!("expected {expected}, got {}", obj.type_name()),
        )
    }

    pub(super) fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    pub(super) fn path_text(&self) -> String {
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

    pub(super) fn into_hpy_err(self) -> HPyErr {
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

pub(super) type Result<T> = core::result::Result<T, Error>;
