//! The echo functions of tests/ext/hpyrs_features, written with PyO3 0.30
//! and its conversion features: the other side of the differential check.

use std::borrow::Cow;
use std::net::IpAddr;
use std::num::{NonZeroI64, NonZeroU8};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use num_bigint::{BigInt, BigUint};
use pyo3::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

macro_rules! echo_functions {
    ($($name:ident: $t:ty;)*) => {
        $(
            #[pyfunction]
            fn $name(x: $t) -> $t {
                x
            }
        )*
        fn add_echoes(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(m.add_function(wrap_pyfunction!($name, m)?)?;)*
            Ok(())
        }
    };
}

echo_functions! {
    echo_duration: Duration;
    echo_system_time: SystemTime;
    echo_ip: IpAddr;
    echo_nonzero_i64: NonZeroI64;
    echo_nonzero_u8: NonZeroU8;
    echo_bigint: BigInt;
    echo_biguint: BigUint;
    echo_date: NaiveDate;
    echo_time: NaiveTime;
    echo_naive_datetime: NaiveDateTime;
    echo_datetime_utc: DateTime<Utc>;
    echo_datetime_fixed: DateTime<FixedOffset>;
    echo_timedelta: TimeDelta;
    echo_fixed_offset: FixedOffset;
    echo_decimal: Decimal;
    echo_uuid: Uuid;
}

/// `(text, borrowed?)` of a `Cow<str>` parameter.
#[pyfunction]
fn cow_str(x: Cow<'_, str>) -> (String, bool) {
    let borrowed = matches!(x, Cow::Borrowed(_));
    (x.into_owned(), borrowed)
}

/// `anyhow`: parses an int.
#[pyfunction]
fn anyhow_parse(s: &str) -> anyhow::Result<i64> {
    use anyhow::Context as _;
    if s == "fail" {
        anyhow::bail!("failed on purpose");
    }
    Ok(s.parse::<i64>().context("while parsing")?)
}

/// The echo functions of tests/ext/hpyrs_features/src/issue41.rs.
mod issue41 {
    use bigdecimal::BigDecimal;
    use either::Either;
    use indexmap::IndexMap;
    use num_bigint::BigInt;
    use num_complex::Complex;
    use num_rational::Ratio;
    use ordered_float::{NotNan, OrderedFloat};
    use pyo3::prelude::*;
    use smallvec::SmallVec;

    echo_functions! {
        echo_complex64: Complex<f64>;
        echo_complex32: Complex<f32>;
        echo_ratio_i8: Ratio<i8>;
        echo_ratio_i32: Ratio<i32>;
        echo_ratio_i64: Ratio<i64>;
        echo_ratio_isize: Ratio<isize>;
        echo_ratio_bigint: Ratio<BigInt>;
        echo_bigdecimal: BigDecimal;
        echo_ordered_f64: OrderedFloat<f64>;
        echo_ordered_f32: OrderedFloat<f32>;
        echo_notnan_f64: NotNan<f64>;
        echo_notnan_f32: NotNan<f32>;
        echo_either_int_str: Either<i64, String>;
        echo_either_list_float: Either<Vec<i64>, f64>;
        echo_bytes_buf: bytes::Bytes;
        echo_indexmap: IndexMap<String, i64>;
        echo_hashbrown_map: hashbrown::HashMap<String, i64>;
        echo_hashbrown_set: hashbrown::HashSet<i64>;
        echo_smallvec: SmallVec<[i64; 4]>;
        echo_smallvec_bytes: SmallVec<[u8; 8]>;
        echo_smallvec_str: SmallVec<[String; 2]>;
    }

    pub(crate) fn add(m: &Bound<'_, PyModule>) -> PyResult<()> {
        add_echoes(m)
    }
}
mod dates;

#[pymodule]
fn conv_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_echoes(m)?;
    issue41::add(m)?;
    dates::add_functions(m)?;
    m.add_function(wrap_pyfunction!(cow_str, m)?)?;
    m.add_function(wrap_pyfunction!(anyhow_parse, m)?)?;
    Ok(())
}
