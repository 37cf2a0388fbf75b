//! `std::time`: `Duration` ↔ `datetime.timedelta`, `SystemTime` ↔
//! `datetime.datetime` (aware, UTC).
//!
//! As in PyO3: a `Duration` has nanoseconds and a `timedelta`
//! microseconds, so the nanoseconds below a microsecond are dropped
//! (truncated) on the way to Python; a negative `timedelta` is refused
//! with `ValueError`; a `SystemTime` before 1970 (or a naive `datetime`)
//! cannot be converted from Python.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::convert::imported::{datetime_api, StdClass};
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

const SECONDS_PER_DAY: u64 = 86_400;

/// `(days, seconds, microseconds)` of a `timedelta` (normalised by
/// Python: `0 <= seconds < 86400`, `0 <= microseconds < 10**6`).
///
/// Without the CPython ABI's C API, an exact `timedelta` is read by one
/// `td // timedelta(microseconds=1)` ([`exact_timedelta_parts`]); a
/// subclass by one call of a helper (`StdClass::TimeDeltaFields`), where
/// the attributes are three calls (on PyPy, whose `datetime` is written in
/// Python, each a property's function).
pub(crate) fn timedelta_parts(obj: &Handle<'_>) -> HPyResult<(i64, i64, i64)> {
    let ctx = obj.context();
    if let Some(api) = datetime_api(ctx) {
        if let Some(parts) = api.delta_fields(obj) {
            return Ok(parts);
        }
    } else {
        if let Some(parts) = exact_timedelta_parts(obj)? {
            return Ok(parts);
        }
        let packed = StdClass::TimeDeltaFields.get(ctx)?.call1((obj,))?;
        // `None` for another object; beyond 2**26 days the packed int
        // overflows 64 bits: the attributes are read then.
        if !packed.is_none() {
            if let Ok(packed) = packed.extract::<i64>() {
                return Ok((packed >> 37, (packed >> 20) & 0x1_ffff, packed & 0xf_ffff));
            }
        }
    }
    StdClass::TimeDelta.check(obj)?;
    Ok((
        obj.get_attr_s("days")?.extract()?,
        obj.get_attr_s("seconds")?.extract()?,
        obj.get_attr_s("microseconds")?.extract()?,
    ))
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The parts of an exact `timedelta` from its whole microseconds, `obj //
/// timedelta(microseconds=1)` (`HPy_FloorDivide`: the class's own
/// `__floordiv__`; on PyPy faster than the call of a helper: about 1000
/// against 1150 ns for the echo, conv_designs.c's `floordiv` and `helper`
/// in bench/conv-counts --pypy). `None` for another type (a subclass may
/// have its own `__floordiv__`) and beyond an `i64` of microseconds (about
/// 292,000 years).
fn exact_timedelta_parts(obj: &Handle<'_>) -> HPyResult<Option<(i64, i64, i64)>> {
    let ctx = obj.context();
    if !obj.get_type().is(&StdClass::TimeDelta.get(ctx)?) {
        return Ok(None);
    }
    let micros = obj.floor_divide(&StdClass::MicroSecond.get(ctx)?)?;
    let Ok(micros) = micros.extract::<i64>() else {
        return Ok(None);
    };
    let rest = micros.rem_euclid(MICROS_PER_DAY);
    Ok(Some((
        micros.div_euclid(MICROS_PER_DAY),
        rest / 1_000_000,
        rest % 1_000_000,
    )))
}

/// The fields of a `datetime`: `((year, month, day), (hour, minute,
/// second, microsecond), fold, tzinfo)`.
#[allow(dead_code)] // used by the date/time features
pub(crate) type DateTimeState<'ctx> =
    ((i32, u8, u8), (u8, u8, u8, u32), bool, Option<Handle<'ctx>>);

/// The fields of a `datetime` (or subclass) read by one call of a helper
/// (`StdClass::DateTimeFields`: its public attributes packed into one
/// `int`, with a bit for `timezone.utc` and one for another `tzinfo`,
/// which is then read as an attribute); `None` for another object. For
/// the universal ABI, where `datetime` has no C API: one call instead of
/// eight attribute reads.
#[allow(dead_code)] // used by the date/time features
pub(crate) fn datetime_state<'ctx>(obj: &Handle<'ctx>) -> HPyResult<Option<DateTimeState<'ctx>>> {
    let ctx = obj.context();
    let fields = StdClass::DateTimeFields.get(ctx)?.call1((obj,))?;
    if fields.is_none() {
        return Ok(None);
    }
    let packed: u64 = fields.extract()?;
    let tz = if packed & 1 << 62 != 0 {
        Some(utc(ctx)?)
    } else if packed & 1 << 63 != 0 {
        Some(obj.get_attr_s("tzinfo")?)
    } else {
        None
    };
    let bits = |shift: u32, width: u32| (packed >> shift) & ((1 << width) - 1);
    Ok(Some((
        (bits(47, 14) as i32, bits(43, 4) as u8, bits(38, 5) as u8),
        (
            bits(33, 5) as u8,
            bits(27, 6) as u8,
            bits(21, 6) as u8,
            bits(1, 20) as u32,
        ),
        packed & 1 != 0,
        tz,
    )))
}

/// `datetime.timedelta(days, seconds, microseconds)`.
pub(crate) fn new_timedelta(
    ctx: Context<'_>,
    days: i64,
    seconds: i64,
    microseconds: i64,
) -> HPyResult<Handle<'_>> {
    if let Some(delta) =
        datetime_api(ctx).and_then(|api| api.new_delta(ctx, days, seconds, microseconds))
    {
        return delta;
    }
    // The whole in microseconds to a helper that calls the class
    // (`StdClass::NewTimeDelta`); the class itself past an `i64` of them,
    // which normalises the parts to the same days (and the same
    // `OverflowError` beyond `timedelta.max`).
    let total = days
        .checked_mul(MICROS_PER_DAY)
        .and_then(|us| us.checked_add(seconds.checked_mul(1_000_000)?))
        .and_then(|us| us.checked_add(microseconds));
    match total {
        Some(total) => StdClass::NewTimeDelta.get(ctx)?.call1((total,)),
        None => StdClass::TimeDelta
            .get(ctx)?
            .call1((days, seconds, microseconds)),
    }
}

