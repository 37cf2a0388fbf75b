//! Feature `uuid`: `uuid::Uuid` ↔ `uuid.UUID`.
//!
//! From Python only a `uuid.UUID` (or subclass) is accepted (`TypeError`
//! otherwise, as PyO3), read through its `int` in two 64-bit halves; to
//! Python, `uuid.UUID(int=high << 64 | low)`, through one call of a helper
//! (`StdClass::UuidFromHalves`: HPy builds a 128-bit int only in pieces).
//!
//! On the CPython ABI an exact `uuid.UUID` is read from its `int` slot, and
//! one is built as `uuid.py`'s own unpickling does (`object.__new__`, then
//! the slots `int` and `is_safe = SafeUUID.unknown`, the values
//! `UUID(bytes=...)` sets), without running `UUID.__init__`.

use uuid::Uuid;

use super::imported::StdClass;
use crate::abi;
use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

/// The value of an exact `uuid.UUID` read from its `int` slot; `None` in
/// the universal ABI, for a subclass, or for an `int` outside 128 bits
/// (which only the HPy path reports, as `UUID.bytes` does).
fn fast_extract(obj: &Handle<'_>) -> HPyResult<Option<Uuid>> {
    let ctx = obj.context();
    if !abi::STDLIB_FAST_PATHS || !obj.get_type().is(&StdClass::Uuid.get(ctx)?) {
        return Ok(None);
    }
    let Some(int) = abi::descriptor_get(&StdClass::UuidIntSlot.get(ctx)?, obj) else {
        return Ok(None);
    };
    let int = int?;
    if !int.type_check_constant(hpy_sys::HPyConstant::LongType)? {
        return Ok(None);
    }
    match abi::int_to_le_array::<17>(&int) {
        Some(Ok(bytes)) if bytes[16] == 0 => {
            let mut low = [0u8; 16];
            low.copy_from_slice(&bytes[..16]);
            Ok(Some(Uuid::from_u128(u128::from_le_bytes(low))))
        }
        Some(Err(_)) => {
            ctx.err_clear();
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// A `uuid.UUID` built from its slots; `None` in the universal ABI.
fn fast_new(ctx: Context<'_>, value: Uuid) -> HPyResult<Option<Handle<'_>>> {
    if !abi::STDLIB_FAST_PATHS {
        return Ok(None);
    }
    let int = match abi::int_from_le_bytes(ctx, &value.as_u128().to_le_bytes(), false) {
        Some(int) => int?,
        None => return Ok(None),
    };
    let class = StdClass::Uuid.get(ctx)?;
    let int_slot = StdClass::UuidIntSlot.get(ctx)?;
    let is_safe_slot = StdClass::UuidIsSafeSlot.get(ctx)?;
    let unknown = StdClass::SafeUuidUnknown.get(ctx)?;
    abi::new_with_slots(&class, &[(&int_slot, &int), (&is_safe_slot, &unknown)]).transpose()
}

impl<'ctx> FromHPy<'_, 'ctx> for Uuid {
    /// A `uuid.UUID`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(value) = fast_extract(obj)? {
            return Ok(value);
        }
        StdClass::Uuid.check(obj)?;
        // Its `int` (a slot) in two 64-bit halves: integer functions of
        // HPy, no Python code (`UUID.bytes` is a property calling
        // `int.to_bytes`). An `int` beyond 128 bits is an `OverflowError`,
        // as `UUID.bytes` raises.
        let int = obj.get_attr_s("int")?;
        let low = int.as_u64_mask()?;
        let high = int.rshift(&64u32.into_hpy(obj.context())?)?.as_u64()?;
        Ok(Uuid::from_u64_pair(high, low))
    }
}

impl<'ctx> IntoHPy<'ctx> for Uuid {
    /// A `uuid.UUID`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        if let Some(obj) = fast_new(ctx, self)? {
            return Ok(obj);
        }
        let (high, low) = self.as_u64_pair();
        StdClass::UuidFromHalves.get(ctx)?.call1((high, low))
    }
}
