"""Conversions of std types (Duration, SystemTime, ipaddress, NonZero, Cow)
and of hpy's optional features (num-bigint, chrono, rust_decimal, uuid,
anyhow, eyre) through tests/ext/hpyrs_features: round trips, the edges PyO3
0.30 documents (truncation, refusals, exception types), and property tests
over generated values where Hypothesis is installed."""

import datetime as dt
import decimal
import ipaddress
import sys
import uuid
import warnings

import contextlib

import pytest

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    # No deadline: a slow machine (or debug mode) must not fail a test.
    some = settings(max_examples=150, deadline=None)
except ImportError:  # .venv-3.12, -3.13, -3.15 have pytest only
    class _NoStrategies:
        """Stands for hypothesis.strategies: any use gives itself."""

        def __getattr__(self, name):
            return self

        def __call__(self, *args, **kwargs):
            return self

        __or__ = __call__

    st = _NoStrategies()

    def given(*strategies, **kw):
        return pytest.mark.skip(reason="property test: Hypothesis is not installed here "
                                "(`python -m pip install hypothesis`)")

    def some(test):
        return test

UTC = dt.timezone.utc


@contextlib.contextmanager
def raises_type(exc, match=None):
    """pytest.raises for exactly the class `exc` (not a subclass), the
    message searched for the regex `match`."""
    with pytest.raises(exc, match=match) as info:
        yield info
    assert info.type is exc, f"raised {info.type.__name__}, expected {exc.__name__}"


# ---- std: Duration <-> timedelta ----

def test_duration_round_trip(hpyrs_features):
    m = hpyrs_features
    for td in (dt.timedelta(0), dt.timedelta(days=3, seconds=5, microseconds=7),
               dt.timedelta.max):
        assert m.echo_duration(td) == td


def test_duration_truncates_nanoseconds(hpyrs_features):
    assert hpyrs_features.duration_from_parts(1, 999_999_999) == dt.timedelta(
        seconds=1, microseconds=999_999)


def test_duration_refusals(hpyrs_features):
    m = hpyrs_features
    with raises_type(ValueError, match="negative timedelta"):
        m.echo_duration(dt.timedelta(microseconds=-1))
    with raises_type(TypeError, match="must be datetime.timedelta, not int"):
        m.echo_duration(5)
    with raises_type(OverflowError):
        m.duration_from_parts(10**15, 0)


# ---- std: SystemTime <-> datetime ----

def test_system_time(hpyrs_features):
    m = hpyrs_features
    t = dt.datetime(2024, 2, 29, 12, 30, 1, 123456, tzinfo=UTC)
    assert m.echo_system_time(t) == t
    plus_one = dt.datetime(2024, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert m.echo_system_time(plus_one) == dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert m.echo_system_time(plus_one).tzinfo is UTC
    with raises_type(TypeError, match="naive datetime"):
        m.echo_system_time(dt.datetime(2024, 1, 1))
    with raises_type(ValueError, match="before 1970"):
        m.echo_system_time(dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC))
    with raises_type(TypeError):
        m.echo_system_time("2024-01-01")


# ---- std: ipaddress ----

def test_ip_addresses(hpyrs_features):
    m = hpyrs_features
    v4, v6 = ipaddress.IPv4Address("192.168.0.1"), ipaddress.IPv6Address("2001:db8::1")
    assert m.echo_ip(v4) == v4 and type(m.echo_ip(v4)) is ipaddress.IPv4Address
    assert m.echo_ip(v6) == v6 and type(m.echo_ip(v6)) is ipaddress.IPv6Address
    assert m.echo_ipv4("10.0.0.1") == ipaddress.IPv4Address("10.0.0.1")
    assert m.echo_ipv6("::1") == ipaddress.IPv6Address("::1")
    with raises_type(ValueError, match="expected an IPv4 address"):
        m.echo_ipv4(v6)
    with raises_type(ValueError, match="expected an IPv6 address"):
        m.echo_ipv6(v4)
    with raises_type(ValueError, match="invalid IP address"):
        m.echo_ip("not an address")


