//! One function per conversion feature of hpy (PyO3's feature names): the
//! types of `num-bigint`, `chrono`, `rust_decimal`, `uuid`, `serde`,
//! `anyhow`/`eyre`, std's `Duration` and `IpAddr`, and issue 41's
//! `num-complex`, `num-rational`, `bigdecimal`, `ordered-float`, `either`,
//! `bytes`, `indexmap`, `hashbrown`, `smallvec`, as parameters and return
//! values.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use hpy::serde::Serde;
use hpy::{hpy_method, HPyErr, HPyResult};
use num_bigint::BigUint;
use rust_decimal::Decimal;
use uuid::Uuid;

use bigdecimal::BigDecimal;
use bytes::{Bytes, BytesMut};
use either::Either;
use indexmap::IndexMap;
use num_bigint::BigInt;
use num_complex::Complex;
use num_rational::Ratio;
use ordered_float::NotNan;
use smallvec::SmallVec;

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

// ---- issue 41: numbers, collections and byte buffers of other crates ----

/// The roots of `a·x² + b·x + c` over the complex numbers (`num-complex`):
/// `quadratic_roots(1, 0, 1) == [1j, -1j]`.
#[hpy_method]
pub fn quadratic_roots(
    a: Complex<f64>,
    b: Complex<f64>,
    c: Complex<f64>,
) -> HPyResult<Vec<Complex<f64>>> {
    if a == Complex::new(0.0, 0.0) {
        return Err(HPyErr::value_error("not a quadratic: a is 0"));
    }
    let root = (b * b - a * c * 4.0).sqrt();
    Ok(vec![(-b + root) / (a * 2.0), (-b - root) / (a * 2.0)])
}

/// The mediant of two fractions (`num-rational`): `(a+c)/(b+d)` of `a/b`
/// and `c/d`, exact at any size.
#[hpy_method]
pub fn mediant(x: Ratio<BigInt>, y: Ratio<BigInt>) -> Ratio<BigInt> {
    Ratio::new(x.numer() + y.numer(), x.denom() + y.denom())
}

/// `x` rounded half-even to `places` decimal places (`bigdecimal`), exact
/// at any precision.
#[hpy_method]
pub fn round_places(x: BigDecimal, places: i64) -> BigDecimal {
    x.with_scale_round(places, bigdecimal::RoundingMode::HalfEven)
}

/// The median of floats that must not be NaN (`ordered-float`): NaN is a
/// `ValueError` at the boundary.
#[hpy_method]
pub fn median(values: Vec<NotNan<f64>>) -> HPyResult<f64> {
    let mut values = values;
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => Err(HPyErr::value_error("median of no values")),
        _ if n % 2 == 1 => Ok(values[n / 2].into_inner()),
        _ => Ok((values[n / 2 - 1].into_inner() + values[n / 2].into_inner()) / 2.0),
    }
}

/// A port given as a number or as a service name (`either`):
/// `port_number(8080) == 8080`, `port_number("https") == 443`.
#[hpy_method]
pub fn port_number(port: Either<u16, String>) -> HPyResult<u16> {
    match port {
        Either::Left(n) => Ok(n),
        Either::Right(name) => match name.as_str() {
            "http" => Ok(80),
            "https" => Ok(443),
            "ssh" => Ok(22),
            _ => Err(HPyErr::value_error(format!("unknown service {name:?}"))),
        },
    }
}

/// A length-prefixed frame (`bytes`): 4 big-endian length bytes, then the
/// payload.
#[hpy_method]
pub fn frame(payload: Bytes) -> HPyResult<BytesMut> {
    let len = u32::try_from(payload.len())
        .map_err(|_| HPyErr::overflow_error("payload longer than 4 GiB"))?;
    let mut out = BytesMut::with_capacity(4 + payload.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// How often each word occurs, in order of first appearance (`indexmap`).
#[hpy_method]
pub fn word_counts(text: &str) -> IndexMap<String, usize> {
    let mut counts = IndexMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word.to_owned()).or_insert(0) += 1;
    }
    counts
}

/// The keys present in both dicts (`hashbrown`), as a set.
#[hpy_method]
pub fn common_keys(
    a: hashbrown::HashMap<String, i64>,
    b: hashbrown::HashMap<String, i64>,
) -> hashbrown::HashSet<String> {
    a.into_keys().filter(|k| b.contains_key(k)).collect()
}

/// The `n` largest ints, largest first (`smallvec`: up to 8 stay on the
/// stack).
#[hpy_method]
pub fn top_n(values: SmallVec<[i64; 8]>, n: usize) -> SmallVec<[i64; 8]> {
    let mut values = values;
    values.sort_unstable_by(|a, b| b.cmp(a));
    values.truncate(n);
    values
}
