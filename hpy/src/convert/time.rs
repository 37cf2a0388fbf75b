//! Feature `time`: the `time` crate's (0.3) dates, times, offsets and
//! durations ↔ `datetime`.
//!
//! | Rust | Python |
//! |---|---|
//! | `Date` | `date` (a `datetime` gives its date) |
//! | `Time` | `time` (a `tzinfo` is ignored) |
//! | `PrimitiveDateTime` | naive `datetime` (an aware one is a `TypeError`) |
//! | `OffsetDateTime` | aware `datetime` (its `utcoffset()`, `fold` respected); to Python with a `timezone` of its offset |
//! | `UtcDateTime` | aware `datetime` whose `tzinfo` equals `timezone.utc` |
//! | `UtcOffset` | `timezone` (any `tzinfo` with a fixed `utcoffset(None)`) |
//! | `Duration` | `timedelta` |
//!
//! Edges, as PyO3 0.30: `time` keeps nanoseconds, Python microseconds, so
//! the nanoseconds below a microsecond are dropped (truncated towards
//! zero) on the way to Python; Python refuses a year outside 1-9999
//! (`ValueError`); a naive `datetime` is refused where an aware one is
//! needed (`TypeError`) and the other way round; offsets lose their
//! sub-second parts. Where PyO3 reads an `OffsetDateTime`'s offset from a
//! fixed-offset `tzinfo` only, hpy-rs reads the `datetime`'s own
//! `utcoffset()` (as its `chrono` feature does for `DateTime<FixedOffset>`),
//! so a `datetime` in a `zoneinfo.ZoneInfo` converts too.

use time::{
    Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcDateTime, UtcOffset,
};

use super::datetime_fields::{
    aware_fields, date_fields, fixed_offset_seconds, fixed_timezone, new_date, new_datetime,
    new_time, require_naive, require_utc, required_tzinfo, time_fields, timedelta_from_seconds,
    timedelta_seconds, DateFields, TimeFields,
};
use super::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

fn to_date((y, m, d): DateFields) -> HPyResult<Date> {
    let month = Month::try_from(m).map_err(|_| HPyErr::value_error("invalid month value"))?;
    Date::from_calendar_date(y, month, d)
        .map_err(|_| HPyErr::value_error("invalid or out-of-range date"))
}

fn to_time((h, m, s, us): TimeFields) -> HPyResult<Time> {
    Time::from_hms_micro(h, m, s, us)
        .map_err(|_| HPyErr::value_error("invalid or out-of-range time"))
}

fn to_offset(seconds: i32) -> HPyResult<UtcOffset> {
    UtcOffset::from_whole_seconds(seconds)
        .map_err(|_| HPyErr::value_error("UTC offset out of bounds"))
}

fn date_of(d: Date) -> DateFields {
    (d.year(), d.month() as u8, d.day())
}

fn time_of(t: Time) -> TimeFields {
    (t.hour(), t.minute(), t.second(), t.microsecond())
}

impl<'ctx> FromHPy<'_, 'ctx> for Date {
    /// A `date` (or `datetime`).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::Date.check(obj)?;
        to_date(date_fields(obj)?)
    }
}

impl<'ctx> IntoHPy<'ctx> for Date {
    /// A `date`; `ValueError` for a year outside 1-9999.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_date(ctx, date_of(self))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Time {
    /// A `time`; its `tzinfo`, if any, is ignored.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::Time.check(obj)?;
        to_time(time_fields(obj)?)
    }
}

impl<'ctx> IntoHPy<'ctx> for Time {
    /// A `time`; nanoseconds below a microsecond are dropped.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_time(ctx, time_of(self))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for PrimitiveDateTime {
    /// A naive `datetime` (`TypeError` for an aware one).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        require_naive(obj)?;
        Ok(PrimitiveDateTime::new(
            to_date(date_fields(obj)?)?,
            to_time(time_fields(obj)?)?,
        ))
    }
}

impl<'ctx> IntoHPy<'ctx> for PrimitiveDateTime {
    /// A naive `datetime`; nanoseconds below a microsecond are dropped.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_datetime(ctx, date_of(self.date()), time_of(self.time()), None, false)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for UtcOffset {
    /// A `tzinfo` with a fixed offset (`utcoffset(None)`), such as a
    /// `timezone`; sub-second parts are dropped; `TypeError` otherwise.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        to_offset(fixed_offset_seconds(obj)?)
    }
}

impl<'ctx> IntoHPy<'ctx> for UtcOffset {
    /// A `timezone` of that offset (`timezone.utc` for zero); the seconds
    /// of an offset are kept.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        fixed_timezone(ctx, self.whole_seconds())
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for OffsetDateTime {
    /// An aware `datetime` (`TypeError` for a naive one), at its
    /// `utcoffset()`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (date, time, offset, _tz) = aware_fields(obj)?;
        Ok(
            PrimitiveDateTime::new(to_date(date)?, to_time(time)?)
                .assume_offset(to_offset(offset)?),
        )
    }
}

impl<'ctx> IntoHPy<'ctx> for OffsetDateTime {
    /// An aware `datetime` with a `timezone` of its offset.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let tz = self.offset().into_hpy(ctx)?;
        new_datetime(
            ctx,
            date_of(self.date()),
            time_of(self.time()),
            Some(&tz),
            false,
        )
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for UtcDateTime {
    /// An aware `datetime` whose `tzinfo` equals `timezone.utc`
    /// (`TypeError` for a naive one, `ValueError` for another zone: convert
    /// with `astimezone(timezone.utc)` first).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        require_utc(&required_tzinfo(obj)?)?;
        let local =
            PrimitiveDateTime::new(to_date(date_fields(obj)?)?, to_time(time_fields(obj)?)?);
        Ok(UtcDateTime::from(local.assume_utc()))
    }
}

impl<'ctx> IntoHPy<'ctx> for UtcDateTime {
    /// An aware `datetime` with `tzinfo=timezone.utc`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let tz = fixed_timezone(ctx, 0)?;
        new_datetime(
            ctx,
            date_of(self.date()),
            time_of(self.time()),
            Some(&tz),
            false,
        )
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Duration {
    /// A `timedelta` (every one fits).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (seconds, micros) = timedelta_seconds(obj)?;
        Ok(Duration::new(seconds, micros as i32 * 1000))
    }
}

impl<'ctx> IntoHPy<'ctx> for Duration {
    /// A `timedelta`; nanoseconds below a microsecond are dropped (towards
    /// zero); beyond `timedelta`'s range is an `OverflowError`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        timedelta_from_seconds(
            ctx,
            self.whole_seconds(),
            i64::from(self.subsec_microseconds()),
        )
    }
}
