//! `i128` and `u128`. HPy 0.9 has no 128-bit integer API, so a value that
//! does not fit 64 bits is split into two 64-bit halves with Python's own
//! `>>`, `&`, `<<` and `|` on ints.

use hpy_sys::HPyConstant;

use super::num::{extract_i64, extract_u64, int_conversion_error};
use crate::convert::{FromHPy, IntoHPy};
use crate::{Context, HPyErr, HPyResult, Handle};

/// The low 64 bits and the rest (`n >> 64`, floored like Python's `>>`) of
/// the int `obj` stands for, read with `hi` (`extract_i64` or
/// `extract_u64`). Errors are worded for `target`.
fn split<'ctx, H>(
    obj: &Handle<'ctx>,
    target: &'static str,
    hi: fn(&Handle<'ctx>, &'static str) -> HPyResult<H>,
) -> HPyResult<(H, u64)> {
    let ctx = obj.context();
    // The object's int value (`__index__`), as the 64-bit conversions read it.
    let n = obj.index().map_err(|e| {
        // The same exception, reworded by int_conversion_error.
        e.keep_exception();
        int_conversion_error(obj, target)
    })?;
    let shift = 64i64.into_hpy(ctx)?;
    let low_mask = u64::MAX.into_hpy(ctx)?;
    let high = hi(&n.rshift(&shift)?, target)?;
    let low = extract_u64(&n.and(&low_mask)?, target)?;
    Ok((high, low))
}

/// The int `(high << 64) | low`.
fn join<'ctx>(ctx: Context<'ctx>, high: Handle<'ctx>, low: u64) -> HPyResult<Handle<'ctx>> {
    let shift = 64i64.into_hpy(ctx)?;
    high.lshift(&shift)?.or(&low.into_hpy(ctx)?)
}

/// Whether the failed 64-bit conversion that left this error means "too
/// big for 64 bits" (then the 128-bit path runs) rather than a wrong type.
fn is_overflow(e: &HPyErr) -> bool {
    e.describe()
        .is_some_and(|(ty, _)| ty == HPyConstant::OverflowError)
}

/// `FromHPy`/`IntoHPy` for a 128-bit type `$t` whose high half is a `$half`
/// read by `$read` (the 64-bit conversion of the same signedness).
macro_rules! wide_int {
    ($($t:ident: $half:ident via $read:ident;)*) => {$(
        impl<'ctx> FromHPy<'_, 'ctx> for $t {
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                match $read(obj, stringify!($t)) {
                    Ok(v) => Ok($t::from(v)),
                    // Too big for 64 bits: read the halves (a negative int's
                    // high half does not fit a u64: out of range for u128).
                    Err(e) if is_overflow(&e) => {
                        let (high, low) = split(obj, stringify!($t), $read)?;
                        Ok(($t::from(high) << 64) | $t::from(low))
                    }
                    Err(e) => Err(e),
                }
            }
        }

        impl<'ctx> IntoHPy<'ctx> for $t {
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                if let Ok(v) = $half::try_from(self) {
                    return v.into_hpy(ctx);
                }
                // `self >> 64` fits the half type; the low half is the last
                // 64 bits.
                join(ctx, ((self >> 64) as $half).into_hpy(ctx)?, self as u64)
            }
        }
    )*};
}

wide_int! {
    i128: i64 via extract_i64;
    u128: u64 via extract_u64;
}