/// A `datetime` from its pickle state, `datetime(state, tzinfo)` with the
/// ten bytes `datetime.__reduce__` gives (year big-endian in two bytes,
/// month, day, hour, minute, second, microsecond big-endian in three),
/// which every Python accepts, pickles being portable; through one call of
/// a helper (`StdClass::DateTimeFromState`). On PyPy that path skips
/// `datetime.__new__`'s field checks (bench/pypy-costs/conv_parts.py:
/// 370-440 ns against 850-900 for the class called with the fields; the
/// echo about 830 against 1270, conv_designs.c), and on every Python it
/// checks nothing but the month: `None` (the caller calls the class, which
/// raises its own error) unless the year is within 1-9999 and every field
/// within its range, and the day must be one of its month (the caller's
/// to ensure: chrono's dates are).
#[allow(dead_code)] // used by the chrono feature
pub(crate) fn new_datetime_from_state<'ctx>(
    ctx: Context<'ctx>,
    (y, mo, d): (i32, u32, u32),
    (h, mi, s, us): (u32, u32, u32, u32),
    tz: Option<&Handle<'ctx>>,
) -> Option<HPyResult<Handle<'ctx>>> {
    let valid = (1..=9999).contains(&y)
        && (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && h < 24
        && mi < 60
        && s < 60
        && us < 1_000_000;
    if !valid {
        return None;
    }
    let state = [
        (y >> 8) as u8,
        y as u8,
        mo as u8,
        d as u8,
        h as u8,
        mi as u8,
        s as u8,
        (us >> 16) as u8,
        (us >> 8) as u8,
        us as u8,
    ];
    let build = || {
        let state = super::bytes::bytes_from_slice(ctx, &state)?;
        let none = ctx.none();
        StdClass::DateTimeFromState
            .get(ctx)?
            .call(&[&state, tz.unwrap_or(&none)])
    };
    Some(build())
}

/// `datetime.timezone.utc`.
pub(crate) fn utc(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    if let Some(api) = datetime_api(ctx) {
        return Ok(api.utc(ctx));
    }
    StdClass::Utc.get(ctx)
}

/// `datetime(1970, 1, 1, tzinfo=timezone.utc)`.
fn unix_epoch(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    let utc = utc(ctx)?;
    StdClass::DateTime
        .get(ctx)?
        .call_with((1970, 1, 1), (("tzinfo", utc),))
}

impl<'ctx> FromHPy<'_, 'ctx> for Duration {
    /// Accepts a `datetime.timedelta` that is not negative (`ValueError`
    /// otherwise).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let (days, seconds, micros) = timedelta_parts(obj)?;
        if days < 0 {
            return Err(HPyErr::value_error(
                "a negative timedelta cannot be converted to a Rust Duration",
            ));
        }
        // days <= 999999999 and the rest normalised: no overflow.
        Ok(Duration::new(
            days as u64 * SECONDS_PER_DAY + seconds as u64,
            micros as u32 * 1000,
        ))
    }
}

impl<'ctx> IntoHPy<'ctx> for Duration {
    /// A `timedelta`; nanoseconds below a microsecond are dropped, and a
    /// duration beyond `timedelta.max` raises `OverflowError`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let secs = self.as_secs();
        let days = i64::try_from(secs / SECONDS_PER_DAY)
            .map_err(|_| HPyErr::overflow_error("Duration too large for a timedelta"))?;
        new_timedelta(
            ctx,
            days,
            (secs % SECONDS_PER_DAY) as i64,
            i64::from(self.subsec_micros()),
        )
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for SystemTime {
    /// Accepts an aware `datetime.datetime` not before 1970-01-01 UTC (a
    /// naive one is a `TypeError`, an earlier one a `ValueError`).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        let ctx = obj.context();
        if obj.get_attr_s("tzinfo")?.is_none() {
            return Err(HPyErr::type_error(
                "a naive datetime cannot be converted to a SystemTime (give it a tzinfo)",
            ));
        }
        let since = obj.subtract(&unix_epoch(ctx)?)?;
        let since = Duration::extract(&since).map_err(|e| {
            if e.describe()
                .is_some_and(|(ty, _)| ty == hpy_sys::HPyConstant::ValueError)
            {
                HPyErr::value_error("a datetime before 1970 cannot be converted to a SystemTime")
            } else {
                e
            }
        })?;
        UNIX_EPOCH
            .checked_add(since)
            .ok_or_else(|| HPyErr::overflow_error("datetime out of range for a SystemTime"))
    }
}

impl<'ctx> IntoHPy<'ctx> for SystemTime {
    /// An aware `datetime` in UTC; nanoseconds below a microsecond are
    /// dropped; a time before 1970 works, one beyond year 9999 raises
    /// `OverflowError`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let epoch = unix_epoch(ctx)?;
        match self.duration_since(UNIX_EPOCH) {
            Ok(after) => epoch.add(&after.into_hpy(ctx)?),
            Err(before) => epoch.subtract(&before.duration().into_hpy(ctx)?),
        }
    }
}
