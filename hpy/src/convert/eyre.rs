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

use crate::err::from_error_chain;
use crate::runtime::result::IntoResult;
use crate::{HPyResult, IntoHPy};

impl<'ctx, T: IntoHPy<'ctx>> IntoResult for Result<T, eyre::Report> {
    type Value = T;

    /// An error becomes the Python exception of the first error in its
    /// chain that has one (an `std::io::Error` is an `OSError` …, see
    /// [`HPyErr`](crate::HPyErr)'s `From`), else a `RuntimeError`; the
    /// message is the whole chain (`{:#}`: `outer: cause: root`).
    fn into_result(self) -> HPyResult<T> {
        self.map_err(|e| from_error_chain(e.chain(), format!("{e:#}")))
    }
}
