//! `hpyrs_features`: probes of hpy-rs's conversions of `std` types and of
//! the types of its optional features (`num-bigint`, `chrono`,
//! `rust_decimal`, `uuid`, `anyhow`, `eyre`; the number, collection and
//! byte-buffer features in `issue41.rs`; the date/time features in
//! `dates.rs`; cycles and deep nesting in `nesting.rs`), driven from
//! Python by `tests/python/test_conv_features.py` and
//! `tests/python/test_conv_nesting.py`.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::{NonZeroI64, NonZeroU8};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use hpy::{hpy_method, hpy_module, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};
use num_bigint::{BigInt, BigUint};
use rust_decimal::Decimal;
use uuid::Uuid;

include!("../../shared/echo.rs");

mod issue41;
use issue41::*;
mod dates;
mod nesting;
use dates::{
    chrono_local_at, chrono_tz_at, chrono_tz_names, echo_datetime_local, echo_datetime_tz,
    echo_jiff_date, echo_jiff_datetime, echo_jiff_iso_week_date, echo_jiff_offset,
    echo_jiff_signed_duration, echo_jiff_time, echo_jiff_timestamp, echo_jiff_timezone,
    echo_jiff_zoned, echo_local, echo_time_date, echo_time_duration, echo_time_offset_datetime,
    echo_time_primitive, echo_time_time, echo_time_utc_datetime, echo_time_utc_offset, echo_tz,
    jiff_date_from_ymd, jiff_duration_from_parts, jiff_posix_zone, jiff_span_text,
    jiff_time_from_nanos, jiff_zoned_at, time_date_from_ymd, time_duration_from_parts,
    time_time_from_nanos,
};
use nesting::{serde_nested, tree_chain, tree_size};

echo_functions! {
    echo_duration: Duration;
    echo_system_time: SystemTime;
    echo_ip: IpAddr;
    echo_ipv4: Ipv4Addr;
    echo_ipv6: Ipv6Addr;
    echo_nonzero_i64: NonZeroI64;
    echo_nonzero_u8: NonZeroU8;
    echo_bigint: BigInt;
    echo_biguint: BigUint;
    echo_date: NaiveDate;
    echo_time: NaiveTime;
    echo_naive_datetime: NaiveDateTime;
    echo_datetime_utc: DateTime<Utc>;
    echo_datetime_fixed: DateTime<FixedOffset>;
    echo_timedelta: TimeDelta;
    echo_fixed_offset: FixedOffset;
    echo_decimal: Decimal;
    echo_uuid: Uuid;
}

/// `(text, borrowed?)` of a `Cow<str>` parameter.
#[hpy_method]
fn cow_str(x: Cow<'_, str>) -> (String, bool) {
    let borrowed = matches!(x, Cow::Borrowed(_));
    (x.into_owned(), borrowed)
}

/// `(bytes, borrowed?)` of a `Cow<[u8]>` parameter, the bytes returned as
/// a `Cow` again.
#[hpy_method]
fn cow_bytes(x: Cow<'_, [u8]>) -> (Cow<'static, [u8]>, bool) {
    let borrowed = matches!(x, Cow::Borrowed(_));
    (Cow::Owned(x.into_owned()), borrowed)
}

/// `Duration::new(secs, nanos)` to Python (nanoseconds truncated).
#[hpy_method]
fn duration_from_parts(secs: u64, nanos: u32) -> Duration {
    Duration::new(secs, nanos)
}

/// A `NaiveTime` with nanoseconds (≥ 10⁹ for a leap second).
#[hpy_method]
fn time_from_nanos(h: u32, m: u32, s: u32, nanos: u32) -> HPyResult<NaiveTime> {
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
        .ok_or_else(|| hpy::HPyErr::value_error("invalid time"))
}

/// A `NaiveDate` from its parts (any year chrono has).
#[hpy_method]
fn date_from_ymd(y: i32, m: u32, d: u32) -> HPyResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| hpy::HPyErr::value_error("invalid date"))
}

/// A `NaiveDateTime` at 01:02:03.000004 of a date (any year chrono has).
#[hpy_method]
fn naive_datetime_from_ymd(y: i32, m: u32, d: u32) -> HPyResult<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_micro_opt(1, 2, 3, 4))
        .ok_or_else(|| hpy::HPyErr::value_error("invalid date"))
}

