"""examples/parity's functions for hpy's optional conversion features (one
per feature: num-bigint, chrono, rust_decimal, uuid, serde, anyhow, eyre;
issue 41's num-complex, num-rational, bigdecimal, ordered-float, either,
bytes, indexmap, hashbrown, smallvec) and std's Duration and IpAddr."""

import datetime as dt
import decimal
import fractions
import ipaddress
import math
import uuid

import pytest


def test_num_bigint(parity):
    assert parity.factorial(0) == 1
    assert parity.factorial(30) == math.factorial(30)
    assert parity.factorial(500) == math.factorial(500)


def test_chrono(parity):
    assert parity.add_days(dt.date(2024, 2, 28), 1) == dt.date(2024, 2, 29)
    assert parity.add_days(dt.date(2024, 1, 1), -1) == dt.date(2023, 12, 31)
    with pytest.raises(ValueError):
        parity.add_days(dt.date(9999, 12, 31), 1)  # year 10000: Python refuses it
    t = dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)
    assert parity.epoch_seconds(t) == int(t.timestamp())
    with pytest.raises(TypeError):
        parity.epoch_seconds(dt.datetime(2024, 3, 1))


def test_rust_decimal(parity):
    D = decimal.Decimal
    assert parity.total([D("0.10"), D("0.20")]) == D("0.30")
    assert str(parity.total([D("0.10"), D("0.20")])) == "0.30"
    with pytest.raises(ValueError):
        parity.total([D("NaN")])


def test_uuid(parity):
    assert parity.uuid_version(uuid.uuid4()) == 4
    assert parity.uuid_version(uuid.uuid1()) == 1


def test_serde(parity):
    order = {"item": "tea", "quantity": 2, "notes": None}
    assert parity.double_order(order) == {"item": "tea", "quantity": 4, "notes": None}
    with pytest.raises(TypeError, match=r"^quantity: expected u32, got str$"):
        parity.double_order({"item": "tea", "quantity": "two", "notes": None})


def test_anyhow_eyre(parity):
    assert parity.parse_port("8080") == 8080
    with pytest.raises(RuntimeError, match='^bad port "99999": number too large'):
        parity.parse_port("99999")
    assert parity.parse_ratio("3 / 4") == 0.75
    with pytest.raises(RuntimeError, match="expected a/b"):
        parity.parse_ratio("3")


def test_std(parity):
    assert parity.half_duration(dt.timedelta(seconds=3)) == dt.timedelta(seconds=1.5)
    assert parity.is_loopback("127.0.0.1") is True
    assert parity.is_loopback(ipaddress.IPv6Address("::1")) is True
    assert parity.is_loopback(ipaddress.IPv4Address("10.0.0.1")) is False


# ---- issue 41: numbers, collections and byte buffers of other crates ----

def test_num_complex(parity):
    def roots(*abc):
        return sorted(parity.quadratic_roots(*abc), key=lambda z: (z.real, z.imag))

    assert roots(1, 0, 1) == [-1j, 1j]
    assert roots(1, -3, 2) == [1, 2]
    assert roots(1j, 0, 1j) == [-1j, 1j]
    assert all(type(z) is complex for z in parity.quadratic_roots(2, 1, 1))
    with pytest.raises(ValueError, match="a is 0"):
        parity.quadratic_roots(0, 1, 1)
    with pytest.raises(TypeError, match="must be complex, not str"):
        parity.quadratic_roots("1", 0, 0)


def test_num_rational(parity):
    F = fractions.Fraction
    assert parity.mediant(F(1, 2), F(2, 3)) == F(3, 5)
    assert parity.mediant(1, F(1, 2**100)) == F(2, 1 + 2**100)
    with pytest.raises(TypeError, match="must be fractions.Fraction or int, not float"):
        parity.mediant(0.5, 1)