@given(st.ip_addresses())
@some
def test_ip_property(hpyrs_features, addr):
    assert hpyrs_features.echo_ip(addr) == addr


# ---- std: NonZero, Cow ----

def test_nonzero(hpyrs_features):
    m = hpyrs_features
    assert m.echo_nonzero_i64(-5) == -5
    assert m.echo_nonzero_u8(255) == 255
    with raises_type(ValueError, match="invalid zero value"):
        m.echo_nonzero_i64(0)
    with raises_type(OverflowError):
        m.echo_nonzero_u8(256)
    with raises_type(OverflowError):
        m.echo_nonzero_u8(-1)
    with raises_type(TypeError):
        m.echo_nonzero_i64(1.5)


def test_cow(hpyrs_features):
    m = hpyrs_features
    assert m.cow_str("héllo") == ("héllo", True)
    assert m.cow_bytes(b"ab") == (b"ab", True)
    assert m.cow_bytes(bytearray(b"ab")) == (b"ab", False)
    assert m.cow_bytes(memoryview(b"xyz")) == (b"xyz", False)
    with raises_type(TypeError):
        m.cow_bytes([1, 2])
    with raises_type(TypeError):
        m.cow_str(b"ab")


# ---- num-bigint ----

BIG = [0, 1, -1, 2**63 - 1, -2**63, 2**63, 2**64 - 1, 2**64, -2**64, 10**100, -10**100,
       2**10000 - 1, -(2**10000)]


def test_bigint_round_trip(hpyrs_features):
    m = hpyrs_features
    for v in BIG:
        assert m.echo_bigint(v) == v
        assert m.bigint_to_string(v) == str(v)
        assert m.bigint_from_string(str(v)) == v
        if v >= 0:
            assert m.echo_biguint(v) == v


def test_bigint_index_and_refusals(hpyrs_features):
    m = hpyrs_features

    class Idx:
        def __index__(self):
            return 2**100

    assert m.echo_bigint(Idx()) == 2**100
    assert m.echo_biguint(Idx()) == 2**100
    assert m.echo_bigint(True) == 1
    for neg in (-1, -2**64, -2**1000):
        with raises_type(OverflowError, match="negative"):
            m.echo_biguint(neg)
    for bad in (1.0, "1", None):
        with raises_type(TypeError):
            m.echo_bigint(bad)
        with raises_type(TypeError):
            m.echo_biguint(bad)


@given(st.integers(min_value=0, max_value=10000).flatmap(
    lambda bits: st.integers(min_value=-(2**bits), max_value=2**bits)))
@some
def test_bigint_property(hpyrs_features, v):
    m = hpyrs_features
    assert m.echo_bigint(v) == v
    assert m.bigint_to_string(v) == str(v)
    if v >= 0:
        assert m.echo_biguint(v) == v
    else:
        with raises_type(OverflowError):
            m.echo_biguint(v)


# ---- chrono ----

def test_chrono_naive(hpyrs_features):
    m = hpyrs_features
    for d in (dt.date.min, dt.date(2024, 2, 29), dt.date.max):
        assert m.echo_date(d) == d and type(m.echo_date(d)) is dt.date
    assert m.echo_date(dt.datetime(2024, 5, 6, 7)) == dt.date(2024, 5, 6)
    for t in (dt.time(0), dt.time(23, 59, 59, 999999), dt.time(12, 0, 1, 5)):
        assert m.echo_time(t) == t
    for x in (dt.datetime.min, dt.datetime.max, dt.datetime(2000, 1, 2, 3, 4, 5, 6)):
        assert m.echo_naive_datetime(x) == x
    with raises_type(TypeError, match="without tzinfo"):
        m.echo_naive_datetime(dt.datetime(2000, 1, 1, tzinfo=UTC))
    assert m.echo_time(dt.time(1, tzinfo=UTC)) == dt.time(1)  # tzinfo ignored, as PyO3
    with raises_type(TypeError, match="must be datetime.date, not str"):
        m.echo_date("2024-01-01")