/// A `TimeDelta` of `nanos` nanoseconds.
#[hpy_method]
fn timedelta_from_nanos(nanos: i64) -> TimeDelta {
    TimeDelta::nanoseconds(nanos)
}

/// The decimal string of an int, read as a `BigInt` (checks the
/// conversion against Python's own `str`).
#[hpy_method]
fn bigint_to_string(x: BigInt) -> String {
    x.to_string()
}

/// A `BigInt` parsed from decimal text (checks the conversion back).
#[hpy_method]
fn bigint_from_string(s: &str) -> HPyResult<BigInt> {
    s.parse::<BigInt>()
        .map_err(|e| hpy::HPyErr::value_error(e.to_string()))
}

/// `anyhow`: parses an int, `?` on a `ParseIntError` and on a plain
/// `anyhow!` error.
#[hpy_method]
fn anyhow_parse(s: &str) -> anyhow::Result<i64> {
    use anyhow::Context as _;
    if s == "fail" {
        anyhow::bail!("failed on purpose");
    }
    let v: i64 = s.parse().context("while parsing")?;
    Ok(v)
}

/// `anyhow`: an I/O error, wrapped with context.
#[hpy_method]
fn anyhow_open(path: &str) -> anyhow::Result<u64> {
    use anyhow::Context as _;
    let meta = std::fs::metadata(path).with_context(|| format!("opening {path}"))?;
    Ok(meta.len())
}

/// `eyre`: parses an int, `?` on a `ParseIntError` and on a plain
/// `eyre!` error.
#[hpy_method]
fn eyre_parse(s: &str) -> eyre::Result<i64> {
    use eyre::WrapErr as _;
    if s == "fail" {
        eyre::bail!("failed on purpose");
    }
    let v: i64 = s.parse().wrap_err("while parsing")?;
    Ok(v)
}

// ---- derive options ----

/// `#[hpy(transparent)]` on a tuple struct: converts as its `f64`.
#[derive(FromHPy, IntoHPy)]
#[hpy(transparent)]
struct Meters(f64);

/// `#[hpy(transparent)]` on a struct with one named field.
#[derive(FromHPy, IntoHPy)]
#[hpy(transparent)]
struct Name {
    inner: String,
}

/// A `from_py_with` function: a hexadecimal string.
fn parse_hex(obj: &Handle<'_>) -> HPyResult<u32> {
    let text: &str = obj.extract()?;
    u32::from_str_radix(text, 16)
        .map_err(|_| HPyErr::value_error(format!("not hexadecimal: {text:?}")))
}

fn default_user() -> String {
    String::from("anonymous")
}

/// Items with a `from_py_with` field and two defaults.
#[derive(FromHPy)]
#[hpy(from_item_all)]
struct Config {
    #[hpy(from_py_with = parse_hex)]
    color: u32,
    #[hpy(default)]
    retries: u32,
    #[hpy(default = default_user())]
    user: String,
}

/// Attributes, one with a default expression.
#[derive(FromHPy)]
struct Options {
    #[hpy(default = 8)]
    width: i64,
    #[hpy(attribute = "label", default)]
    name: Option<String>,
}

/// A generic tuple struct.
#[derive(FromHPy, IntoHPy)]
struct Pair<T>(T, T);

/// A generic struct with named fields.
#[derive(FromHPy, IntoHPy)]
struct Tagged<T> {
    tag: String,
    value: T,
}

/// Doubles a `Meters`.
#[hpy_method]
fn double_meters(m: Meters) -> Meters {
    Meters(m.0 * 2.0)
}

/// Upper-cases a `Name`.
#[hpy_method]
fn shout(n: Name) -> Name {
    Name {
        inner: n.inner.to_uppercase(),
    }
}

/// `(color, retries, user)` of a `Config` dict.
#[hpy_method]
fn config_parts(c: Config) -> (u32, u32, String) {
    (c.color, c.retries, c.user)
}

/// `(width, name)` of an object's attributes.
#[hpy_method]
fn options_parts(o: Options) -> (i64, Option<String>) {
    (o.width, o.name)
}

/// Swaps a `Pair<i64>`.
#[hpy_method]
fn swap_pair(p: Pair<i64>) -> Pair<i64> {
    Pair(p.1, p.0)
}

