//! The CPython versions hpy-rs supports.
//!
//! A leaf module: the interpreter search in [`crate::python`] walks this
//! list, and the error type quotes it when that search finds nothing, so it
//! lives where both can name it without the error type depending on the
//! code that returns it.

/// The CPython versions hpy-rs supports: what `--find-interpreter` looks for.
pub const SUPPORTED_VERSIONS: &[&str] = &["3.11", "3.12", "3.13", "3.14", "3.15"];
