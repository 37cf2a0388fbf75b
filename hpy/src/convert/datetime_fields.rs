//! The fields of Python's `date`, `time`, `datetime` and `tzinfo` objects
//! as plain integers, and those objects built from plain integers: what the
//! `jiff-02` and `time` conversions share (each crate's own types are
//! built in its file), plus `zoneinfo.ZoneInfo` for every feature that
//! converts a named time zone (`chrono-tz`, `chrono-local`, `jiff-02`).
//!
//! The objects are read through their attributes and built by calling
//! their classes, on both ABIs (as `chrono.rs` does).

#![allow(dead_code)] // which helpers are used depends on the features

use super::imported::StdClass;
use super::std::time::{new_timedelta, timedelta_parts, utc};
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle};

/// `(year, month, day)`.
pub(crate) type DateFields = (i32, u8, u8);
/// `(hour, minute, second, microsecond)`.
pub(crate) type TimeFields = (u8, u8, u8, u32);

fn attr<'ctx, T: for<'a> FromHPy<'a, 'ctx>>(obj: &Handle<'ctx>, name: &str) -> HPyResult<T> {
    obj.get_attr_s(name)?.extract()
}

/// The date fields of a `date` or `datetime` (not checked: see
/// [`StdClass::check`]).
pub(crate) fn date_fields(obj: &Handle<'_>) -> HPyResult<DateFields> {
    Ok((attr(obj, "year")?, attr(obj, "month")?, attr(obj, "day")?))
}

/// The time fields of a `time` or `datetime` (not checked).
pub(crate) fn time_fields(obj: &Handle<'_>) -> HPyResult<TimeFields> {
    Ok((
        attr(obj, "hour")?,
        attr(obj, "minute")?,
        attr(obj, "second")?,
        attr(obj, "microsecond")?,
    ))
}

/// The `fold` of a `time` or `datetime` (PEP 495: `True` for the second of
/// two equal wall-clock times).
pub(crate) fn fold_of(obj: &Handle<'_>) -> HPyResult<bool> {
    Ok(attr::<u8>(obj, "fold")? != 0)
}

/// The `tzinfo` of a `time` or `datetime`, `None` when naive.
pub(crate) fn tzinfo_of<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    let tz = obj.get_attr_s("tzinfo")?;
    Ok(if tz.is_none() { None } else { Some(tz) })
}

/// A `datetime`'s `tzinfo`, which must be there (`TypeError` for a naive
/// one, in PyO3's words).
pub(crate) fn required_tzinfo<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    tzinfo_of(obj)?.ok_or_else(|| HPyErr::type_error("expected a datetime with non-None tzinfo"))
}

/// Fails with `TypeError` for an aware `datetime` (PyO3's words).
pub(crate) fn require_naive(obj: &Handle<'_>) -> HPyResult<()> {
    match tzinfo_of(obj)? {
        None => Ok(()),
        Some(_) => Err(HPyErr::type_error("expected a datetime without tzinfo")),
    }
}

/// Seconds east of UTC of a `timedelta` that is a UTC offset; the
/// microseconds are dropped (no Rust offset type holds them), as PyO3
/// does.
pub(crate) fn offset_seconds(delta: &Handle<'_>) -> HPyResult<i32> {
    let (days, seconds, _micros) = timedelta_parts(delta)?;
    // A tzinfo's offset is strictly within a day (datetime checks it).
    i32::try_from(days * 86_400 + seconds)
        .map_err(|_| HPyErr::value_error("UTC offset out of range"))
}

/// The offset of a `tzinfo` that has one whatever the date
/// (`utcoffset(None)`, as `datetime.timezone`); `TypeError` for another
/// object or a zone whose offset depends on the date.
pub(crate) fn fixed_offset_seconds(tz: &Handle<'_>) -> HPyResult<i32> {
    StdClass::TzInfo.check(tz)?;
    let ctx = tz.context();
    let delta = tz.call_method1("utcoffset", (ctx.none(),))?;
    if delta.is_none() {
        return Err(HPyErr::type_error(format!(
            "{} is not a fixed offset timezone",
            tz.repr()?
        )));
    }
    offset_seconds(&delta)
}