def test_chrono_years_outside_python_refused(hpyrs_features):
    m = hpyrs_features
    assert m.date_from_ymd(1, 1, 1) == dt.date(1, 1, 1)
    assert m.date_from_ymd(9999, 12, 31) == dt.date(9999, 12, 31)
    for y in (0, -5, 10000, 200000):
        with raises_type(ValueError):
            m.date_from_ymd(y, 1, 1)


def test_chrono_nanoseconds_truncated_and_leap_second(hpyrs_features):
    m = hpyrs_features
    assert m.time_from_nanos(1, 2, 3, 456_789_999) == dt.time(1, 2, 3, 456789)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = m.time_from_nanos(23, 59, 59, 1_500_000_000)
    assert t == dt.time(23, 59, 59, 500000)
    assert [w.category for w in caught] == [UserWarning]
    assert "leap-second" in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with raises_type(UserWarning):
            m.time_from_nanos(23, 59, 59, 1_000_000_000)


def test_chrono_aware(hpyrs_features):
    m = hpyrs_features
    x = dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert m.echo_datetime_utc(x) == x and m.echo_datetime_utc(x).tzinfo is UTC
    tz = dt.timezone(dt.timedelta(hours=-5, minutes=-30))
    y = dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=tz)
    r = m.echo_datetime_fixed(y)
    assert r == y and r.utcoffset() == y.utcoffset() and r.replace(tzinfo=None) == y.replace(tzinfo=None)
    with raises_type(ValueError, match="timezone.utc"):
        m.echo_datetime_utc(y)
    with raises_type(TypeError, match="non-None tzinfo"):
        m.echo_datetime_utc(dt.datetime(2024, 1, 1))
    with raises_type(TypeError, match="non-None tzinfo"):
        m.echo_datetime_fixed(dt.datetime(2024, 1, 1))
    assert m.echo_fixed_offset(tz) == tz
    assert m.echo_fixed_offset(UTC) == dt.timezone(dt.timedelta(0))
    assert m.echo_fixed_offset(dt.timezone(dt.timedelta(seconds=1, microseconds=5))) == \
        dt.timezone(dt.timedelta(seconds=1))
    with raises_type(TypeError, match="datetime.tzinfo"):
        m.echo_fixed_offset(5)


def test_chrono_fold(hpyrs_features):
    zoneinfo = pytest.importorskip("zoneinfo", reason="zoneinfo is needed for a fold")
    try:
        ny = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database on this machine")
    first = dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=0)
    second = first.replace(fold=1)
    m = hpyrs_features
    assert m.echo_datetime_fixed(first).utcoffset() == dt.timedelta(hours=-4)
    assert m.echo_datetime_fixed(second).utcoffset() == dt.timedelta(hours=-5)
    # Ambiguous times compare unequal across zones (PEP 495): compare instants.
    assert m.echo_datetime_fixed(second).timestamp() == second.timestamp()


def test_chrono_timedelta(hpyrs_features):
    m = hpyrs_features
    for td in (dt.timedelta.min, dt.timedelta.max, dt.timedelta(microseconds=-1),
               dt.timedelta(days=-1, seconds=5), dt.timedelta(0)):
        assert m.echo_timedelta(td) == td
    assert m.timedelta_from_nanos(1999) == dt.timedelta(microseconds=1)
    assert m.timedelta_from_nanos(-1999) == dt.timedelta(microseconds=-1)


@given(st.datetimes())
@some
def test_chrono_naive_property(hpyrs_features, x):
    assert hpyrs_features.echo_naive_datetime(x) == x


