//! Feature `chrono-tz`: `chrono_tz::Tz` ↔ `zoneinfo.ZoneInfo`, and
//! `DateTime<Tz>` ↔ an aware `datetime` in such a zone.
//!
//! | Rust | Python |
//! |---|---|
//! | `Tz` | `zoneinfo.ZoneInfo` (from Python: any object whose `key` names a zone chrono-tz knows) |
//! | `DateTime<Tz>` | aware `datetime` whose `tzinfo` converts to a `Tz` |
//!
//! Edges, as PyO3 0.30: a `key` chrono-tz does not know is a `ValueError`,
//! an object without `key` (a `datetime.timezone`) an `AttributeError`,
//! a naive `datetime` a `TypeError`; see `chrono/zoned.rs` for `fold` and
//! gaps, and the `chrono` feature for nanoseconds, leap seconds and years.
//! The zone's rules are chrono-tz's own database (compiled in), those of
//! the `ZoneInfo` are Python's (the system's or the `tzdata` package): two
//! versions of the database may disagree on a zone's history.

use std::str::FromStr;

use chrono::DateTime;
use chrono_tz::Tz;

use super::chrono::zoned::{datetime_in_zone, zoned_into_hpy};
use super::datetime_fields::{required_tzinfo, zone_info};
use super::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

impl<'ctx> FromHPy<'_, 'ctx> for Tz {
    /// The zone named by `obj.key` (a `zoneinfo.ZoneInfo`'s name).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let key = obj.get_attr_s("key")?;
        let name: &str = key.extract()?;
        Tz::from_str(name).map_err(|e| HPyErr::value_error(e.to_string()))
    }
}

impl<'ctx> IntoHPy<'ctx> for Tz {
    /// `zoneinfo.ZoneInfo(name)` (`ZoneInfoNotFoundError` when Python's
    /// database lacks the zone).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        zone_info(ctx, self.name())
    }
}

impl<'ctx> IntoHPy<'ctx> for &Tz {
    /// As `Tz`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (*self).into_hpy(ctx)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for DateTime<Tz> {
    /// An aware `datetime` whose `tzinfo` is a zone (`TypeError` for a
    /// naive one); its wall-clock time in that zone, `fold` respected.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        let tz = Tz::extract(&required_tzinfo(obj)?)?;
        datetime_in_zone(obj, tz)
    }
}

impl<'ctx> IntoHPy<'ctx> for DateTime<Tz> {
    /// An aware `datetime` with `tzinfo=ZoneInfo(name)`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let tz = self.timezone().into_hpy(ctx)?;
        zoned_into_hpy(ctx, &self, tz)
    }
}
