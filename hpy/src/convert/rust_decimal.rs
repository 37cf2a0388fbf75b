//! Feature `rust_decimal`: `rust_decimal::Decimal` ↔ `decimal.Decimal`.
//!
//! As PyO3: from Python, an `int` that fits 64 bits directly, anything
//! else through its `str()` (so a `Decimal`, a `float`, a numeric string),
//! parsed as a decimal or in scientific notation; what `rust_decimal`
//! cannot hold (NaN, infinities, more than 96 bits of mantissa, an
//! exponent beyond 28) is a `ValueError`. Digits beyond the 28 decimal
//! places it keeps are rounded by `rust_decimal`'s parser. To Python:
//! `decimal.Decimal(str(value))`, exact (scale and trailing zeros kept).

use core::str::FromStr;

use rust_decimal::Decimal;

use super::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

impl<'ctx> FromHPy<'_, 'ctx> for Decimal {
    /// A `decimal.Decimal`, an `int`, or anything whose `str()` is a
    /// number.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.context();
        if obj.type_check_constant(hpy_sys::HPyConstant::LongType)? {
            if let Ok(v) = obj.extract::<i64>() {
                return Ok(Decimal::from(v));
            }
            ctx.err_clear();
        }
        let text: String = obj.str()?;
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map_err(|e| {
                HPyErr::value_error(format!("cannot convert {text:?} to a Rust Decimal: {e}"))
            })
    }
}

impl<'ctx> IntoHPy<'ctx> for Decimal {
    /// A `decimal.Decimal`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        StdClass::Decimal.get(ctx)?.call1((self.to_string(),))
    }
}
