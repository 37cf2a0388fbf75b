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

/// The value of the int `int` from its little-endian two's-complement
/// bytes, long enough for its sign bit (`int.to_bytes`, through one call
/// of a helper: `StdClass::IntToBytes`).
fn from_int_bytes(int: &Handle<'_>) -> HPyResult<BigInt> {
    let bytes = StdClass::IntToBytes.get(int.context())?.call1((int,))?;
    Ok(from_signed_le(bytes.extract::<&[u8]>()?))
}

/// The `BigInt` of little-endian two's-complement bytes, read four at a
/// time (num-bigint's `from_signed_bytes_le` copies and complements them
/// byte by byte first: on PyPy that and its `to_signed_bytes_le` were
/// about a sixth of a 1000-bit echo).
fn from_signed_le(bytes: &[u8]) -> BigInt {
    let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
    let fill = if negative { 0xff } else { 0 };
    // A negative value's magnitude: its complement plus one.
    let mut carry = negative;
    let digits: Vec<u32> = bytes
        .chunks(4)
        .map(|chunk| {
            let mut word = [fill; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            let word = u32::from_le_bytes(word);
            if negative {
                let (digit, overflow) = (!word).overflowing_add(u32::from(carry));
                carry = overflow;
                digit
            } else {
                word
            }
        })
        .collect();
    let sign = if negative { Sign::Minus } else { Sign::Plus };
    BigInt::from_biguint(sign, BigUint::new(digits))
}

/// The little-endian two's-complement bytes of `-magnitude` (`negative`)
/// or `magnitude`: its 64-bit words, then a sign byte.
fn to_signed_le(negative: bool, magnitude: &BigUint) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(magnitude.bits() as usize / 8 + 9);
    let mut carry = negative;
    for word in magnitude.iter_u64_digits() {
        let word = if negative {
            let (digit, overflow) = (!word).overflowing_add(u64::from(carry));
            carry = overflow;
            digit
        } else {
            word
        };
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    bytes.push(if negative { 0xff } else { 0 });
    bytes
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
        from_int_bytes(&int)
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
            None => from_int_bytes(&int)?,
        };
        value
            .to_biguint()
            .ok_or_else(|| HPyErr::overflow_error("can't convert negative int to unsigned"))
    }
}

/// `int.from_bytes(bytes, "little", signed=True)`, through one call of a
/// helper (`StdClass::IntFromBytes`).
fn int_from_signed_le_bytes<'ctx>(ctx: Context<'ctx>, bytes: &[u8]) -> HPyResult<Handle<'ctx>> {
    let bytes = super::std::bytes::bytes_from_slice(ctx, bytes)?;
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
        int_from_signed_le_bytes(ctx, &to_signed_le(negative, magnitude))
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
        int_from_signed_le_bytes(ctx, &to_signed_le(false, self))
    }
}

impl<'ctx> IntoHPy<'ctx> for BigUint {
    /// An `int`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::{from_signed_le, to_signed_le};
    use num_bigint::{BigInt, Sign};

    /// Values around the word and byte edges, both signs.
    fn samples() -> Vec<BigInt> {
        let mut values = vec![BigInt::from(0)];
        for bits in [
            1u32, 7, 8, 31, 32, 63, 64, 65, 127, 128, 129, 999, 1000, 1024,
        ] {
            let edge = BigInt::from(1) << bits;
            for v in [edge.clone() - 1, edge.clone(), edge + 12345] {
                values.push(-v.clone());
                values.push(v);
            }
        }
        values
    }

    #[test]
    fn signed_bytes_match_num_bigint() {
        for v in samples() {
            // num-bigint's own bytes (shortest) and ours (whole words).
            assert_eq!(from_signed_le(&v.to_signed_bytes_le()), v, "{v}");
            let ours = to_signed_le(v.sign() == Sign::Minus, v.magnitude());
            assert_eq!(BigInt::from_signed_bytes_le(&ours), v, "{v}");
            assert_eq!(from_signed_le(&ours), v, "{v}");
        }
        assert_eq!(from_signed_le(&[]), BigInt::from(0));
    }
}