@given(st.datetimes(timezones=st.timezones(), allow_imaginary=False))
@some
def test_chrono_aware_property(hpyrs_features, x):
    try:
        x.utcoffset()
    except Exception:  # noqa: BLE001 -- a zone Python itself cannot use here
        return
    r = hpyrs_features.echo_datetime_fixed(x)
    # Not `r == x`: an ambiguous time (a fold) compares unequal to any time
    # of another zone (PEP 495); compare the wall time, offset and instant.
    assert r.replace(tzinfo=None) == x.replace(tzinfo=None)
    assert r.utcoffset() == x.utcoffset() and r.timestamp() == x.timestamp()


@given(st.timedeltas())
@some
def test_chrono_timedelta_property(hpyrs_features, td):
    assert hpyrs_features.echo_timedelta(td) == td
    if td >= dt.timedelta(0):
        assert hpyrs_features.echo_duration(td) == td


# ---- rust_decimal ----

def test_decimal(hpyrs_features):
    m = hpyrs_features
    D = decimal.Decimal
    for v in ("0", "1.50", "-3.14159", "79228162514264337593543950335",
              "-79228162514264337593543950335", "0.0000000000000000000000000001"):
        r = m.echo_decimal(D(v))
        assert type(r) is D and r == D(v) and str(r) == str(D(v))
    assert m.echo_decimal(5) == D(5)
    assert m.echo_decimal("2.5") == D("2.5")
    assert m.echo_decimal(D("1e5")) == D(100000)
    assert m.echo_decimal(D("1.5e-3")) == D("0.0015")
    for bad in (D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"),
                D("79228162514264337593543950336"), D("1e100"), "abc"):
        with raises_type(ValueError):
            m.echo_decimal(bad)


@given(st.decimals(allow_nan=False, allow_infinity=False,
                   min_value=-(10**20), max_value=10**20, places=8))
@some
def test_decimal_property(hpyrs_features, v):
    assert hpyrs_features.echo_decimal(v) == v


@given(st.decimals(allow_nan=True, allow_infinity=True))
@some
def test_decimal_any_property(hpyrs_features, v):
    """Any Decimal either round-trips equal or is a ValueError."""
    try:
        r = hpyrs_features.echo_decimal(v)
    except ValueError:
        return
    # rust_decimal keeps 28 decimal places and 96 bits: the rest is rounded.
    assert r == v or abs(r - v) <= max(abs(v) * decimal.Decimal("1e-27"),
                                       decimal.Decimal("1e-28"))


# ---- uuid ----

def test_uuid(hpyrs_features):
    m = hpyrs_features
    for u in (uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.uuid4(),
              uuid.UUID("12345678-1234-5678-1234-567812345678")):
        assert m.echo_uuid(u) == u and type(m.echo_uuid(u)) is uuid.UUID
    with raises_type(TypeError, match="must be uuid.UUID, not str"):
        m.echo_uuid("12345678-1234-5678-1234-567812345678")


@given(st.uuids())
@some
def test_uuid_property(hpyrs_features, u):
    assert hpyrs_features.echo_uuid(u) == u


# ---- the CPython ABI's fast paths (exact classes) against the attribute
# paths (subclasses); on the universal ABI both take the attribute path ----

