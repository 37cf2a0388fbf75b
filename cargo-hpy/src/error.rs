//! The one error type of cargo-hpy and the exit status each kind maps to.

use std::fmt;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Error {
    /// Something went wrong that cargo-hpy explains itself: exit status 1.
    Failed(String),
    /// Cargo already reported the problem on stderr; exit with its status.
    Cargo {
        /// Cargo's exit status, when it had one.
        code: Option<i32>,
    },
}

impl Error {
    /// A [`Error::Failed`] with the given message.
    pub fn failed(message: impl Into<String>) -> Error {
        Error::Failed(message.into())
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Failed(_) => 1,
            Error::Cargo { code } => code.filter(|&c| c != 0).unwrap_or(101),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Failed(message) => f.write_str(message),
            Error::Cargo { code: Some(code) } => write!(f, "cargo failed with exit status {code}"),
            Error::Cargo { code: None } => f.write_str("cargo was terminated by a signal"),
        }
    }
}
