//! Probes of the conversion features of issue 41 (`num-complex`,
//! `num-rational`, `bigdecimal`, `ordered-float`, `either`, `bytes`,
//! `indexmap`, `hashbrown`, `smallvec`).

use bigdecimal::BigDecimal;
use either::Either;
use hpy::{hpy_method, FrozenSet};
use indexmap::IndexMap;
use num_bigint::BigInt;
use num_complex::Complex;
use num_rational::Ratio;
use ordered_float::{NotNan, OrderedFloat};
use smallvec::SmallVec;

echo_functions! {
    pub(crate) echo_complex64: Complex<f64>;
    pub(crate) echo_complex32: Complex<f32>;
    pub(crate) echo_ratio_i8: Ratio<i8>;
    pub(crate) echo_ratio_i32: Ratio<i32>;
    pub(crate) echo_ratio_i64: Ratio<i64>;
    pub(crate) echo_ratio_isize: Ratio<isize>;
    pub(crate) echo_ratio_bigint: Ratio<BigInt>;
    pub(crate) echo_bigdecimal: BigDecimal;
    pub(crate) echo_ordered_f64: OrderedFloat<f64>;
    pub(crate) echo_ordered_f32: OrderedFloat<f32>;
    pub(crate) echo_notnan_f64: NotNan<f64>;
    pub(crate) echo_notnan_f32: NotNan<f32>;
    pub(crate) echo_either_int_str: Either<i64, String>;
    pub(crate) echo_either_list_float: Either<Vec<i64>, f64>;
    pub(crate) echo_bytes_buf: bytes::Bytes;
    pub(crate) echo_bytes_mut: bytes::BytesMut;
    pub(crate) echo_indexmap: IndexMap<String, i64>;
    pub(crate) echo_hashbrown_map: hashbrown::HashMap<String, i64>;
    pub(crate) echo_hashbrown_set: hashbrown::HashSet<i64>;
    pub(crate) echo_smallvec: SmallVec<[i64; 4]>;
    pub(crate) echo_smallvec_bytes: SmallVec<[u8; 8]>;
    pub(crate) echo_smallvec_str: SmallVec<[String; 2]>;
}

/// `Complex::new(re, im)` to Python.
#[hpy_method]
pub(crate) fn complex_from_parts(re: f64, im: f64) -> Complex<f64> {
    Complex::new(re, im)
}

/// `(numer, denom)` of a `Ratio<BigInt>` as the Rust side holds it
/// (reduced, positive denominator).
#[hpy_method]
pub(crate) fn ratio_parts(r: Ratio<BigInt>) -> (BigInt, BigInt) {
    r.into_raw()
}

/// `Ratio::new_raw(numer, denom)` to Python: unreduced, any sign, even a
/// zero denominator (which `Fraction` refuses).
#[hpy_method]
pub(crate) fn ratio_raw(numer: BigInt, denom: BigInt) -> Ratio<BigInt> {
    Ratio::new_raw(numer, denom)
}

/// `(digits, scale)` of a `BigDecimal` as the Rust side holds it.
#[hpy_method]
pub(crate) fn bigdecimal_parts(d: BigDecimal) -> (BigInt, i64) {
    d.into_bigint_and_scale()
}

/// `BigDecimal::new(digits, scale)` to Python (any scale, `i64::MIN`
/// included).
#[hpy_method]
pub(crate) fn bigdecimal_from_parts(digits: BigInt, scale: i64) -> BigDecimal {
    BigDecimal::new(digits, scale)
}

/// `"left"` or `"right"`: which side an `Either<i64, String>` took.
#[hpy_method]
pub(crate) fn either_side(x: Either<i64, String>) -> &'static str {
    if x.is_left() {
        "left"
    } else {
        "right"
    }
}

/// The keys of an `IndexMap<String, i64>` in the map's order.
#[hpy_method]
pub(crate) fn indexmap_keys(m: IndexMap<String, i64>) -> Vec<String> {
    m.into_keys().collect()
}

/// A `hashbrown::HashSet<i64>` as a `frozenset`.
#[hpy_method]
pub(crate) fn hashbrown_frozenset(
    s: hashbrown::HashSet<i64>,
) -> FrozenSet<hashbrown::HashSet<i64>> {
    FrozenSet(s)
}

/// `(length, spilled?)` of a `SmallVec<[i64; 4]>`: more than 4 items go
/// to the heap.
#[hpy_method]
pub(crate) fn smallvec_spilled(v: SmallVec<[i64; 4]>) -> (usize, bool) {
    (v.len(), v.spilled())
}

/// A `BytesMut` with `b"!"` appended (it is owned and mutable).
#[hpy_method]
pub(crate) fn bytes_mut_append(mut b: bytes::BytesMut) -> bytes::BytesMut {
    b.extend_from_slice(b"!");
    b
}
