//! Feature `chrono-local`: `chrono::Local` ↔ the `zoneinfo.ZoneInfo` of
//! the system's time zone, and `DateTime<Local>` ↔ `datetime`.
//!
//! | Rust | Python |
//! |---|---|
//! | `Local` | `zoneinfo.ZoneInfo` of the system's IANA zone name (from Python: a `tzinfo` equal to it) |
//! | `DateTime<Local>` | aware `datetime` in that zone, or a naive `datetime` (read as local time) |
//!
//! Edges, as PyO3 0.30: the zone's name comes from the system
//! (`iana-time-zone`: `/etc/localtime` on Linux) and is read once; when it
//! cannot be read, converting `Local` is a `RuntimeError`. Unlike PyO3,
//! a `TZ` variable naming a zone wins, because chrono's `Local` takes its
//! offsets from it: the `tzinfo` then agrees with them. Another `tzinfo`
//! is a `ValueError` (convert with `astimezone()` first); see
//! `zoned.rs` for `fold` and gaps.

use std::borrow::Cow;
use std::sync::OnceLock;

use chrono::{DateTime, Local};

use super::zoned::{datetime_in_zone, zoned_into_hpy};
use crate::convert::datetime_fields::{tzinfo_of, zone_info};
use crate::convert::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy, RichCompareOp};

/// The name of the zone chrono's `Local` uses: the `TZ` variable's when
/// set (as chrono reads it: `:Area/City`, `Area/City`, or a path under a
/// `zoneinfo` directory), else the system's (`iana-time-zone`, read at the
/// first success).
fn local_zone_name() -> HPyResult<Cow<'static, str>> {
    if let Some(tz) = std::env::var_os("TZ") {
        let tz = tz.to_string_lossy();
        let tz = tz.strip_prefix(':').unwrap_or(&tz);
        let name = match tz.rsplit_once("zoneinfo/") {
            Some((_, name)) if tz.starts_with('/') => name,
            _ if tz.is_empty() => "UTC",
            _ => tz,
        };
        return Ok(Cow::Owned(name.to_owned()));
    }
    static NAME: OnceLock<String> = OnceLock::new();
    if let Some(name) = NAME.get() {
        return Ok(Cow::Borrowed(name));
    }
    let name = iana_time_zone::get_timezone()
        .map_err(|e| HPyErr::runtime_error(format!("could not get the local time zone: {e}")))?;
    Ok(Cow::Borrowed(NAME.get_or_init(|| name)))
}

impl<'ctx> FromHPy<'_, 'ctx> for Local {
    /// A `tzinfo` equal to the local zone's `ZoneInfo` (`ValueError`
    /// otherwise).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let name = local_zone_name()?;
        let local = zone_info(obj.context(), &name)?;
        if obj.is(&local) || obj.rich_compare_bool(&local, RichCompareOp::Eq)? {
            Ok(Local)
        } else {
            Err(HPyErr::value_error(format!(
                "expected the local time zone {name}, got {}",
                obj.repr()?
            )))
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for Local {
    /// `zoneinfo.ZoneInfo(<the system's zone name>)`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        zone_info(ctx, &local_zone_name()?)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for DateTime<Local> {
    /// A `datetime` in the local zone, or a naive one read as local time;
    /// `fold` respected.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        StdClass::DateTime.check(obj)?;
        if let Some(tz) = tzinfo_of(obj)? {
            Local::extract(&tz)?;
        }
        datetime_in_zone(obj, Local)
    }
}

impl<'ctx> IntoHPy<'ctx> for DateTime<Local> {
    /// An aware `datetime` with the local zone's `ZoneInfo`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let tz = Local.into_hpy(ctx)?;
        zoned_into_hpy(ctx, &self, tz)
    }
}
