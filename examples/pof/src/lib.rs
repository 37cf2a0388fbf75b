//! `pof`: the classic HPy example module, written with hpy-rs.

#![forbid(unsafe_code)]

use hpy::{hpy_class, hpy_method, hpy_methods, hpy_module, HPyErr, HPyResult, Handle};

/// Does nothing and returns None.
#[hpy_method]
fn do_nothing() {}

/// Returns `x + x` for any object `x`.
#[hpy_method(o)]
fn double<'ctx>(x: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    x.add(x)
}

/// Adds two C longs given by position only (`varargs`: HPy's proof of
/// concept declares it `HPyFunc_VARARGS`).
#[hpy_method(varargs)]
fn add_ints(a: i64, b: i64) -> HPyResult<i64> {
    checked_sum(a, b)
}

/// Adds two C longs given by position or by keyword.
#[hpy_method(keywords)]
fn add_ints_kw(a: i64, b: i64) -> HPyResult<i64> {
    checked_sum(a, b)
}

fn checked_sum(a: i64, b: i64) -> HPyResult<i64> {
    a.checked_add(b).ok_or_else(|| {
        HPyErr::overflow_error(format!(
            "integer overflow: {a} + {b} does not fit in a C long"
        ))
    })
}

/// A point in the plane.
#[hpy_class(module = "pof")]
struct Point {
    /// The x coordinate.
    #[member]
    x: f64,
    /// The y coordinate.
    #[member]
    y: f64,
}

#[hpy_methods]
impl Point {
    #[new]
    fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }

    fn __repr__(&self) -> String {
        format!("Point({}, {})", format_g(self.x), format_g(self.y))
    }
}

/// Formats like C's `printf("%g")`: six significant digits, trailing zeros
/// removed, exponent notation for very small or large magnitudes.
fn format_g(value: f64) -> String {
    const PRECISION: i32 = 6;
    if !value.is_finite() {
        return if value.is_nan() {
            "nan".into()
        } else if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // The exponent after rounding to PRECISION significant digits.
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exp) = sci.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("integer exponent");
    if !(-4..PRECISION).contains(&exp) {
        let mantissa = trim_zeros(mantissa);
        format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    } else {
        let decimals = (PRECISION - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{value:.decimals$}")).to_owned()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

hpy_module! {
    /// HPy example module `pof`, written in Rust with hpy-rs.
    name: pof,
    methods: [do_nothing, double, add_ints, add_ints_kw],
    types: [Point],
}
