//! Properties in the CPython ABI: CPython's getset descriptors work, so
//! they have no hidden methods (nothing is generated for them; the
//! universal half's `properties.rs` makes them for hosts whose getsets are
//! broken).

use core::ffi::CStr;

use crate::runtime::StaticDef;
use crate::runtime::{Getter, Setter};
use crate::{HPyResult, Handle};

/// Nothing, in this ABI.
pub struct PropertyMethods;

impl PropertyMethods {
    /// Nothing, in this ABI.
    #[inline(always)]
    pub const fn new<G: Getter, S: Setter>(
        _name: &'static CStr,
        _doc: Option<&'static CStr>,
        _methods: [&'static CStr; 3],
    ) -> Self {
        PropertyMethods
    }

    pub(crate) fn hidden_defs(&self) -> &[StaticDef] {
        &[]
    }
}

/// Never called: no host of this ABI has `Quirk::BrokenGetsets`.
pub(crate) fn publish(_: &Handle<'_>, _: &[PropertyMethods]) -> HPyResult<()> {
    Ok(())
}
