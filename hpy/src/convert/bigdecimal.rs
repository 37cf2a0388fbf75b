//! Feature `bigdecimal`: `bigdecimal::BigDecimal` ↔ `decimal.Decimal`.
//!
//! From Python, as PyO3, through the object's `str()`: a `decimal.Decimal`
//! (any number of digits, any exponent `BigDecimal` holds), a `float`
//! (its shortest repr: `0.1` is `0.1`, not the binary value) or a numeric
//! `str`. An `int` is read exactly through `BigInt`, so one beyond
//! Python's 4300-digit `str()` limit converts too. NaN and infinities are
//! a `ValueError` (a `BigDecimal` is always finite); other types are a
//! `TypeError` (PyO3 passes their `str()` on and raises `ValueError`). To
//! Python: `decimal.Decimal("<digits>E<exponent>")`, exact (scale and
//! trailing zeros kept; the context's precision does not apply to the
//! constructor).

use core::str::FromStr;

use bigdecimal::BigDecimal;
use hpy_sys::HPyConstant;
use num_bigint::BigInt;

use super::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

impl<'ctx> FromHPy<'_, 'ctx> for BigDecimal {
    /// A `decimal.Decimal`, an `int`, a `float` or a numeric `str`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if obj.type_check_constant(HPyConstant::LongType)? {
            return Ok(BigDecimal::from(BigInt::extract(obj)?));
        }
        let readable = obj.is_str()
            || obj.type_check_constant(HPyConstant::FloatType)?
            || StdClass::Decimal.is_instance(obj)?;
        if !readable {
            return Err(HPyErr::wrong_type(
                "decimal.Decimal, int, float or str",
                obj.type_name(),
            ));
        }
        let text: String = obj.str()?;
        BigDecimal::from_str(text.trim()).map_err(|e| {
            let lower = text.to_ascii_lowercase();
            if lower.contains("nan") || lower.contains("inf") {
                HPyErr::value_error(format!(
                    "cannot convert {text} to BigDecimal: NaN and infinities have no BigDecimal"
                ))
            } else {
                HPyErr::value_error(format!("cannot convert {text:?} to BigDecimal: {e}"))
            }
        })
    }
}

impl<'ctx> IntoHPy<'ctx> for BigDecimal {
    /// A `decimal.Decimal` with the same digits and exponent.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let (digits, scale) = self.into_bigint_and_scale();
        // i128: the exponent of scale i64::MIN is one beyond i64::MAX.
        let exponent = -i128::from(scale);
        StdClass::Decimal
            .get(ctx)?
            .call1((format!("{digits}E{exponent}"),))
    }
}
