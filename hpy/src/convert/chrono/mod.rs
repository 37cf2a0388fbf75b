//! Feature `chrono`: chrono's dates, times and durations ↔ `datetime`.
//!
//! | Rust | Python |
//! |---|---|
//! | `NaiveDate` | `date` (a `datetime` is accepted too: its date) |
//! | `NaiveTime` | `time` (a `tzinfo` is ignored, as PyO3) |
//! | `NaiveDateTime` | naive `datetime` (an aware one is a `TypeError`) |
//! | `DateTime<Utc>` | aware `datetime` whose `tzinfo` is `timezone.utc` |
//! | `DateTime<FixedOffset>` | aware `datetime` (its `utcoffset()`, `fold` respected) |
//! | `TimeDelta` (`chrono::Duration`) | `timedelta` |
//! | `FixedOffset` | `timezone(timedelta(...))` (any `tzinfo` with a fixed `utcoffset(None)`; sub-second parts dropped) |
//! | `Utc` | `timezone.utc` |
//!
//! Edges, as PyO3 0.30: chrono keeps nanoseconds, Python microseconds, so
//! the nanoseconds below a microsecond are dropped (truncated) on the way
//! to Python; a leap second (chrono's nanoseconds ≥ 10⁹) cannot be
//! represented, so it is dropped too, with a `UserWarning`; a year outside
//! 1–9999 is refused by Python's `datetime` (`ValueError`); a naive
//! `datetime` is refused where an aware one is needed (`TypeError`), and
//! the other way round.
//!
//! On the CPython ABI the exact `date`, `time`, `datetime` and `timedelta`
//! classes are read and built through CPython's `datetime` C API (the
//! same checks and errors as the constructors); subclasses go through
//! their attributes and constructors, and the universal ABI through the
//! Python helpers of `std/time.rs` (one entry into Python each way).
//!
//! `local.rs` is feature `chrono-local` (`DateTime<Local>`), `zoned.rs`
//! what it shares with `chrono-tz` (../chrono_tz.rs).

#[cfg(feature = "chrono-local")]
mod local;
#[cfg(any(feature = "chrono-tz", feature = "chrono-local"))]
pub(super) mod zoned;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
};

use crate::convert::imported::{datetime_api, StdClass};
use crate::convert::std::time::{
    datetime_state, new_datetime_from_state, new_timedelta, timedelta_parts, utc,
};
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// An int attribute of a date/time object.
fn attr<'ctx, T: for<'a> FromHPy<'a, 'ctx>>(obj: &Handle<'ctx>, name: &str) -> HPyResult<T> {
    obj.get_attr_s(name)?.extract()
}

fn date_of(obj: &Handle<'_>) -> HPyResult<NaiveDate> {
    naive_date((attr(obj, "year")?, attr(obj, "month")?, attr(obj, "day")?))
}

fn naive_date((y, m, d): (i32, u32, u32)) -> HPyResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| HPyErr::value_error(format!("invalid date {y}-{m}-{d}")))
}

fn time_of(obj: &Handle<'_>) -> HPyResult<NaiveTime> {
    naive_time((
        attr(obj, "hour")?,
        attr(obj, "minute")?,
        attr(obj, "second")?,
        attr(obj, "microsecond")?,
    ))
}

fn naive_time((h, m, s, us): (u32, u32, u32, u32)) -> HPyResult<NaiveTime> {
    NaiveTime::from_hms_micro_opt(h, m, s, us)
        .ok_or_else(|| HPyErr::value_error(format!("invalid time {h}:{m}:{s}.{us:06}")))
}

/// The local time and the `tzinfo` of an exact `datetime`, read through
/// the C API (CPython ABI) or else from its pickled state
/// (`datetime_state`); `None` for another object.
#[allow(clippy::type_complexity)]
fn fast_datetime<'ctx>(
    obj: &Handle<'ctx>,
) -> Option<HPyResult<(NaiveDateTime, Option<Handle<'ctx>>)>> {
    let (date, time, tz) = match datetime_api(obj.context()) {
        Some(api) => api.datetime_fields(obj)?,
        None => match datetime_state(obj) {
            Ok(state) => {
                let ((y, mo, d), (h, mi, s, us), _fold, tz) = state?;
                (
                    (y, u32::from(mo), u32::from(d)),
                    (u32::from(h), u32::from(mi), u32::from(s), us),
                    tz,
                )
            }
            Err(e) => return Some(Err(e)),
        },
    };
    Some(naive_date(date).and_then(|d| Ok((NaiveDateTime::new(d, naive_time(time)?), tz))))
}

/// `(hour, minute, second, microsecond)` of `t`, the nanoseconds below a
/// microsecond dropped and a leap second reported with a `UserWarning`
/// and dropped.
fn time_parts(ctx: Context<'_>, t: &NaiveTime) -> HPyResult<(u32, u32, u32, u32)> {
    let mut ns = t.nanosecond();
    if ns >= 1_000_000_000 {
        ns -= 1_000_000_000;
        ctx.warn(
            &ctx.constant(hpy_sys::HPyConstant::UserWarning),
            "ignored leap-second, `datetime` does not support leap-seconds",
            1,
        )?;
    }
    Ok((t.hour(), t.minute(), t.second(), ns / 1000))
}

