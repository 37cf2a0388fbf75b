//! `DateTime<Tz>` for a chrono time zone with rules (`chrono_tz::Tz`,
//! `chrono::Local`) ↔ an aware `datetime` whose `tzinfo` is that zone's
//! `zoneinfo.ZoneInfo`: what features `chrono-tz` and `chrono-local` share.
//!
//! As PyO3 0.30: from Python, the `datetime`'s wall-clock time is placed in
//! the zone by chrono's rules, `fold` choosing between two equal
//! wall-clock times (PEP 495), and a time the zone skipped (a gap) is a
//! `ValueError`; to Python, the wall-clock time with the zone's
//! `tzinfo` and `fold=1` for the second of two equal times.

use chrono::{DateTime, LocalResult, Offset, TimeZone};

use super::{naive_datetime_of, new_datetime};
use crate::convert::datetime_fields::fold_of;
use crate::{Context, HPyErr, HPyResult, Handle};

/// The `datetime` `obj`'s wall-clock time in `tz`.
pub(in crate::convert) fn datetime_in_zone<Tz: TimeZone>(
    obj: &Handle<'_>,
    tz: Tz,
) -> HPyResult<DateTime<Tz>> {
    let local = naive_datetime_of(obj)?;
    match local.and_local_timezone(tz) {
        LocalResult::Single(dt) => Ok(dt),
        LocalResult::Ambiguous(first, second) => Ok(if fold_of(obj)? { second } else { first }),
        LocalResult::None => Err(HPyErr::value_error(format!(
            "{} is a time its time zone skips",
            obj.repr()?
        ))),
    }
}

/// An aware `datetime` of `dt`'s wall-clock time with the `tzinfo` `tz`.
pub(in crate::convert) fn zoned_into_hpy<'ctx, Tz: TimeZone>(
    ctx: Context<'ctx>,
    dt: &DateTime<Tz>,
    tz: Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let local = dt.naive_local();
    let second_of_two = matches!(
        dt.timezone().offset_from_local_datetime(&local),
        LocalResult::Ambiguous(_, later) if later.fix() == dt.offset().fix()
    );
    let obj = new_datetime(ctx, &local, Some(tz))?;
    if second_of_two {
        obj.call_method_with("replace", (), (("fold", 1),))
    } else {
        Ok(obj)
    }
}
