//! Feature `uuid`: `uuid::Uuid` ↔ `uuid.UUID`.
//!
//! From Python only a `uuid.UUID` (or subclass) is accepted (`TypeError`
//! otherwise, as PyO3), read through its 16 big-endian `bytes`; to Python,
//! `uuid.UUID(bytes=...)` (one `bytes` object instead of a 128-bit int,
//! which HPy can only build in pieces).

use uuid::Uuid;

use super::imported::StdClass;
use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

impl<'ctx> FromHPy<'_, 'ctx> for Uuid {
    /// A `uuid.UUID`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::Uuid.check(obj)?;
        let bytes: [u8; 16] = obj.get_attr_s("bytes")?.extract()?;
        Ok(Uuid::from_bytes(bytes))
    }
}

impl<'ctx> IntoHPy<'ctx> for Uuid {
    /// A `uuid.UUID`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        StdClass::Uuid
            .get(ctx)?
            .call_with((), (("bytes", &self.as_bytes()[..]),))
    }
}
