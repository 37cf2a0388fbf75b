//! Feature `num-bigint`: `BigInt` and `BigUint` ↔ `int` of any size.
//!
//! On the CPython ABI an `int` is read and built from its sign and
//! magnitude by CPython's own functions (3.14+: its digits, through
//! `PyLong_Export`/`PyLongWriter`; before: its bytes, through
//! `PyLong_AsNativeBytes`/`PyLong_FromNativeBytes` or, up to 3.12,
//! `_PyLong_AsByteArray`/`_PyLong_FromByteArray`). On the universal ABI,
//! values that fit 64 bits take HPy's integer functions and larger ones go
//! through `int.to_bytes` / `int.from_bytes` (little-endian two's
//! complement), which every interpreter has, each in one call of a helper
//! (`StdClass::IntToBytes`, `IntFromBytes`). Like the built-in integers,
//! extraction accepts anything with `__index__`. A negative `int` for a
//! `BigUint` is an `OverflowError` ("can't convert negative int to
//! unsigned"), as CPython's own unsigned conversions say, on every
//! interpreter.

use hpy_sys::HPyConstant;
use num_bigint::{BigInt, BigUint, Sign};

use super::imported::StdClass;
use crate::abi;
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
/// for its sign bit (`int.to_bytes`, through one call of a helper:
/// `StdClass::IntToBytes`).
fn signed_bytes(int: &Handle<'_>) -> HPyResult<Vec<u8>> {
    let bytes = StdClass::IntToBytes.get(int.context())?.call1((int,))?;
    Ok(bytes.extract::<&[u8]>()?.to_vec())
}

/// The value of the `int` `int` if it fits an `i64`: its low 64 bits
/// (`HPyLong_AsUInt64_tMask`, which never fails) compared with the whole,
/// so that a larger one raises no `OverflowError` on the way (which costs
/// more than the comparison on PyPy).
fn small_int(int: &Handle<'_>) -> HPyResult<Option<i64>> {
    let low = int.as_u64_mask()? as i64;
    let same = int.rich_compare_bool(&low.into_hpy(int.context())?, crate::RichCompareOp::Eq)?;
    Ok(same.then_some(low))
}

/// `obj` as a `BigInt` if it is an `int` and the CPython ABI reads it
/// directly; `None` otherwise.
fn fast_extract(obj: &Handle<'_>) -> HPyResult<Option<BigInt>> {
    if !abi::STDLIB_FAST_PATHS || !obj.type_check_constant(HPyConstant::LongType)? {
        return Ok(None);
    }
    let Some(parts) = abi::int_to_magnitude(obj) else {
        return Ok(None);
    };
    Ok(Some(match parts? {
        Ok(small) => BigInt::from(small),
        Err((negative, words)) => {
            let sign = if negative { Sign::Minus } else { Sign::Plus };
            BigInt::from_biguint(sign, BigUint::new(words))
        }
    }))
}

impl<'ctx> FromHPy<'_, 'ctx> for BigInt {
    /// Any `int` (or object with `__index__`).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(value) = fast_extract(obj)? {
            return Ok(value);
        }
        let int = as_int(obj)?;
        if let Some(small) = small_int(&int)? {
            return Ok(BigInt::from(small));
        }
        Ok(BigInt::from_signed_bytes_le(&signed_bytes(&int)?))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for BigUint {
    /// Any `int` (or object with `__index__`) that is not negative;
    /// `OverflowError` for a negative one.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(value) = fast_extract(obj)? {
            return value
                .to_biguint()
                .ok_or_else(|| HPyErr::overflow_error("can't convert negative int to unsigned"));
        }
        let int = as_int(obj)?;
        let value = match small_int(&int)? {
            Some(small) => BigInt::from(small),
            None => BigInt::from_signed_bytes_le(&signed_bytes(&int)?),
        };
        value
            .to_biguint()
            .ok_or_else(|| HPyErr::overflow_error("can't convert negative int to unsigned"))
    }
}

/// `int.from_bytes(bytes, "little", signed=True)`, through one call of a
/// helper (`StdClass::IntFromBytes`).
fn int_from_signed_le_bytes<'ctx>(ctx: Context<'ctx>, bytes: &[u8]) -> HPyResult<Handle<'ctx>> {
    let bytes = super::bytes::bytes_from_slice(ctx, bytes)?;
    StdClass::IntFromBytes.get(ctx)?.call1((bytes,))
}

impl<'ctx> IntoHPy<'ctx> for &BigInt {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        if let Ok(small) = i64::try_from(self) {
            return small.into_hpy(ctx);
        }
        let negative = self.sign() == Sign::Minus;
        let magnitude = self.magnitude();
        let words = magnitude.iter_u32_digits();
        if let Some(int) = abi::int_from_magnitude(ctx, negative, words, magnitude.bits()) {
            return int;
        }
        int_from_signed_le_bytes(ctx, &self.to_signed_bytes_le())
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
        if let Some(int) = abi::int_from_magnitude(ctx, false, self.iter_u32_digits(), self.bits())
        {
            return int;
        }
        // A zero byte on top: the magnitude read as two's complement.
        let mut bytes = self.to_bytes_le();
        bytes.push(0);
        int_from_signed_le_bytes(ctx, &bytes)
    }
}

impl<'ctx> IntoHPy<'ctx> for BigUint {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}
