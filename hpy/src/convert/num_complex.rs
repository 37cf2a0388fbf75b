//! Feature `num-complex`: `Complex<f64>`, `Complex<f32>` ↔ `complex`.
//!
//! From Python, what CPython's `PyComplex_AsCComplex` accepts (and PyO3
//! with it): a `complex` (or subclass) as it is, an object whose type has
//! `__complex__` (which must return a `complex`), or anything with
//! `__float__`/`__index__` as the real part with a zero imaginary part.
//! A `str` is refused (`complex("1+2j")` parses, a conversion does not).
//! `Complex<f32>` rounds each part to the nearest `f32`, as `f32` does.
//! To Python: `complex(re, im)`.

use hpy_sys::HPyConstant;
use num_complex::Complex;

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// `(real, imag)` of `obj`, read as `complex(obj)` would read a number.
fn complex_parts(obj: &Handle<'_>) -> HPyResult<(f64, f64)> {
    if obj.type_check_constant(HPyConstant::ComplexType)? {
        return parts_of_complex(obj);
    }
    // Special methods are looked up on the type, as Python does.
    let ty = obj.get_type();
    if ty.has_attr_s("__complex__")? {
        let value = ty.get_attr_s("__complex__")?.call(&[obj])?;
        if !value.type_check_constant(HPyConstant::ComplexType)? {
            return Err(HPyErr::type_error(format!(
                "{}.__complex__ returned non-complex (type {})",
                obj.type_name(),
                value.type_name()
            )));
        }
        return parts_of_complex(&value);
    }
    if ty.has_attr_s("__float__")? || ty.has_attr_s("__index__")? {
        return Ok((f64::extract(obj)?, 0.0));
    }
    Err(HPyErr::wrong_type("complex", obj.type_name()))
}

/// `(z.real, z.imag)` of an instance of `complex`.
fn parts_of_complex(z: &Handle<'_>) -> HPyResult<(f64, f64)> {
    let re = z.get_attr_s("real")?.extract::<f64>()?;
    let im = z.get_attr_s("imag")?.extract::<f64>()?;
    Ok((re, im))
}

/// `complex(re, im)`.
fn new_complex(ctx: Context<'_>, re: f64, im: f64) -> HPyResult<Handle<'_>> {
    ctx.constant(HPyConstant::ComplexType).call1((re, im))
}

impl<'ctx> FromHPy<'_, 'ctx> for Complex<f64> {
    /// A `complex`, an object with `__complex__`, or a real number
    /// (`__float__`/`__index__`, imaginary part 0).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (re, im) = complex_parts(obj)?;
        Ok(Complex::new(re, im))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Complex<f32> {
    /// Like `Complex<f64>`, each part then rounded to the nearest `f32`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (re, im) = complex_parts(obj)?;
        Ok(Complex::new(re as f32, im as f32))
    }
}

impl<'ctx> IntoHPy<'ctx> for Complex<f64> {
    /// A `complex`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_complex(ctx, self.re, self.im)
    }
}

impl<'ctx> IntoHPy<'ctx> for Complex<f32> {
    /// A `complex` (each part widened exactly to `f64`).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_complex(ctx, f64::from(self.re), f64::from(self.im))
    }
}