/// The `tzinfo` of `obj` (`None` for a naive one).
fn tzinfo<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    let tz = obj.get_attr_s("tzinfo")?;
    Ok(if tz.is_none() { None } else { Some(tz) })
}

pub(super) fn naive_datetime_of(obj: &Handle<'_>) -> HPyResult<NaiveDateTime> {
    Ok(NaiveDateTime::new(date_of(obj)?, time_of(obj)?))
}

/// A `datetime` from a naive one and a `tzinfo` (or none).
pub(super) fn new_datetime<'ctx>(
    ctx: Context<'ctx>,
    dt: &NaiveDateTime,
    tz: Option<Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    let (h, mi, s, us) = time_parts(ctx, &dt.time())?;
    let (y, mo, d) = (dt.year(), dt.month(), dt.day());
    if let Some(api) = datetime_api(ctx) {
        return api.new_datetime(ctx, (y, mo, d), (h, mi, s, us), tz.as_ref());
    }
    // chrono's dates are valid (but their years reach past 1-9999).
    if let Some(dt) = new_datetime_from_state(ctx, (y, mo, d), (h, mi, s, us), tz.as_ref()) {
        return dt;
    }
    let class = StdClass::DateTime.get(ctx)?;
    match tz {
        None => class.call1((y, mo, d, h, mi, s, us)),
        Some(tz) => class.call1((y, mo, d, h, mi, s, us, tz)),
    }
}

/// Seconds east of UTC of a `timedelta` that is a UTC offset; its
/// microseconds (which a `FixedOffset` cannot hold) are dropped, as PyO3
/// does.
fn offset_seconds(delta: &Handle<'_>) -> HPyResult<i32> {
    let (days, seconds, _micros) = timedelta_parts(delta)?;
    Ok((days * 86_400 + seconds) as i32)
}

fn fixed_offset(seconds: i32) -> HPyResult<FixedOffset> {
    FixedOffset::east_opt(seconds)
        .ok_or_else(|| HPyErr::value_error(format!("UTC offset of {seconds} s out of range")))
}

// ---- NaiveDate ----

impl<'ctx> FromHPy<'_, 'ctx> for NaiveDate {
    /// A `date` (or `datetime`).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(date) = datetime_api(obj.context()).and_then(|api| api.date_fields(obj)) {
            return naive_date(date);
        }
        StdClass::Date.check(obj)?;
        date_of(obj)
    }
}

impl<'ctx> IntoHPy<'ctx> for NaiveDate {
    /// A `date`; `ValueError` for a year outside 1–9999.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        if let Some(api) = datetime_api(ctx) {
            return api.new_date(ctx, self.year(), self.month(), self.day());
        }
        StdClass::Date
            .get(ctx)?
            .call1((self.year(), self.month(), self.day()))
    }
}

// ---- NaiveTime ----

impl<'ctx> FromHPy<'_, 'ctx> for NaiveTime {
    /// A `time`; its `tzinfo`, if any, is ignored (as PyO3 does).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(time) = datetime_api(obj.context()).and_then(|api| api.time_fields(obj)) {
            return naive_time(time);
        }
        StdClass::Time.check(obj)?;
        time_of(obj)
    }
}

impl<'ctx> IntoHPy<'ctx> for NaiveTime {
    /// A `time`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let (h, m, s, us) = time_parts(ctx, &self)?;
        if let Some(api) = datetime_api(ctx) {
            return api.new_time(ctx, (h, m, s, us));
        }
        StdClass::Time.get(ctx)?.call1((h, m, s, us))
    }
}

// ---- NaiveDateTime ----

impl<'ctx> FromHPy<'_, 'ctx> for NaiveDateTime {
    /// A naive `datetime` (`TypeError` for an aware one).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        if let Some(fast) = fast_datetime(obj) {
            let (local, tz) = fast?;
            if tz.is_some() {
                return Err(HPyErr::type_error("expected a datetime without tzinfo"));
            }
            return Ok(local);
        }
        StdClass::DateTime.check(obj)?;
        if tzinfo(obj)?.is_some() {
            return Err(HPyErr::type_error("expected a datetime without tzinfo"));
        }
        naive_datetime_of(obj)
    }
}

impl<'ctx> IntoHPy<'ctx> for NaiveDateTime {
    /// A naive `datetime`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_datetime(ctx, &self, None)
    }
}

// ---- DateTime<FixedOffset>, DateTime<Utc> ----

