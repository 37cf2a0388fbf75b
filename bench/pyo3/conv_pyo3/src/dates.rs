//! The one-argument probes of tests/ext/hpyrs_features/src/dates.rs
//! (`chrono-tz`, `chrono-local`, `jiff-02`, `time`), written with PyO3.

use chrono::{DateTime, Local, Utc};
use chrono_tz::Tz;
use pyo3::prelude::*;

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
    echo_tz: Tz;
    echo_datetime_tz: DateTime<Tz>;
    echo_local: Local;
    echo_datetime_local: DateTime<Local>;
    echo_jiff_date: jiff::civil::Date;
    echo_jiff_iso_week_date: jiff::civil::ISOWeekDate;
    echo_jiff_time: jiff::civil::Time;
    echo_jiff_datetime: jiff::civil::DateTime;
    echo_jiff_zoned: jiff::Zoned;
    echo_jiff_timestamp: jiff::Timestamp;
    echo_jiff_timezone: jiff::tz::TimeZone;
    echo_jiff_offset: jiff::tz::Offset;
    echo_jiff_signed_duration: jiff::SignedDuration;
    echo_time_date: time::Date;
    echo_time_time: time::Time;
    echo_time_primitive: time::PrimitiveDateTime;
    echo_time_offset_datetime: time::OffsetDateTime;
    echo_time_utc_datetime: time::UtcDateTime;
    echo_time_utc_offset: time::UtcOffset;
    echo_time_duration: time::Duration;
}

/// A `timedelta` read as a jiff `Span`, shown as jiff writes it.
#[pyfunction]
fn jiff_span_text(x: jiff::Span) -> String {
    x.to_string()
}

/// The instant `t` in the local zone.
#[pyfunction]
fn chrono_local_at(t: DateTime<Utc>) -> DateTime<Local> {
    t.with_timezone(&Local)
}

pub fn add_functions(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_echoes(m)?;
    m.add_function(wrap_pyfunction!(jiff_span_text, m)?)?;
    m.add_function(wrap_pyfunction!(chrono_local_at, m)?)?;
    Ok(())
}
