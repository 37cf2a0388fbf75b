//! Feature `jiff-02`: jiff 0.2's civil dates and times, instants, zones
//! and durations ↔ `datetime`.
//!
//! | Rust | Python |
//! |---|---|
//! | `civil::Date` | `date` (a `datetime` gives its date) |
//! | `civil::ISOWeekDate` | `date` |
//! | `civil::Time` | `time` (a `tzinfo` is ignored, as PyO3) |
//! | `civil::DateTime` | naive `datetime` (an aware one is a `TypeError`) |
//! | `Zoned` | aware `datetime` whose `tzinfo` is a `zoneinfo.ZoneInfo` or a fixed `timezone` |
//! | `Timestamp` | aware `datetime` (to Python: in `timezone.utc`) |
//! | `tz::TimeZone` | `zoneinfo.ZoneInfo` (a named zone), `timezone` (a fixed one, `timezone.utc` for UTC) |
//! | `tz::Offset` | `timezone` |
//! | `SignedDuration` | `timedelta` |
//! | `Span` | from a `timedelta` only (a span of months or years has no fixed length) |
//!
//! Edges, as PyO3 0.30: nanoseconds below a microsecond are dropped
//! (truncated towards zero) on the way to Python; Python refuses a year
//! outside 1-9999 (`ValueError`); a `tzinfo` with a `key` attribute (a
//! `ZoneInfo`) is looked up by that name in jiff's time zone database (the
//! system's, `/usr/share/zoneinfo`), any other needs a fixed
//! `utcoffset(None)` (`TypeError` otherwise); `fold` picks one of two equal
//! wall-clock times and, in a gap, says which side's offset the time was
//! written in (PEP 495), and is set on the way to Python for the second of
//! two equal times; jiff's own errors (an unknown zone, a span beyond
//! jiff's range) are `ValueError`s.

use jiff_02::civil::{Date, DateTime, ISOWeekDate, Time};
use jiff_02::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff_02::{SignedDuration, Span, Timestamp, Zoned};

use super::datetime_fields::{
    date_fields, fixed_offset_seconds, fixed_timezone, fold_of, new_date, new_datetime, new_time,
    require_naive, required_tzinfo, time_fields, timedelta_from_seconds, timedelta_seconds,
    zone_info, DateFields, TimeFields,
};
use super::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// jiff's errors reach Python as `ValueError`s (as in PyO3).
fn jiff_error(e: jiff_02::Error) -> HPyErr {
    HPyErr::value_error(e.to_string())
}

fn to_date((y, m, d): DateFields) -> HPyResult<Date> {
    // Python's year is 1-9999, its month and day in range: they fit.
    Date::new(y as i16, m as i8, d as i8).map_err(jiff_error)
}

fn to_time((h, m, s, us): TimeFields) -> HPyResult<Time> {
    Time::new(h as i8, m as i8, s as i8, us as i32 * 1000).map_err(jiff_error)
}

fn date_of(d: Date) -> DateFields {
    (i32::from(d.year()), d.month() as u8, d.day() as u8)
}

fn time_of(t: Time) -> TimeFields {
    let micros = t.subsec_nanosecond() / 1000;
    (
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        micros as u32,
    )
}

// ---- civil ----

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

impl<'ctx> FromHPy<'_, 'ctx> for ISOWeekDate {
    /// A `date` (or `datetime`), as its ISO week date.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        Date::extract(obj).map(|d| d.iso_week_date())
    }
}

impl<'ctx> IntoHPy<'ctx> for ISOWeekDate {
    /// The `date` of that ISO week date.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.date().into_hpy(ctx)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Time {
    /// A `time`; its `tzinfo`, if any, is ignored (as PyO3 does).
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

impl<'ctx> FromHPy<'_, 'ctx> for DateTime {
    /// A naive `datetime` (`TypeError` for an aware one).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        require_naive(obj)?;
        Ok(DateTime::from_parts(
            to_date(date_fields(obj)?)?,
            to_time(time_fields(obj)?)?,
        ))
    }
}

impl<'ctx> IntoHPy<'ctx> for DateTime {
    /// A naive `datetime`; nanoseconds below a microsecond are dropped.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_datetime(ctx, date_of(self.date()), time_of(self.time()), None, false)
    }
}

// ---- zones ----