def test_bigdecimal(parity):
    D = decimal.Decimal
    assert parity.round_places(D("2.675"), 2) == D("2.68")
    assert str(parity.round_places(D("2.665"), 2)) == "2.66"
    assert parity.round_places(D("1" * 60 + ".45"), 1) == D("1" * 60 + ".4")
    with pytest.raises(ValueError, match="NaN"):
        parity.round_places(D("NaN"), 1)


def test_ordered_float(parity):
    assert parity.median([3.0, 1.0, 2.0]) == 2.0
    assert parity.median([4, 1, 3, 2]) == 2.5
    with pytest.raises(ValueError, match="NaN"):
        parity.median([1.0, float("nan")])


def test_either(parity):
    assert parity.port_number(8080) == 8080
    assert parity.port_number("https") == 443
    with pytest.raises(ValueError, match="unknown service"):
        parity.port_number("gopher")
    with pytest.raises(TypeError, match="expected u16 or String, got float"):
        parity.port_number(1.5)


def test_bytes(parity):
    assert parity.frame(b"abc") == b"\x00\x00\x00\x03abc"
    assert parity.frame(bytearray(b"")) == b"\x00\x00\x00\x00"
    with pytest.raises(TypeError, match="must be bytes or bytearray, not str"):
        parity.frame("abc")


def test_indexmap_hashbrown(parity):
    counts = parity.word_counts("b a b c a b")
    assert counts == {"b": 3, "a": 2, "c": 1} and list(counts) == ["b", "a", "c"]
    assert parity.common_keys({"a": 1, "b": 2}, {"b": 0, "c": 0}) == {"b"}
    assert type(parity.common_keys({}, {})) is set


def test_smallvec(parity):
    assert parity.top_n([3, 1, 4, 1, 5, 9, 2, 6], 3) == [9, 6, 5]
    assert parity.top_n(range(20), 2) == [19, 18]
    with pytest.raises(TypeError):
        parity.top_n("321", 1)
# ---- chrono-tz, chrono-local, jiff-02, time (examples/parity/src/dates.rs) ----

def named_zone(name):
    zoneinfo = pytest.importorskip("zoneinfo", reason="zoneinfo is needed for named zones")
    try:
        return zoneinfo.ZoneInfo(name)
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip(f"no time zone database on this machine (no {name})")


def test_chrono_tz(parity):
    tokyo = named_zone("Asia/Tokyo")
    t = dt.datetime(2024, 3, 1, 20, tzinfo=dt.timezone.utc)
    r = parity.in_zone(t, tokyo)
    assert r == t and r.tzinfo is tokyo and (r.day, r.hour) == (2, 5)
    with pytest.raises(TypeError):
        parity.in_zone(dt.datetime(2024, 3, 1), tokyo)


def test_chrono_local(parity):
    t = parity.as_local(dt.datetime(2024, 3, 1, 12))  # naive: local time
    assert t.tzinfo is not None and t.replace(tzinfo=None) == dt.datetime(2024, 3, 1, 12)
    assert parity.as_local(t) == t


def test_jiff(parity):
    ny = named_zone("America/New_York")
    # 12:00 EST on Feb 15 -> 12:00 EDT on Mar 15 (28 days and 23 hours later).
    t = dt.datetime(2024, 2, 15, 12, tzinfo=ny)
    r = parity.one_month_later(t)
    assert r == dt.datetime(2024, 3, 15, 12, tzinfo=ny)
    # (Python subtracts two times of one zone by wall clock: compare instants.)
    assert r.utcoffset() == dt.timedelta(hours=-4)
    assert r.timestamp() - t.timestamp() == (28 * 24 + 23) * 3600
    with pytest.raises(ValueError):  # year 10000
        parity.one_month_later(dt.datetime(9999, 12, 15, tzinfo=dt.timezone.utc))


def test_time(parity):
    assert parity.days_between(dt.date(2024, 1, 1), dt.date(2025, 1, 1)) == 366
    assert parity.days_between(dt.date.max, dt.date.min) == -(dt.date.max - dt.date.min).days
    with pytest.raises(TypeError):
        parity.days_between("2024-01-01", dt.date(2024, 1, 1))
