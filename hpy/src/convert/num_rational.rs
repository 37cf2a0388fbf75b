//! Feature `num-rational`: `Ratio<i8>` … `Ratio<i64>`, `Ratio<isize>` and,
//! with `num-bigint` too, `Ratio<BigInt>` ↔ `fractions.Fraction`.
//!
//! From Python, as PyO3: any object with `numerator` and `denominator`
//! attributes, so a `Fraction`, an `int` (denominator 1) or another
//! `numbers.Rational`; each part must be an integer that fits the Rust
//! type. A `float` or `Decimal` is refused (`TypeError`): it has no exact
//! numerator to read (`Fraction(x)` converts one). The value is reduced
//! and its sign moved to the numerator; a zero denominator is
//! `ZeroDivisionError` (as `Fraction(1, 0)`), where PyO3 panics, and a
//! value whose reduced form does not fit (`Ratio<i8>` of `-128/-1`) is
//! `OverflowError`. To Python: `fractions.Fraction(numer, denom)`.

use num_rational::Ratio;

use super::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// `(obj.numerator, obj.denominator)`, or `TypeError` for an object
/// without them.
fn numerator_and_denominator<'ctx>(obj: &Handle<'ctx>) -> HPyResult<(Handle<'ctx>, Handle<'ctx>)> {
    if !obj.has_attr_s("numerator")? || !obj.has_attr_s("denominator")? {
        return Err(HPyErr::wrong_type(
            "fractions.Fraction or int",
            obj.type_name(),
        ));
    }
    Ok((obj.get_attr_s("numerator")?, obj.get_attr_s("denominator")?))
}

/// The `ZeroDivisionError` of a denominator 0.
#[cold]
fn zero_denominator(numerator: impl std::fmt::Display) -> HPyErr {
    HPyErr::zero_division_error(format!("denominator is zero: Fraction({numerator}, 0)"))
}

/// `numer/denom` (`denom != 0`, both from 64 bits at most) reduced to
/// lowest terms with a positive denominator, computed in `i128` so that no
/// step overflows (`Ratio::new` would for `i64::MIN / -1`).
fn reduce(numer: i128, denom: i128) -> (i128, i128) {
    let (mut a, mut b) = (numer.unsigned_abs(), denom.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // `a` is gcd >= 1 (denom != 0) and at most 2^64: it fits an i128.
    let gcd = a as i128;
    let (n, d) = (numer / gcd, denom / gcd);
    if d < 0 {
        (-n, -d)
    } else {
        (n, d)
    }
}

macro_rules! ratio_conversions {
    ($($int:ty),*) => {$(
        impl<'ctx> FromHPy<'_, 'ctx> for Ratio<$int> {
            /// A `fractions.Fraction`, an `int`, or any object with integer
            /// `numerator` and `denominator` attributes.
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                let (numer, denom) = numerator_and_denominator(obj)?;
                let numer: $int = numer.extract().map_err(|e| e.in_field("numerator"))?;
                let denom: $int = denom.extract().map_err(|e| e.in_field("denominator"))?;
                if denom == 0 {
                    return Err(zero_denominator(numer));
                }
                // `as`: every one of these types fits i128 exactly.
                let (n, d) = reduce(numer as i128, denom as i128);
                match (<$int>::try_from(n), <$int>::try_from(d)) {
                    (Ok(n), Ok(d)) => Ok(Ratio::new_raw(n, d)),
                    _ => Err(HPyErr::overflow_error(format!(
                        "{n}/{d} does not fit Ratio<{}>",
                        stringify!($int)
                    ))),
                }
            }
        }

        impl<'ctx> IntoHPy<'ctx> for Ratio<$int> {
            /// A `fractions.Fraction`.
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                let (numer, denom) = self.into_raw();
                StdClass::Fraction.get(ctx)?.call1((numer, denom))
            }
        }
    )*};
}

ratio_conversions!(i8, i16, i32, i64, isize);

#[cfg(feature = "num-bigint")]
mod big {
    use num_bigint::BigInt;
    use num_rational::Ratio;

    use super::{numerator_and_denominator, zero_denominator};
    use crate::convert::imported::StdClass;
    use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

    impl<'ctx> FromHPy<'_, 'ctx> for Ratio<BigInt> {
        /// A `fractions.Fraction`, an `int`, or any object with integer
        /// `numerator` and `denominator` attributes, of any size.
        fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
            let (numer, denom) = numerator_and_denominator(obj)?;
            let numer: BigInt = numer.extract().map_err(|e| e.in_field("numerator"))?;
            let denom: BigInt = denom.extract().map_err(|e| e.in_field("denominator"))?;
            if denom.sign() == num_bigint::Sign::NoSign {
                return Err(zero_denominator(numer));
            }
            Ok(Ratio::new(numer, denom))
        }
    }

    impl<'ctx> IntoHPy<'ctx> for Ratio<BigInt> {
        /// A `fractions.Fraction`.
        fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
            let (numer, denom) = self.into_raw();
            StdClass::Fraction.get(ctx)?.call1((numer, denom))
        }
    }
}