def test_fast_paths_match_subclasses(hpyrs_features):
    m = hpyrs_features

    class DT(dt.datetime):
        pass

    class TD(dt.timedelta):
        pass

    class D(dt.date):
        pass

    class U(uuid.UUID):
        pass

    class I(int):
        pass

    utc = dt.timezone.utc
    for args in ((1, 1, 1), (9999, 12, 31, 23, 59, 59, 999999), (2024, 2, 29, 12, 0, 0, 1)):
        for tz in (None, utc):
            exact, sub = dt.datetime(*args, tzinfo=tz), DT(*args, tzinfo=tz)
            echo = m.echo_naive_datetime if tz is None else m.echo_datetime_utc
            assert echo(exact) == echo(sub) == exact
            assert type(echo(exact)) is dt.datetime
        assert m.echo_date(dt.date(*args[:3])) == m.echo_date(D(*args[:3])) == dt.date(*args[:3])
        assert m.echo_date(dt.datetime(*args)) == dt.date(*args[:3])
    aware = dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert m.echo_datetime_fixed(aware) == m.echo_datetime_fixed(DT.fromisoformat(aware.isoformat()))
    with raises_type(ValueError):
        m.echo_datetime_utc(aware)
    with raises_type(TypeError):
        m.echo_naive_datetime(aware)
    with raises_type(TypeError):
        m.echo_datetime_utc(dt.datetime(2024, 1, 1))
    assert m.echo_time(dt.time(23, 59, 59, 999999)) == dt.time(23, 59, 59, 999999)
    for td in (dt.timedelta.min, dt.timedelta.max, dt.timedelta(microseconds=-1), dt.timedelta(0)):
        assert m.echo_timedelta(td) == m.echo_timedelta(TD(td.days, td.seconds, td.microseconds)) == td
        assert type(m.echo_timedelta(td)) is dt.timedelta
    for u in (uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.UUID(int=2**127 + 99)):
        out = m.echo_uuid(u)
        assert out == m.echo_uuid(U(int=u.int)) == u
        # Built as UUID(bytes=...) builds one: the same slots, usable everywhere.
        assert type(out) is uuid.UUID and out.is_safe is uuid.SafeUUID.unknown
        assert hash(out) == hash(u) and str(out) == str(u) and out.bytes == u.bytes
        with pytest.raises(TypeError):
            out.int = 1
    # Around the digit (30 or 15 bits) and word (32 bits) boundaries.
    for bits in (29, 30, 31, 32, 33, 59, 60, 61, 62, 63, 64, 65, 90, 96, 120, 128, 150, 1000):
        for v in (2**bits - 1, 2**bits, 2**bits + 1, -(2**bits) + 1, -(2**bits), -(2**bits) - 1):
            assert m.echo_bigint(v) == v and m.echo_bigint(I(v)) == v
            assert type(m.echo_bigint(v)) is int
            if v >= 0:
                assert m.echo_biguint(v) == v
            else:
                with raises_type(OverflowError, match="negative"):
                    m.echo_biguint(v)


# ---- anyhow, eyre ----

@pytest.mark.parametrize("name", ["anyhow_parse", "eyre_parse"])
def test_error_reports(hpyrs_features, name):
    f = getattr(hpyrs_features, name)
    assert f("42") == 42
    with raises_type(RuntimeError, match="^while parsing: invalid digit found in string$"):
        f("x")
    with raises_type(RuntimeError, match="^failed on purpose$"):
        f("fail")


def test_anyhow_io_error(hpyrs_features, tmp_path):
    with raises_type(RuntimeError, match="opening .*missing: No such file"):
        hpyrs_features.anyhow_open(str(tmp_path / "missing"))
    (tmp_path / "f").write_bytes(b"abc")
    assert hpyrs_features.anyhow_open(str(tmp_path / "f")) == 3


# ---- derive options: transparent, from_py_with, default, generics ----

def test_derive_transparent(hpyrs_features):
    m = hpyrs_features
    assert m.double_meters(1.5) == 3.0
    assert m.shout("abc") == "ABC"
    with raises_type(TypeError):
        m.shout(5)


def test_derive_from_py_with_and_default(hpyrs_features):
    m = hpyrs_features
    assert m.config_parts({"color": "ff8800"}) == (0xFF8800, 0, "anonymous")
    assert m.config_parts({"color": "1", "retries": 3, "user": "ann"}) == (1, 3, "ann")
    with raises_type(ValueError, match="not hexadecimal"):
        m.config_parts({"color": "zz"})
    with raises_type(KeyError, match="color"):
        m.config_parts({})
    with raises_type(TypeError, match="retries"):
        m.config_parts({"color": "1", "retries": "x"})
    from types import SimpleNamespace as NS
    assert m.options_parts(NS()) == (8, None)
    assert m.options_parts(NS(width=3, label="x")) == (3, "x")

    class Raises:
        @property
        def width(self):
            raise ZeroDivisionError("not a missing attribute")

    with raises_type(ZeroDivisionError):
        m.options_parts(Raises())