/// The local time and the UTC offset of an aware `datetime`.
fn aware_parts(obj: &Handle<'_>) -> HPyResult<(NaiveDateTime, i32)> {
    let no_tzinfo = || HPyErr::type_error("expected a datetime with non-None tzinfo");
    let local = match fast_datetime(obj) {
        Some(fast) => {
            let (local, tz) = fast?;
            tz.ok_or_else(no_tzinfo)?;
            Some(local)
        }
        None => {
            StdClass::DateTime.check(obj)?;
            tzinfo(obj)?.ok_or_else(no_tzinfo)?;
            None
        }
    };
    let offset = obj.call_method0("utcoffset")?;
    if offset.is_none() {
        return Err(HPyErr::type_error(
            "expected a datetime whose tzinfo gives a UTC offset",
        ));
    }
    let offset = offset_seconds(&offset)?;
    Ok((local.map_or_else(|| naive_datetime_of(obj), Ok)?, offset))
}

impl<'ctx> FromHPy<'_, 'ctx> for DateTime<FixedOffset> {
    /// An aware `datetime`, at its `utcoffset()`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (local, offset) = aware_parts(obj)?;
        let offset = fixed_offset(offset)?;
        local
            .and_local_timezone(offset)
            .single()
            .ok_or_else(|| HPyErr::value_error("datetime out of range for chrono"))
    }
}

impl<'ctx> IntoHPy<'ctx> for DateTime<FixedOffset> {
    /// An aware `datetime` with a `timezone` of that offset.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let tz = self.offset().into_hpy(ctx)?;
        new_datetime(ctx, &self.naive_local(), Some(tz))
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for DateTime<Utc> {
    /// An aware `datetime` whose `tzinfo` is `timezone.utc` (`ValueError`
    /// for another zone, as PyO3; convert with `astimezone` first).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        // `timezone.utc` itself: its offset is 0, no need to ask.
        if let Some(Ok((local, Some(tz)))) = fast_datetime(obj) {
            let is_utc = match datetime_api(obj.context()) {
                Some(api) => api.is_utc(&tz),
                None => tz.is(&utc(obj.context())?),
            };
            if is_utc {
                return Ok(local.and_utc());
            }
        }
        let (local, offset) = aware_parts(obj)?;
        Utc::extract(&obj.get_attr_s("tzinfo")?)?;
        debug_assert_eq!(offset, 0);
        Ok(local.and_utc())
    }
}

impl<'ctx> IntoHPy<'ctx> for DateTime<Utc> {
    /// An aware `datetime` with `tzinfo=timezone.utc`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_datetime(ctx, &self.naive_utc(), Some(utc(ctx)?))
    }
}

// ---- time zones ----

impl<'ctx> FromHPy<'_, 'ctx> for FixedOffset {
    /// A `tzinfo` with a fixed offset (`utcoffset(None)` is a
    /// `timedelta`), such as a `datetime.timezone`; anything else is a
    /// `TypeError`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::TzInfo.check(obj)?;
        let ctx = obj.context();
        let delta = obj.call_method1("utcoffset", (ctx.none(),))?;
        if delta.is_none() {
            return Err(HPyErr::type_error(format!(
                "{} has no fixed UTC offset",
                obj.type_name()
            )));
        }
        fixed_offset(offset_seconds(&delta)?)
    }
}

impl<'ctx> IntoHPy<'ctx> for FixedOffset {
    /// `datetime.timezone(timedelta(seconds=...))`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&self).into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &FixedOffset {
    /// `datetime.timezone(timedelta(seconds=...))`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let delta = new_timedelta(ctx, 0, i64::from(self.local_minus_utc()), 0)?;
        if let Some(api) = datetime_api(ctx) {
            return api.new_timezone(ctx, &delta);
        }
        StdClass::TimeZone.get(ctx)?.call(&[&delta])
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Utc {
    /// `datetime.timezone.utc` (any `tzinfo` equal to it).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let utc = utc(obj.context())?;
        if obj.is(&utc) || obj.rich_compare_bool(&utc, crate::RichCompareOp::Eq)? {
            Ok(Utc)
        } else {
            Err(HPyErr::value_error(format!(
                "expected datetime.timezone.utc, got {}",
                obj.repr()?
            )))
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for Utc {
    /// `datetime.timezone.utc`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        utc(ctx)
    }
}

// ---- TimeDelta ----

impl<'ctx> FromHPy<'_, 'ctx> for TimeDelta {
    /// A `timedelta` (every one fits).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (days, seconds, micros) = timedelta_parts(obj)?;
        TimeDelta::try_days(days)
            .and_then(|d| d.checked_add(&TimeDelta::seconds(seconds)))
            .and_then(|d| d.checked_add(&TimeDelta::microseconds(micros)))
            .ok_or_else(|| HPyErr::overflow_error("timedelta out of range for chrono"))
    }
}

impl<'ctx> IntoHPy<'ctx> for TimeDelta {
    /// A `timedelta`; nanoseconds below a microsecond are dropped
    /// (towards zero, as PyO3); beyond `timedelta`'s range is an
    /// `OverflowError`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let days = self.num_days();
        let rest = self - TimeDelta::days(days);
        let seconds = rest.num_seconds();
        let micros = (rest - TimeDelta::seconds(seconds))
            .num_microseconds()
            .unwrap_or(0);
        new_timedelta(ctx, days, seconds, micros)
    }
}
