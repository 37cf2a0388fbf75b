//! Code generation for hpy-rs's procedural macros.
//!
//! This is an ordinary library, so the expansion logic can be unit-tested;
//! `hpy-macros` is the thin proc-macro shell around it. Generated code refers
//! only to `::hpy::impl_` (hidden, outside semver; another path with the
//! macros' `crate = "..."` option) and `::core`, and contains no `unsafe` of
//! its own for methods: all unsafe glue lives in `hpy::impl_`.

mod attributes;
mod block;
mod class;
mod class_level;
mod data_enum;
mod derive;
mod diag;
mod keywords;
mod method;
mod methods;
mod module;
pub mod options;
mod slots;
mod stubs;
mod tables;
mod utils;

pub use class::expand_hpy_class;
pub use derive::{expand_derive_from_hpy, expand_derive_into_hpy};
pub use keywords::expand_derive_from_keywords;
pub use method::expand_hpy_method;
pub use methods::expand_hpy_methods;
pub use module::{expand_hpy_module, expand_hpy_submodule};

/// The error type of the expansion functions (a `syn::Error`, possibly
/// holding several errors with their own spans).
pub type Error = syn::Error;