def test_derive_generics(hpyrs_features):
    from types import SimpleNamespace as NS
    m = hpyrs_features
    assert m.swap_pair((1, 2)) == (2, 1)
    with raises_type(ValueError):
        m.swap_pair((1, 2, 3))
    assert m.retag(NS(tag="t", value=["a", "b"])) == {"tag": "t!", "value": ["a", "b"]}
    with raises_type(TypeError):
        m.retag(NS(tag="t", value=[1]))


# ---- serde ----

def settings(**changes):
    base = {"name": "n", "sizes": [1, 2, 3], "ratio": 0.5, "tags": None,
            "shape": "Unit", "pair": (7, "seven"),
            "nested": {"a": [1, None, -3], "b": []}, "flag": False}
    base.update(changes)
    return base


def test_serde_round_trip(hpyrs_features):
    m = hpyrs_features
    for shape in ("Unit", {"Circle": {"r": 1.5}}, {"Pair": (1, 2)}, {"Named": "x"}):
        s = settings(shape=shape, tags=["t"])
        assert m.serde_config(s) == s
    out = m.serde_config(settings())
    assert type(out["pair"]) is tuple and type(out["sizes"]) is list
    no_flag = settings()
    del no_flag["flag"]
    assert m.serde_config(no_flag)["flag"] is False
    assert m.serde_by_hand(settings(shape={"Circle": {"r": 2.0}})) == (6, {"Circle": {"r": 2.0}})


def test_serde_error_paths(hpyrs_features):
    m = hpyrs_features
    with raises_type(TypeError, match=r"^sizes\[1\]: expected u32, got str$"):
        m.serde_config(settings(sizes=[1, "x"]))
    with raises_type(OverflowError, match=r"^sizes\[0\]: int out of range for u32$"):
        m.serde_config(settings(sizes=[2**32]))
    with raises_type(TypeError, match=r"^nested\.a\[1\]: expected i64, got float$"):
        m.serde_config(settings(nested={"a": [1, 2.5]}))
    with raises_type(TypeError, match=r"^shape\.Circle\.r: expected f64, got str$"):
        m.serde_config(settings(shape={"Circle": {"r": "big"}}))
    with raises_type(ValueError, match=r"^shape: unknown variant `Square`"):
        m.serde_config(settings(shape="Square"))
    with raises_type(ValueError, match=r"^pair: expected 2 items, got 3$"):
        m.serde_config(settings(pair=(1, "a", 2)))
    missing = settings()
    del missing["ratio"]
    with raises_type(KeyError, match="missing field 'ratio'"):
        m.serde_config(missing)
    with raises_type(TypeError, match="expected dict, got list"):
        m.serde_config([])
    with raises_type(TypeError, match=r"^tags: expected a list or tuple, got int$"):
        m.serde_config(settings(tags=5))


def test_serde_json_values(hpyrs_features):
    m = hpyrs_features
    v = {"a": [1, 2.5, "x", None, True, {"b": []}], "c": -(2**63), "d": 2**64 - 1}
    assert m.serde_json_value(v) == v
    with raises_type(TypeError):
        m.serde_json_value({1: 2})  # serde_json maps have str keys
    with raises_type(TypeError):
        m.serde_json_value(object())


json_leaves = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text())
json_values = st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                           max_leaves=30)


@given(json_values)
@some
def test_serde_nested_property(hpyrs_features, v):
    assert hpyrs_features.serde_json_value(v) == v
