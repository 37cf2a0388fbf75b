//! Feature `num-bigint`: `BigInt` and `BigUint` ↔ `int` of any size.
//!
//! Values that fit 64 bits take HPy's integer functions; larger ones go
//! through `int.to_bytes` / `int.from_bytes` (little-endian two's
//! complement), which every interpreter has. Like the built-in integers,
//! extraction accepts anything with `__index__`. A negative `int` for a
//! `BigUint` is an `OverflowError` ("can't convert negative int to
//! unsigned"), as CPython's own unsigned conversions say, on every
//! interpreter.

use hpy_sys::HPyConstant;
use num_bigint::{BigInt, BigUint};

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// `obj` as an exact `int` (`operator.index`), or the conversion's
/// `TypeError`.
fn as_int<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    if obj.type_check_constant(HPyConstant::LongType)? {
        return Ok(obj.dup());
    }
    let ctx = obj.context();
    obj.index().map_err(|e| {
        if e.is_instance_of::<crate::exceptions::TypeError>(ctx) {
            HPyErr::wrong_type("int", obj.type_name())
        } else {
            e
        }
    })
}

/// The little-endian two's-complement bytes of the int `int`, long enough
/// for its sign bit.
fn signed_bytes(int: &Handle<'_>) -> HPyResult<Vec<u8>> {
    let bits: u64 = int.call_method0("bit_length")?.extract()?;
    let len = bits / 8 + 1;
    let bytes = int.call_method_with("to_bytes", (len, "little"), (("signed", true),))?;
    Ok(bytes.extract::<&[u8]>()?.to_vec())
}

impl<'ctx> FromHPy<'_, 'ctx> for BigInt {
    /// Any `int` (or object with `__index__`).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.context();
        // SAFETY: valid handle; -1 plus a set exception signals failure.
        let small = unsafe { hpy_sys::HPyLong_AsInt64_t(ctx.as_raw(), obj.as_raw()) };
        if small != -1 || !ctx.err_occurred() {
            return Ok(BigInt::from(small));
        }
        ctx.err_clear();
        let int = as_int(obj)?;
        Ok(BigInt::from_signed_bytes_le(&signed_bytes(&int)?))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for BigUint {
    /// Any `int` (or object with `__index__`) that is not negative;
    /// `OverflowError` for a negative one.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.context();
        // SAFETY: valid handle; u64::MAX plus a set exception signals failure.
        let small = unsafe { hpy_sys::HPyLong_AsUInt64_t(ctx.as_raw(), obj.as_raw()) };
        if small != u64::MAX || !ctx.err_occurred() {
            return Ok(BigUint::from(small));
        }
        ctx.err_clear();
        let int = as_int(obj)?;
        let value = BigInt::from_signed_bytes_le(&signed_bytes(&int)?);
        value
            .to_biguint()
            .ok_or_else(|| HPyErr::overflow_error("can't convert negative int to unsigned"))
    }
}

/// `int.from_bytes(bytes, "little", signed=signed)`.
fn int_from_le_bytes<'ctx>(
    ctx: Context<'ctx>,
    bytes: &[u8],
    signed: bool,
) -> HPyResult<Handle<'ctx>> {
    let bytes = super::bytes::bytes_from_slice(ctx, bytes)?;
    ctx.constant(HPyConstant::LongType).call_method_with(
        "from_bytes",
        (bytes, "little"),
        (("signed", signed),),
    )
}

impl<'ctx> IntoHPy<'ctx> for &BigInt {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        if let Ok(small) = i64::try_from(self) {
            return small.into_hpy(ctx);
        }
        int_from_le_bytes(ctx, &self.to_signed_bytes_le(), true)
    }
}

impl<'ctx> IntoHPy<'ctx> for BigInt {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &BigUint {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        if let Ok(small) = u64::try_from(self) {
            return small.into_hpy(ctx);
        }
        int_from_le_bytes(ctx, &self.to_bytes_le(), false)
    }
}

impl<'ctx> IntoHPy<'ctx> for BigUint {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}
