//! One function per date/time feature beyond `chrono`: `chrono-tz`,
//! `chrono-local`, `jiff-02`, `time`.

use chrono::{DateTime, Local, Utc};
use chrono_tz::Tz;
use hpy::{hpy_method, HPyErr, HPyResult};
use jiff::ToSpan;

/// An instant's wall-clock time in a named zone (`chrono-tz`):
/// `in_zone(t, ZoneInfo("Asia/Tokyo"))`.
#[hpy_method]
pub fn in_zone(t: DateTime<Utc>, zone: Tz) -> DateTime<Tz> {
    t.with_timezone(&zone)
}

/// An instant in the machine's own zone (`chrono-local`); a naive
/// `datetime` is read as local time.
#[hpy_method]
pub fn as_local(t: DateTime<Local>) -> DateTime<Local> {
    t
}

/// The same wall-clock time one month later in the same zone, the offset
/// recomputed across a DST change (`jiff-02`).
#[hpy_method]
pub fn one_month_later(t: jiff::Zoned) -> HPyResult<jiff::Zoned> {
    t.checked_add(1.month())
        .map_err(|e| HPyErr::value_error(e.to_string()))
}

/// Whole days from `a` to `b` (`time`).
#[hpy_method]
pub fn days_between(a: time::Date, b: time::Date) -> i64 {
    (b - a).whole_days()
}
