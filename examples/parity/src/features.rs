//! One function per conversion feature of hpy (PyO3's feature names): the
//! types of `num-bigint`, `chrono`, `rust_decimal`, `uuid`, `serde`,
//! `anyhow`/`eyre`, and std's `Duration` and `IpAddr`, as parameters and
//! return values.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use hpy::serde::Serde;
use hpy::{hpy_method, HPyErr, HPyResult};
use num_bigint::BigUint;
use rust_decimal::Decimal;
use uuid::Uuid;

/// `n!` of any size (`num-bigint`): `factorial(30) == math.factorial(30)`.
#[hpy_method]
pub fn factorial(n: u32) -> BigUint {
    (1..=n).map(BigUint::from).product()
}

/// The date `days` after `d` (`chrono`).
#[hpy_method]
pub fn add_days(d: NaiveDate, days: i64) -> HPyResult<NaiveDate> {
    TimeDelta::try_days(days)
        .and_then(|delta| d.checked_add_signed(delta))
        .ok_or_else(|| HPyErr::overflow_error("date out of range"))
}

/// Whole seconds since the Unix epoch of an aware UTC datetime (`chrono`).
#[hpy_method]
pub fn epoch_seconds(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The exact sum of prices (`rust_decimal`).
#[hpy_method]
pub fn total(prices: Vec<Decimal>) -> Decimal {
    prices.into_iter().sum()
}

/// The version of a UUID (`uuid`): `uuid_version(uuid.uuid4()) == 4`.
#[hpy_method]
pub fn uuid_version(u: Uuid) -> usize {
    u.get_version_num()
}

/// A serde struct from and to a dict (`serde`).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Order {
    item: String,
    quantity: u32,
    notes: Option<String>,
}

/// Doubles an order's quantity: `{"item": "tea", "quantity": 2, "notes":
/// None}` → quantity 4.
#[hpy_method]
pub fn double_order(order: Serde<Order>) -> Serde<Order> {
    let mut o = order.0;
    o.quantity *= 2;
    Serde(o)
}

/// A port number parsed with `?` on std errors (`anyhow`): a bad one is a
/// `RuntimeError` whose message is the error chain.
#[hpy_method]
pub fn parse_port(text: &str) -> anyhow::Result<u16> {
    use anyhow::Context as _;
    text.parse::<u16>()
        .with_context(|| format!("bad port {text:?}"))
}

/// A ratio `a/b` parsed with `eyre`.
#[hpy_method]
pub fn parse_ratio(text: &str) -> eyre::Result<f64> {
    let (a, b) = text
        .split_once('/')
        .ok_or_else(|| eyre::eyre!("expected a/b, got {text:?}"))?;
    Ok(a.trim().parse::<f64>()? / b.trim().parse::<f64>()?)
}

/// Half a `timedelta` (std's `Duration`).
#[hpy_method]
pub fn half_duration(d: Duration) -> Duration {
    d / 2
}

/// Whether an address is loopback (std's `IpAddr`, from an `ipaddress`
/// object or a str).
#[hpy_method]
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}
