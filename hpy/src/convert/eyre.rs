//! Feature `eyre`: an `#[hpy_method]` may return `eyre::Result<T>`,
//! so `?` works on `eyre` reports (and on every `std` error) in its body.
//!
//! In a function returning `HPyResult<T>`, `?` cannot take an
//! `eyre::Report` (a `From` impl would overlap `HPyErr`'s for every
//! `std::error::Error`, which `eyre::Report` may implement one day);
//! `.or_raise(Constant::RuntimeError)?` ([`ResultExt`](crate::ResultExt))
//! picks the class there. An `HPyErr` cannot travel inside an
//! `eyre::Report` (it is neither `Send` nor `Sync`: it stands for an
//! exception set in this call), so a Python exception is kept by
//! returning `HPyResult`.

use crate::runtime::result::IntoResult;
use crate::{HPyResult, IntoHPy};

impl<'ctx, T: IntoHPy<'ctx>> IntoResult for Result<T, eyre::Report> {
    type Value = T;

    /// An error becomes a `RuntimeError` (as in PyO3, whatever the errors
    /// in its chain), its message the whole chain (`{:#}`:
    /// `outer: cause: root`). To raise another class, return
    /// `HPyResult<T>` and pick it with `.or_raise(...)`.
    fn into_result(self) -> HPyResult<T> {
        self.map_err(|e| crate::HPyErr::runtime_error(format!("{e:#}")))
    }
}