impl<'ctx> FromHPy<'_, 'ctx> for Offset {
    /// A `tzinfo` with a fixed offset (`utcoffset(None)`), such as a
    /// `timezone`; sub-second parts are dropped; `TypeError` otherwise.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        Offset::from_seconds(fixed_offset_seconds(obj)?).map_err(jiff_error)
    }
}

impl<'ctx> IntoHPy<'ctx> for Offset {
    /// `timezone.utc` for zero, else a `timezone` of that offset.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        fixed_timezone(ctx, self.seconds())
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for TimeZone {
    /// A `tzinfo`: one with a `key` (a `zoneinfo.ZoneInfo`) is looked up by
    /// that name in jiff's database (`ValueError` if it has none), any
    /// other must have a fixed offset (`TypeError` otherwise).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::TzInfo.check(obj)?;
        if obj.has_attr_s("key")? {
            let key = obj.get_attr_s("key")?;
            TimeZone::get(key.extract::<&str>()?).map_err(jiff_error)
        } else {
            Offset::extract(obj).map(TimeZone::fixed)
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for TimeZone {
    /// `timezone.utc` for UTC, a `zoneinfo.ZoneInfo` for a zone with an
    /// IANA name, a `timezone` for a fixed offset; `ValueError` for a
    /// zone that is none of these (a POSIX rule without a name).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &TimeZone {
    /// As `TimeZone`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        if *self == TimeZone::UTC {
            return fixed_timezone(ctx, 0);
        }
        if let Some(name) = self.iana_name() {
            return zone_info(ctx, name);
        }
        self.to_fixed_offset().map_err(jiff_error)?.into_hpy(ctx)
    }
}

// ---- instants ----

impl<'ctx> FromHPy<'_, 'ctx> for Zoned {
    /// An aware `datetime` (`TypeError` for a naive one) whose `tzinfo`
    /// converts to a `TimeZone`; `fold` chooses as Python does (PEP 495):
    /// of two equal wall-clock times, the earlier with `fold=0`; in a gap,
    /// the offset before it with `fold=0`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        let tz = TimeZone::extract(&required_tzinfo(obj)?)?;
        let civil = DateTime::from_parts(to_date(date_fields(obj)?)?, to_time(time_fields(obj)?)?);
        let ambiguous = tz.into_ambiguous_zoned(civil);
        // In a gap, the time written with the offset before the gap
        // (fold=0) lands after it, so the later instant.
        let in_gap = matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. });
        if fold_of(obj)? != in_gap {
            ambiguous.later()
        } else {
            ambiguous.earlier()
        }
        .map_err(jiff_error)
    }
}

impl<'ctx> IntoHPy<'ctx> for Zoned {
    /// An aware `datetime` with the zone's `tzinfo` (see `TimeZone`),
    /// `fold=1` for the second of two equal wall-clock times.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &Zoned {
    /// As `Zoned`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let civil = self.datetime();
        let fold = matches!(
            self.time_zone().to_ambiguous_zoned(civil).offset(),
            AmbiguousOffset::Fold { after, .. } if after == self.offset()
        );
        let tz = self.time_zone().into_hpy(ctx)?;
        new_datetime(
            ctx,
            date_of(civil.date()),
            time_of(civil.time()),
            Some(&tz),
            fold,
        )
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Timestamp {
    /// An aware `datetime` (as `Zoned`), its instant.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        Zoned::extract(obj).map(|z| z.timestamp())
    }
}

impl<'ctx> IntoHPy<'ctx> for Timestamp {
    /// An aware `datetime` in `timezone.utc`; `ValueError` beyond year
    /// 9999.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.to_zoned(TimeZone::UTC).into_hpy(ctx)
    }
}

// ---- durations ----

impl<'ctx> FromHPy<'_, 'ctx> for SignedDuration {
    /// A `timedelta` (every one fits).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (seconds, micros) = timedelta_seconds(obj)?;
        Ok(SignedDuration::new(seconds, micros as i32 * 1000))
    }
}

impl<'ctx> IntoHPy<'ctx> for SignedDuration {
    /// A `timedelta`; nanoseconds below a microsecond are dropped (towards
    /// zero); beyond `timedelta`'s range is an `OverflowError`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        timedelta_from_seconds(ctx, self.as_secs(), i64::from(self.subsec_micros()))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Span {
    /// A `timedelta`, as a span of seconds and smaller units; `ValueError`
    /// beyond jiff's span range (about ±20,000 years of seconds).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        Span::try_from(SignedDuration::extract(obj)?).map_err(jiff_error)
    }
}
