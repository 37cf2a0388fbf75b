//! Probes of the date/time features beyond `chrono`: `chrono-tz`,
//! `chrono-local`, `jiff-02` and `time` (tests/python/test_conv_features.py;
//! the same functions with PyO3 are in bench/pyo3/conv_pyo3).

use chrono::{DateTime, Local, Utc};
use chrono_tz::Tz;
use hpy::{hpy_method, HPyErr, HPyResult};

macro_rules! pub_echo_functions {
    ($($name:ident: $t:ty;)*) => {$(
        #[doc = concat!("Converts the argument to `", stringify!($t), "` and back.")]
        #[hpy_method]
        pub fn $name(x: $t) -> $t {
            x
        }
    )*};
}

pub_echo_functions! {
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
#[hpy_method]
pub fn jiff_span_text(x: jiff::Span) -> String {
    x.to_string()
}

/// The instant `t` in the zone `tz` (chrono-tz), to Python.
#[hpy_method]
pub fn chrono_tz_at(t: DateTime<Utc>, tz: Tz) -> DateTime<Tz> {
    t.with_timezone(&tz)
}

/// The instant `t` in the local zone (chrono-local), to Python.
#[hpy_method]
pub fn chrono_local_at(t: DateTime<Utc>) -> DateTime<Local> {
    t.with_timezone(&Local)
}

/// Every zone name chrono-tz knows.
#[hpy_method]
pub fn chrono_tz_names() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_owned())
        .collect()
}

/// The instant `t` in the zone `tz` (jiff), to Python.
#[hpy_method]
pub fn jiff_zoned_at(t: jiff::Timestamp, tz: jiff::tz::TimeZone) -> jiff::Zoned {
    t.to_zoned(tz)
}

/// A jiff `Time` with nanoseconds.
#[hpy_method]
pub fn jiff_time_from_nanos(h: i8, m: i8, s: i8, nanos: i32) -> HPyResult<jiff::civil::Time> {
    jiff::civil::Time::new(h, m, s, nanos).map_err(|e| HPyErr::value_error(e.to_string()))
}

/// A jiff `Date` from its parts (any year jiff has).
#[hpy_method]
pub fn jiff_date_from_ymd(y: i16, m: i8, d: i8) -> HPyResult<jiff::civil::Date> {
    jiff::civil::Date::new(y, m, d).map_err(|e| HPyErr::value_error(e.to_string()))
}

/// A jiff `SignedDuration` of `secs` seconds and `nanos` nanoseconds.
#[hpy_method]
pub fn jiff_duration_from_parts(secs: i64, nanos: i32) -> jiff::SignedDuration {
    jiff::SignedDuration::new(secs, nanos)
}

/// A jiff `TimeZone` from a POSIX TZ string (no IANA name).
#[hpy_method]
pub fn jiff_posix_zone(rule: &str) -> HPyResult<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::posix(rule).map_err(|e| HPyErr::value_error(e.to_string()))
}

/// A `time::Time` with nanoseconds.
#[hpy_method]
pub fn time_time_from_nanos(h: u8, m: u8, s: u8, nanos: u32) -> HPyResult<time::Time> {
    time::Time::from_hms_nano(h, m, s, nanos).map_err(|e| HPyErr::value_error(e.to_string()))
}

/// A `time::Date` from its parts (any year `time` has).
#[hpy_method]
pub fn time_date_from_ymd(y: i32, m: u8, d: u8) -> HPyResult<time::Date> {
    let month = time::Month::try_from(m).map_err(|e| HPyErr::value_error(e.to_string()))?;
    time::Date::from_calendar_date(y, month, d).map_err(|e| HPyErr::value_error(e.to_string()))
}

/// A `time::Duration` of `secs` seconds and `nanos` nanoseconds.
#[hpy_method]
pub fn time_duration_from_parts(secs: i64, nanos: i32) -> time::Duration {
    time::Duration::new(secs, nanos)
}
