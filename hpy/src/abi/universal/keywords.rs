//! Keyword names in the universal ABI: the names of a vectorcall's keyword
//! arguments, and matching them against a signature's.

use super::*;

/// Nothing in this ABI: a keyword name's handle differs from call to call,
/// so names are always compared by value (see the CPython ABI's).
pub struct InternedName;

impl InternedName {
    /// The only value.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        InternedName
    }

    /// Always `false`: names are compared by value in this ABI.
    #[inline(always)]
    pub fn is(&self, _: HPy) -> bool {
        false
    }

    /// A new `str` `text` (HPy 0.9 has no interning, and a handle cannot
    /// be kept between calls without a listed `HPyGlobal`): what
    /// `hpy::intern!` expands to.
    #[inline]
    pub fn get<'ctx>(&self, ctx: Context<'ctx>, text: &str) -> HPyResult<crate::Handle<'ctx>> {
        crate::IntoHPy::into_hpy(text, ctx)
    }
}

/// Nothing to do in this ABI.
#[inline(always)]
pub fn intern_names(_: &[InternedName], _: &[&str]) {}

/// Always `None` (ask the HPy API): a handle is no object in this ABI.
///
/// # Safety
/// None; `unsafe` for the CPython ABI's contract.
#[inline(always)]
pub unsafe fn keyword_names(_: HPy) -> Option<(*const HPy, usize)> {
    None
}
