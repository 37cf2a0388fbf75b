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

mod dates;

#[pymodule]
fn conv_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_echoes(m)?;
    dates::add_functions(m)?;
    m.add_function(wrap_pyfunction!(cow_str, m)?)?;
    m.add_function(wrap_pyfunction!(anyhow_parse, m)?)?;
    Ok(())
}