/// The local fields, the offset and the `tzinfo` of an aware `datetime`
/// at its own `utcoffset()` (so `fold` picks one of two equal wall-clock
/// times); `TypeError` for a naive one.
pub(crate) fn aware_fields<'ctx>(
    obj: &Handle<'ctx>,
) -> HPyResult<(DateFields, TimeFields, i32, Handle<'ctx>)> {
    StdClass::DateTime.check(obj)?;
    let tz = required_tzinfo(obj)?;
    let delta = obj.call_method0("utcoffset")?;
    if delta.is_none() {
        return Err(HPyErr::type_error(
            "expected a datetime whose tzinfo gives a UTC offset",
        ));
    }
    Ok((
        date_fields(obj)?,
        time_fields(obj)?,
        offset_seconds(&delta)?,
        tz,
    ))
}

/// Fails with `ValueError` unless `tz` equals `datetime.timezone.utc`.
pub(crate) fn require_utc(tz: &Handle<'_>) -> HPyResult<()> {
    let utc = utc(tz.context())?;
    if tz.is(&utc) || tz.rich_compare_bool(&utc, crate::RichCompareOp::Eq)? {
        Ok(())
    } else {
        Err(HPyErr::value_error("expected a datetime with UTC timezone"))
    }
}

/// `datetime.date(year, month, day)`: `ValueError` for a year outside
/// 1-9999.
pub(crate) fn new_date(ctx: Context<'_>, (y, m, d): DateFields) -> HPyResult<Handle<'_>> {
    StdClass::Date.get(ctx)?.call1((y, m, d))
}

/// A naive `datetime.time`.
pub(crate) fn new_time(ctx: Context<'_>, (h, mi, s, us): TimeFields) -> HPyResult<Handle<'_>> {
    StdClass::Time.get(ctx)?.call1((h, mi, s, us))
}

/// `datetime.datetime(...)`, naive or with `tz`, and `fold=1` when `fold`.
pub(crate) fn new_datetime<'ctx>(
    ctx: Context<'ctx>,
    (y, mo, d): DateFields,
    (h, mi, s, us): TimeFields,
    tz: Option<&Handle<'ctx>>,
    fold: bool,
) -> HPyResult<Handle<'ctx>> {
    let class = StdClass::DateTime.get(ctx)?;
    let none = ctx.none();
    let tz = tz.unwrap_or(&none);
    if fold {
        class.call_with((y, mo, d, h, mi, s, us, tz), (("fold", 1),))
    } else {
        class.call1((y, mo, d, h, mi, s, us, tz))
    }
}

/// `datetime.timezone.utc` for 0, else `datetime.timezone(timedelta(seconds=...))`.
pub(crate) fn fixed_timezone(ctx: Context<'_>, seconds: i32) -> HPyResult<Handle<'_>> {
    if seconds == 0 {
        return utc(ctx);
    }
    let delta = new_timedelta(ctx, 0, i64::from(seconds), 0)?;
    StdClass::TimeZone.get(ctx)?.call(&[&delta])
}

/// `zoneinfo.ZoneInfo(key)` (`ZoneInfoNotFoundError`, a `KeyError`, when
/// Python's time zone database has no such zone).
pub(crate) fn zone_info<'ctx>(ctx: Context<'ctx>, key: &str) -> HPyResult<Handle<'ctx>> {
    StdClass::ZoneInfo.get(ctx)?.call1((key,))
}

/// A `timedelta` split as PyO3 splits a Rust duration: whole days and
/// seconds towards zero, then the microseconds (same sign); Python
/// normalises it and raises `OverflowError` beyond `timedelta`'s range.
pub(crate) fn timedelta_from_seconds(
    ctx: Context<'_>,
    seconds: i64,
    micros: i64,
) -> HPyResult<Handle<'_>> {
    new_timedelta(ctx, seconds / 86_400, seconds % 86_400, micros)
}

/// `(seconds, microseconds)` of a `timedelta`, both of its sign's side
/// (`seconds = days * 86400 + seconds`, `0 <= microseconds < 10**6`).
pub(crate) fn timedelta_seconds(obj: &Handle<'_>) -> HPyResult<(i64, i64)> {
    let (days, seconds, micros) = timedelta_parts(obj)?;
    Ok((days * 86_400 + seconds, micros))
}