/// A `Tagged<Vec<String>>` read from attributes, written as a dict.
#[hpy_method]
fn retag(t: Tagged<Vec<String>>) -> Tagged<Vec<String>> {
    Tagged {
        tag: format!("{}!", t.tag),
        value: t.value,
    }
}

// ---- serde ----

include!("../../shared/serde_types.rs");

/// A `Settings` through `Serde<T>` both ways.
#[hpy_method]
fn serde_config(c: hpy::serde::Serde<Settings>) -> hpy::serde::Serde<Settings> {
    c
}

/// Any JSON-like value through `Serde<serde_json::Value>`.
#[hpy_method]
fn serde_json_value(
    v: hpy::serde::Serde<serde_json::Value>,
) -> hpy::serde::Serde<serde_json::Value> {
    v
}

/// `from_object` then `to_object` by hand: the sum of a Settings' sizes,
/// and the Settings' shape.
#[hpy_method]
fn serde_by_hand<'ctx>(obj: &Handle<'ctx>) -> HPyResult<(u64, Handle<'ctx>)> {
    let c: Settings = hpy::serde::from_object(obj)?;
    let total = c.sizes.iter().map(|&s| u64::from(s)).sum();
    Ok((total, hpy::serde::to_object(obj.context(), &c.shape)?))
}

/// Ten fields through serde both ways.
#[hpy_method]
fn serde_ten(t: hpy::serde::Serde<Ten>) -> hpy::serde::Serde<Ten> {
    t
}

hpy_module! {
    /// hpy-rs's std and optional-feature conversions.
    methods: [
        // issue 41 (src/issue41.rs)
        echo_complex64, echo_complex32, echo_ratio_i8, echo_ratio_i32, echo_ratio_i64,
        echo_ratio_isize, echo_ratio_bigint, echo_bigdecimal, echo_ordered_f64, echo_ordered_f32,
        echo_notnan_f64, echo_notnan_f32, echo_either_int_str, echo_either_list_float,
        echo_bytes_buf, echo_bytes_mut, echo_indexmap, echo_hashbrown_map, echo_hashbrown_set,
        echo_smallvec, echo_smallvec_bytes, echo_smallvec_str, complex_from_parts, ratio_parts,
        ratio_raw, bigdecimal_parts, bigdecimal_from_parts, either_side, indexmap_keys,
        hashbrown_frozenset, smallvec_spilled, bytes_mut_append,
        echo_duration, echo_system_time, echo_ip, echo_ipv4, echo_ipv6, echo_nonzero_i64,
        echo_nonzero_u8, echo_bigint, echo_biguint, echo_date, echo_time, echo_naive_datetime,
        echo_datetime_utc, echo_datetime_fixed, echo_timedelta, echo_fixed_offset, echo_decimal,
        echo_uuid, cow_str, cow_bytes, duration_from_parts, time_from_nanos, date_from_ymd,
        naive_datetime_from_ymd,
        timedelta_from_nanos, bigint_to_string, bigint_from_string, anyhow_parse, anyhow_open,
        eyre_parse, double_meters, shout, config_parts, options_parts, swap_pair, retag,
        serde_config, serde_json_value, serde_by_hand, serde_ten,
        // nesting.rs: bounded recursion
        tree_size, tree_chain, serde_nested,
        // dates.rs: chrono-tz, chrono-local, jiff-02, time
        echo_tz, echo_datetime_tz, echo_local, echo_datetime_local, chrono_tz_at, chrono_local_at,
        chrono_tz_names, echo_jiff_date, echo_jiff_iso_week_date, echo_jiff_time,
        echo_jiff_datetime, echo_jiff_zoned, echo_jiff_timestamp, echo_jiff_timezone,
        echo_jiff_offset, echo_jiff_signed_duration, jiff_span_text, jiff_zoned_at,
        jiff_time_from_nanos, jiff_date_from_ymd, jiff_duration_from_parts, jiff_posix_zone,
        echo_time_date, echo_time_time, echo_time_primitive, echo_time_offset_datetime,
        echo_time_utc_datetime, echo_time_utc_offset, echo_time_duration, time_time_from_nanos,
        time_date_from_ymd, time_duration_from_parts,
    ],
}
