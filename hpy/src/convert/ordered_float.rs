//! Feature `ordered-float`: `OrderedFloat<f64>`, `OrderedFloat<f32>`,
//! `NotNan<f64>`, `NotNan<f32>` ↔ `float`.
//!
//! From Python, what `f64`/`f32` accept (a `float`, anything with
//! `__float__` or `__index__`); `NotNan` refuses a NaN with `ValueError`,
//! as PyO3 does. To Python: a `float`.

use ordered_float::{NotNan, OrderedFloat};

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

macro_rules! ordered_float_conversions {
    ($($float:ident),*) => {$(
        impl<'ctx> FromHPy<'_, 'ctx> for OrderedFloat<$float> {
            /// What the plain float type accepts.
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                $float::extract(obj).map(OrderedFloat)
            }
        }

        impl<'ctx> FromHPy<'_, 'ctx> for NotNan<$float> {
            /// What the plain float type accepts, except NaN (`ValueError`).
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                NotNan::new($float::extract(obj)?).map_err(|_| {
                    HPyErr::value_error(concat!(
                        "NaN cannot be converted to NotNan<",
                        stringify!($float),
                        ">"
                    ))
                })
            }
        }

        impl<'ctx> IntoHPy<'ctx> for OrderedFloat<$float> {
            /// A `float`.
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                self.0.into_hpy(ctx)
            }
        }

        impl<'ctx> IntoHPy<'ctx> for NotNan<$float> {
            /// A `float`.
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                self.into_inner().into_hpy(ctx)
            }
        }
    )*};
}

ordered_float_conversions!(f32, f64);
