//! Feature `uuid`: `uuid::Uuid` ↔ `uuid.UUID`.
//!
//! From Python only a `uuid.UUID` (or subclass) is accepted (`TypeError`
//! otherwise, as PyO3), read through its `int`; to Python,
//! `uuid.UUID(int=...)`.

use uuid::Uuid;

use super::imported::StdClass;
use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

impl<'ctx> FromHPy<'_, 'ctx> for Uuid {
    /// A `uuid.UUID`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::Uuid.check(obj)?;
        let value: u128 = obj.get_attr_s("int")?.extract()?;
        Ok(Uuid::from_u128(value))
    }
}

impl<'ctx> IntoHPy<'ctx> for Uuid {
    /// A `uuid.UUID`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        StdClass::Uuid
            .get(ctx)?
            .call_with((), (("int", self.as_u128()),))
    }
}
