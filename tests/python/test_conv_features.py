"""Conversions of std types (Duration, SystemTime, ipaddress, NonZero, Cow)
and of hpy's optional features (num-bigint, chrono, rust_decimal, uuid,
anyhow, eyre; issue 41's num-complex, num-rational, bigdecimal,
ordered-float, either, bytes, indexmap, hashbrown, smallvec) through
tests/ext/hpyrs_features: round trips, the edges PyO3 0.30 documents (truncation, refusals, exception types), and property tests
over generated values where Hypothesis is installed."""

import datetime as dt
import decimal
import fractions
import ipaddress
import math
import sys
import uuid
import warnings

import contextlib

import pytest

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    # No deadline: a slow machine (or debug mode) must not fail a test.
    # 150 examples a property on CPython (3.14's cpython mode, 3.11's debug
    # mode run these binaries); 50 on PyPy, where 150 took 42 s of CI's
    # PyPy run, and its own host's conversions see 50 drawn values each.
    some = settings(max_examples=50 if sys.implementation.name == "pypy" else 150,
                    deadline=None)
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
    # A datetime too (the universal ABI builds it from its pickle state
    # within 1-9999 and calls the class outside).
    assert m.naive_datetime_from_ymd(1, 1, 1) == dt.datetime(1, 1, 1, 1, 2, 3, 4)
    assert m.naive_datetime_from_ymd(9999, 12, 31) == dt.datetime(9999, 12, 31, 1, 2, 3, 4)
    assert m.naive_datetime_from_ymd(2024, 2, 29) == dt.datetime(2024, 2, 29, 1, 2, 3, 4)
    for y in (0, -5, 10000, 200000):
        with raises_type(ValueError):
            m.naive_datetime_from_ymd(y, 1, 1)


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


# ---- issue 41: num-complex ----

class _Complexish:
    """Has __complex__ returning `value`."""

    def __init__(self, value):
        self.value = value

    def __complex__(self):
        return self.value


class _Floatish:
    def __float__(self):
        return 2.5


class _Indexish:
    def __index__(self):
        return 7


def _f32(x):
    """x rounded to the nearest f32, as Rust's `as f32` does."""
    import struct
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def test_complex_round_trip(hpyrs_features):
    m = hpyrs_features
    for z in (0j, 1 + 2j, -1.5 - 0.25j, complex(1e308, -1e-308), complex(math.inf, -math.inf),
              complex(-0.0, -0.0)):
        r = m.echo_complex64(z)
        assert type(r) is complex and r == z
        assert math.copysign(1, r.real) == math.copysign(1, z.real)
        assert math.copysign(1, r.imag) == math.copysign(1, z.imag)
    r = m.echo_complex64(complex(math.nan, 1))
    assert math.isnan(r.real) and r.imag == 1
    assert m.complex_from_parts(3.0, -4.0) == 3 - 4j


def test_complex_from_numbers(hpyrs_features):
    m = hpyrs_features
    assert m.echo_complex64(2) == 2 + 0j and type(m.echo_complex64(2)) is complex
    assert m.echo_complex64(1.5) == 1.5 + 0j
    assert m.echo_complex64(True) == 1 + 0j
    assert m.echo_complex64(decimal.Decimal("0.5")) == 0.5 + 0j
    assert m.echo_complex64(fractions.Fraction(1, 4)) == 0.25 + 0j
    assert m.echo_complex64(_Floatish()) == 2.5 + 0j
    assert m.echo_complex64(_Indexish()) == 7 + 0j
    assert m.echo_complex64(_Complexish(3 - 1j)) == 3 - 1j

    class Sub(complex):
        pass

    assert m.echo_complex64(Sub(1, 2)) == 1 + 2j
    assert type(m.echo_complex64(Sub(1, 2))) is complex


def test_complex_refusals(hpyrs_features):
    m = hpyrs_features
    for bad in ("1+2j", b"1", None, [1, 2], object()):
        with raises_type(TypeError, match=f"must be complex, not {type(bad).__name__}"):
            m.echo_complex64(bad)
        with raises_type(TypeError):
            m.echo_complex32(bad)
    with raises_type(TypeError, match=r"__complex__ returned non-complex \(type float\)"):
        m.echo_complex64(_Complexish(1.5))
    with raises_type(OverflowError):
        m.echo_complex64(10**400)

    class Raises:
        def __complex__(self):
            raise ZeroDivisionError("inside __complex__")

    with raises_type(ZeroDivisionError, match="inside __complex__"):
        m.echo_complex64(Raises())


def test_complex32_rounds(hpyrs_features):
    m = hpyrs_features
    for z in (0.1 + 0.2j, 1e300 - 1e300j, complex(1e-50, 3)):
        r = m.echo_complex32(z)
        assert r == complex(_f32(z.real), _f32(z.imag)), (z, r)


@given(st.complex_numbers(allow_nan=False))
@some
def test_complex_property(hpyrs_features, z):
    assert hpyrs_features.echo_complex64(z) == z
    r = hpyrs_features.echo_complex32(z)
    assert r == complex(_f32(z.real), _f32(z.imag))


# ---- issue 41: num-rational ----

F = fractions.Fraction


def test_ratio_round_trip(hpyrs_features):
    m = hpyrs_features
    for f in (F(0), F(1, 3), F(-3, 4), F(127, 126), F(-128, 127)):
        for echo in (m.echo_ratio_i8, m.echo_ratio_i32, m.echo_ratio_i64, m.echo_ratio_isize,
                     m.echo_ratio_bigint):
            r = echo(f)
            assert type(r) is F and r == f
    for f in (F(2**63 - 1, 2**62 + 1), F(-2**63, 3)):
        assert m.echo_ratio_i64(f) == f and m.echo_ratio_bigint(f) == f
    huge = F(3**500, 2**700)
    assert m.echo_ratio_bigint(huge) == huge
    assert m.echo_ratio_bigint(-huge) == -huge


def test_ratio_from_int_and_rationals(hpyrs_features):
    from types import SimpleNamespace as NS
    m = hpyrs_features
    assert m.echo_ratio_i32(5) == F(5) and type(m.echo_ratio_i32(5)) is F
    assert m.echo_ratio_bigint(-(10**50)) == F(-(10**50))
    assert m.echo_ratio_i8(True) == F(1)
    # Any object with numerator and denominator, reduced, sign moved up.
    assert m.echo_ratio_i32(NS(numerator=3, denominator=-6)) == F(-1, 2)
    assert m.echo_ratio_i8(NS(numerator=-4, denominator=-8)) == F(1, 2)
    assert m.ratio_parts(NS(numerator=2**100, denominator=-(2**101))) == (-1, 2)
    assert m.ratio_parts(NS(numerator=-6, denominator=-4)) == (3, 2)
    assert m.ratio_parts(F(-6, 4)) == (-3, 2)


def test_ratio_refusals(hpyrs_features):
    from types import SimpleNamespace as NS
    m = hpyrs_features
    for echo in (m.echo_ratio_i8, m.echo_ratio_i64, m.echo_ratio_bigint):
        for bad in (1.5, decimal.Decimal("0.5"), "1/2", None, [1, 2], 1j):
            with raises_type(TypeError,
                             match=f"must be fractions.Fraction or int, not {type(bad).__name__}"):
                echo(bad)
        with raises_type(ZeroDivisionError, match=r"denominator is zero: Fraction\(3, 0\)"):
            echo(NS(numerator=3, denominator=0))
        with raises_type(TypeError, match="numerator"):
            echo(NS(numerator=1.5, denominator=2))
        with raises_type(TypeError, match="denominator"):
            echo(NS(numerator=1, denominator="2"))
    with raises_type(OverflowError):
        m.echo_ratio_i8(F(128))
    with raises_type(OverflowError):
        m.echo_ratio_i8(F(1, 128))
    assert m.echo_ratio_i8(F(-128)) == F(-128)
    # -128/-1 is 128/1 reduced: does not fit i8 (num-rational would overflow).
    with raises_type(OverflowError, match=r"128/1 does not fit Ratio<i8>"):
        m.echo_ratio_i8(NS(numerator=-128, denominator=-1))
    with raises_type(OverflowError, match="does not fit Ratio<i64>"):
        m.echo_ratio_i64(NS(numerator=-2**63, denominator=-1))
    assert m.echo_ratio_bigint(NS(numerator=-2**63, denominator=-1)) == 2**63
    with raises_type(OverflowError):
        m.echo_ratio_i64(F(2**64, 3))


def test_ratio_to_python_normalised(hpyrs_features):
    m = hpyrs_features
    assert m.ratio_raw(2, -4) == F(-1, 2)
    assert m.ratio_raw(0, -5) == F(0)
    with raises_type(ZeroDivisionError):
        m.ratio_raw(1, 0)


@given(st.fractions())
@some
def test_ratio_property(hpyrs_features, f):
    m = hpyrs_features
    assert m.echo_ratio_bigint(f) == f
    assert m.ratio_parts(f) == (f.numerator, f.denominator)
    fits = -2**31 <= f.numerator < 2**31 and f.denominator < 2**31
    if fits:
        assert m.echo_ratio_i32(f) == f
    else:
        with raises_type(OverflowError):
            m.echo_ratio_i32(f)


# ---- issue 41: bigdecimal ----

def test_bigdecimal_round_trip(hpyrs_features):
    m = hpyrs_features
    D = decimal.Decimal
    for v in ("0", "1.50", "-3.14159", "1E+5", "1.5E-3", "0.00", "123456789012345678901234567890.5",
              "1E+999999", "-1E-999999", "9" * 4000 + ".5", "0E-7"):
        r = m.echo_bigdecimal(D(v))
        assert type(r) is D and r == D(v) and r.as_tuple() == D(v).as_tuple(), (v, r)
    # BigDecimal has no negative zero (as in PyO3).
    assert str(m.echo_bigdecimal(D("-0.00"))) == "0.00"
    assert m.bigdecimal_parts(D("1.50")) == (150, 2)
    assert m.bigdecimal_parts(D("-2E+3")) == (-2, -3)


def test_bigdecimal_from_other_types(hpyrs_features):
    m = hpyrs_features
    D = decimal.Decimal
    assert m.echo_bigdecimal(5) == D(5)
    assert m.echo_bigdecimal(-(2**200)) == D(-(2**200))
    beyond_str_limit = 10**5000 + 1  # str() of it raises ValueError on 3.11+
    assert m.bigdecimal_parts(beyond_str_limit) == (beyond_str_limit, 0)
    try:
        want = D(beyond_str_limit)
    except ValueError:  # PyPy's _pydecimal goes through str(int) itself
        with raises_type(ValueError, match="Exceeds the limit"):
            m.echo_bigdecimal(beyond_str_limit)
    else:
        assert m.echo_bigdecimal(beyond_str_limit) == want
    assert m.echo_bigdecimal(True) == D(1)
    assert m.echo_bigdecimal(0.1) == D("0.1")  # the float's repr, as PyO3
    assert m.echo_bigdecimal(-2.5e-10) == D("-2.5e-10")
    assert m.echo_bigdecimal("2.5") == D("2.5")
    assert m.echo_bigdecimal(" 7 ") == D("7")


def test_bigdecimal_refusals(hpyrs_features):
    m = hpyrs_features
    D = decimal.Decimal
    for bad in (D("NaN"), D("-sNaN"), D("Infinity"), D("-Infinity"), math.nan, math.inf,
                -math.inf):
        with raises_type(ValueError, match="NaN and infinities have no BigDecimal"):
            m.echo_bigdecimal(bad)
    for bad in ("abc", "1.2.3", ""):
        with raises_type(ValueError, match="cannot convert"):
            m.echo_bigdecimal(bad)
    for bad in (None, [1], b"1", 1j, F(1, 2), object()):
        with raises_type(TypeError, match=("must be decimal.Decimal, int, float or str, not "
                                           + type(bad).__name__)):
            m.echo_bigdecimal(bad)


def test_bigdecimal_to_python(hpyrs_features):
    m = hpyrs_features
    D = decimal.Decimal
    assert m.bigdecimal_from_parts(-12345, 3).as_tuple() == D("-12.345").as_tuple()
    assert m.bigdecimal_from_parts(1, -5).as_tuple() == D("1E+5").as_tuple()
    assert m.bigdecimal_from_parts(10**60, 80) == D(10**60) / D(10**80)
    # Exponents decimal.Decimal cannot hold are its own error, not a crash.
    for scale in (2**63 - 1, -2**63):
        try:
            r = m.bigdecimal_from_parts(1, scale)
        except (decimal.InvalidOperation, ValueError, OverflowError):
            continue
        assert r.as_tuple().exponent == -scale


@given(st.decimals(allow_nan=False, allow_infinity=False))
@some
def test_bigdecimal_property(hpyrs_features, v):
    r = hpyrs_features.echo_bigdecimal(v)
    assert r == v
    want = v.as_tuple()
    if v.is_zero():
        want = want._replace(sign=0)
    assert r.as_tuple() == want


@given(st.decimals(allow_nan=True, allow_infinity=True))
@some
def test_bigdecimal_any_property(hpyrs_features, v):
    """Any Decimal round-trips equal or (NaN, infinities) is a ValueError."""
    if v.is_finite():
        assert hpyrs_features.echo_bigdecimal(v) == v
    else:
        with raises_type(ValueError):
            hpyrs_features.echo_bigdecimal(v)


# ---- issue 41: ordered-float ----

def test_ordered_float(hpyrs_features):
    m = hpyrs_features
    for v in (0.0, -0.0, 1.5, -1e308, 5e-324, math.inf, -math.inf):
        for echo in (m.echo_ordered_f64, m.echo_notnan_f64):
            r = echo(v)
            assert type(r) is float and r == v and math.copysign(1, r) == math.copysign(1, v)
    assert math.isnan(m.echo_ordered_f64(math.nan))
    assert math.isnan(m.echo_ordered_f32(math.nan))
    assert m.echo_ordered_f64(3) == 3.0 and type(m.echo_ordered_f64(3)) is float
    assert m.echo_notnan_f64(decimal.Decimal("2.5")) == 2.5
    assert m.echo_notnan_f64(_Indexish()) == 7.0
    assert m.echo_ordered_f32(0.1) == _f32(0.1)
    assert m.echo_notnan_f32(1e300) == math.inf
    for echo in (m.echo_notnan_f64, m.echo_notnan_f32):
        with raises_type(ValueError, match="NaN cannot be converted to NotNan"):
            echo(math.nan)
        with raises_type(ValueError):
            echo(decimal.Decimal("NaN"))
    for bad in ("1.5", None, [1.0], 1j):
        for echo in (m.echo_ordered_f64, m.echo_notnan_f64, m.echo_ordered_f32):
            with raises_type(TypeError, match=f"must be float, not {type(bad).__name__}"):
                echo(bad)
    with raises_type(OverflowError):
        m.echo_notnan_f64(10**400)


@given(st.floats())
@some
def test_ordered_float_property(hpyrs_features, v):
    m = hpyrs_features
    if math.isnan(v):
        assert math.isnan(m.echo_ordered_f64(v))
        with raises_type(ValueError):
            m.echo_notnan_f64(v)
    else:
        assert m.echo_ordered_f64(v) == v and m.echo_notnan_f64(v) == v
        assert m.echo_notnan_f32(v) == _f32(v)


# ---- issue 41: either ----

def test_either(hpyrs_features):
    m = hpyrs_features
    assert m.echo_either_int_str(5) == 5 and m.either_side(5) == "left"
    assert m.echo_either_int_str("x") == "x" and m.either_side("x") == "right"
    assert m.echo_either_int_str(True) == 1 and type(m.echo_either_int_str(True)) is int
    assert m.echo_either_int_str(2**63 - 1) == 2**63 - 1
    assert m.echo_either_list_float([1, 2]) == [1, 2]
    assert m.echo_either_list_float((3,)) == [3]
    assert m.echo_either_list_float(2.5) == 2.5
    assert m.echo_either_list_float(3) == 3.0 and type(m.echo_either_list_float(3)) is float


def test_either_refusals(hpyrs_features):
    m = hpyrs_features
    with raises_type(TypeError, match=(r"^expected i64 or String, got float \(i64: expected int, "
                                       r"got float; String: expected str, got float\)$")):
        m.echo_either_int_str(1.5)
    with raises_type(TypeError, match=r"expected i64 or String, got int"):
        m.echo_either_int_str(2**63)  # too big for i64 and not a str
    with raises_type(TypeError, match=r"^expected Vec<i64> or f64, got list"):
        m.echo_either_list_float(["a"])
    with raises_type(TypeError, match=r"expected Vec<i64> or f64, got str"):
        m.echo_either_list_float("12")

    class BadIndex:
        def __index__(self):
            raise KeyError("from __index__")

    # The left side's exception is cleared before the right side is tried.
    with raises_type(TypeError, match="expected Vec<i64> or f64, got list"):
        m.echo_either_list_float([BadIndex()])
    assert m.echo_either_list_float([1]) == [1]


# ---- issue 41: bytes ----

def test_bytes_crate(hpyrs_features):
    m = hpyrs_features
    for data in (b"", b"ab", bytes(range(256)), b"x" * (1 << 20)):
        for echo in (m.echo_bytes_buf, m.echo_bytes_mut):
            r = echo(data)
            assert type(r) is bytes and r == data
            r = echo(bytearray(data))
            assert type(r) is bytes and r == data
    assert m.bytes_mut_append(b"ab") == b"ab!"
    assert m.bytes_mut_append(bytearray(b"")) == b"!"

    class Sub(bytes):
        pass

    assert m.echo_bytes_buf(Sub(b"q")) == b"q"
    for bad in (memoryview(b"ab"), "ab", [1, 2], None, 3):
        for echo in (m.echo_bytes_buf, m.echo_bytes_mut):
            with raises_type(TypeError,
                             match=f"must be bytes or bytearray, not {type(bad).__name__}"):
                echo(bad)


@given(st.binary())
@some
def test_bytes_crate_property(hpyrs_features, data):
    assert hpyrs_features.echo_bytes_buf(data) == data
    assert hpyrs_features.echo_bytes_mut(bytearray(data)) == data


# ---- issue 41: indexmap, hashbrown ----

def test_indexmap_keeps_order(hpyrs_features):
    m = hpyrs_features
    d = {"b": 1, "a": 2, "c": -3, "": 2**63 - 1}
    r = m.echo_indexmap(d)
    assert type(r) is dict and r == d and list(r) == list(d)
    assert m.indexmap_keys(d) == ["b", "a", "c", ""]
    assert m.indexmap_keys([("z", 1), ("y", 2), ("x", 3)]) == ["z", "y", "x"]
    # A repeated key keeps its first place and its last value, as dict() does.
    r = m.echo_indexmap([("a", 1), ("b", 2), ("a", 3)])
    assert r == {"a": 3, "b": 2} and list(r) == ["a", "b"]
    assert m.echo_indexmap({}) == {}
    with raises_type(TypeError, match=r"'x\['b'\]' must be int, not str"):
        m.echo_indexmap({"a": 1, "b": "x"})
    with raises_type(TypeError, match="must be str, not int"):
        m.echo_indexmap({1: 1})
    for bad in ("ab", 5, None):
        with raises_type(TypeError, match=f"must be dict, not {type(bad).__name__}"):
            m.echo_indexmap(bad)
    with raises_type(OverflowError):
        m.echo_indexmap({"a": 2**63})


@given(st.dictionaries(st.text(), st.integers(min_value=-(2**63), max_value=2**63 - 1)))
@some
def test_indexmap_property(hpyrs_features, d):
    r = hpyrs_features.echo_indexmap(d)
    assert r == d and list(r) == list(d)


def test_hashbrown(hpyrs_features):
    m = hpyrs_features
    d = {"a": 1, "b": -2}
    assert m.echo_hashbrown_map(d) == d and type(m.echo_hashbrown_map(d)) is dict
    assert m.echo_hashbrown_map([("x", 1)]) == {"x": 1}
    for s in ({1, 2, 3}, frozenset({-1}), [1, 1, 2], (4,), range(5), set()):
        r = m.echo_hashbrown_set(s)
        assert type(r) is set and r == set(s)
    r = m.hashbrown_frozenset([3, 3, 4])
    assert type(r) is frozenset and r == {3, 4}
    with raises_type(TypeError, match="must be set or iterable, not str"):
        m.echo_hashbrown_set("ab")
    with raises_type(TypeError, match="must be set or iterable, not dict"):
        m.echo_hashbrown_set({1: 2})
    with raises_type(TypeError, match="must be int, not str"):
        m.echo_hashbrown_set({"a"})
    with raises_type(TypeError, match="must be dict, not int"):
        m.echo_hashbrown_map(3)


@given(st.sets(st.integers(min_value=-(2**63), max_value=2**63 - 1)),
       st.dictionaries(st.text(), st.integers(min_value=-(2**63), max_value=2**63 - 1)))
@some
def test_hashbrown_property(hpyrs_features, s, d):
    assert hpyrs_features.echo_hashbrown_set(s) == s
    assert hpyrs_features.echo_hashbrown_set(frozenset(s)) == s
    assert hpyrs_features.echo_hashbrown_map(d) == d


# ---- issue 41: smallvec ----

def test_smallvec(hpyrs_features):
    m = hpyrs_features
    assert m.echo_smallvec([1, 2, 3]) == [1, 2, 3] and type(m.echo_smallvec([1])) is list
    assert m.echo_smallvec((1, 2)) == [1, 2]
    assert m.echo_smallvec(x for x in range(6)) == list(range(6))
    assert m.echo_smallvec([]) == []
    assert m.smallvec_spilled([1, 2, 3, 4]) == (4, False)
    assert m.smallvec_spilled(list(range(5))) == (5, True)
    assert m.echo_smallvec_str(["a", "b", "c"]) == ["a", "b", "c"]
    r = m.echo_smallvec_bytes(b"abc")
    assert type(r) is bytes and r == b"abc"
    assert m.echo_smallvec_bytes([1, 2]) == b"\x01\x02"
    assert m.echo_smallvec_bytes(bytearray(b"x" * 20)) == b"x" * 20
    with raises_type(TypeError, match="str"):
        m.echo_smallvec_str("abc")
    with raises_type(TypeError):
        m.echo_smallvec({1: 2})
    with raises_type(TypeError):
        m.echo_smallvec(5)
    with raises_type(TypeError, match=r"\[1\]"):
        m.echo_smallvec([1, "x"])
    with raises_type(OverflowError):
        m.echo_smallvec_bytes([256])


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=12))
@some
def test_smallvec_property(hpyrs_features, items):
    assert hpyrs_features.echo_smallvec(items) == items
    assert hpyrs_features.smallvec_spilled(items) == (len(items), len(items) > 4)


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


def test_serde_reads_other_containers(hpyrs_features):
    """Reading takes what pythonize takes where Python code expects it: any
    Sequence but str, sets where the length is free, any Mapping, dataclass
    instances, __index__ ints and __float__ floats; bools stay bools."""
    import collections
    import dataclasses
    import fractions
    import types

    m = hpyrs_features
    expected = settings(sizes=[1, 2, 3], tags=["t"], shape={"Circle": {"r": 0.5}})
    other = settings(sizes=collections.deque([1, 2, 3]), tags=("t",),
                     shape=types.MappingProxyType({"Circle": {"r": fractions.Fraction(1, 2)}}))
    assert m.serde_config(types.MappingProxyType(other)) == expected
    assert m.serde_config(settings(sizes=range(1, 4), tags=frozenset({"t"}))) == settings(
        sizes=[1, 2, 3], tags=["t"])

    @dataclasses.dataclass
    class Circle:
        r: float

    assert m.serde_config(settings(shape={"Circle": Circle(2.0)}))["shape"] == {"Circle": {"r": 2.0}}

    class Index:
        def __index__(self):
            return 7

    assert m.serde_config(settings(sizes=[Index()]))["sizes"] == [7]
    with raises_type(TypeError, match=r"^sizes\[0\]: expected u32, got bool$"):
        m.serde_config(settings(sizes=[True]))
    with raises_type(TypeError, match=r"^name: expected str, got list$"):
        m.serde_config(settings(name=["a"]))
    with raises_type(TypeError, match=r"^tags: expected a list or tuple, got str$"):
        m.serde_config(settings(tags="abc"))
    with raises_type(TypeError, match=r"^pair: expected a list or tuple, got set$"):
        m.serde_config(settings(pair={1, "a"}))  # a tuple needs an ordered sequence

    class Raising(collections.abc.Mapping):
        def __getitem__(self, key):
            raise LookupError("no")

        def __iter__(self):
            return iter(["name"])

        def __len__(self):
            return 1

    with raises_type(LookupError):
        m.serde_config(Raising())


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


# ---- chrono-tz, chrono-local, jiff-02, time (tests/ext/hpyrs_features/src/dates.rs) ----

def zoneinfo_or_skip():
    """The zoneinfo module and a zone from the system's database, or a skip
    that says why."""
    zoneinfo = pytest.importorskip("zoneinfo", reason="zoneinfo is needed for named zones")
    try:
        zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database on this machine")
    return zoneinfo


# The names tzdata 2024b turned from zones of their own into links to a
# city's zone (WET to Europe/Lisbon, CET to Europe/Brussels, EST to
# America/Panama, ...): a database from before that release and one from
# after disagree about their past (WET on 1996-01-01: +00:00 by the old
# rule, +01:00 as Lisbon then was), and Debian's tzdata 2025b keeps the old
# rules while chrono-tz 0.10's follows the links.
RELINKED_IN_2024B = {"CET", "CST6CDT", "EET", "EST", "EST5EDT", "HST", "MET", "MST", "MST7MDT",
                     "PST8PDT", "WET"}


def common_zones(m, zoneinfo):
    """Zone names both Python's database and chrono-tz's know and define
    alike (see RELINKED_IN_2024B)."""
    return sorted(set(zoneinfo.available_timezones()) & set(m.chrono_tz_names())
                  - RELINKED_IN_2024B)


# Instants whose offset in every zone both databases agree on: Python's
# tzdata and chrono-tz's compiled-in copy are separate releases, and each
# extends the rules past its last transition in its own way.
AGREED = (dt.datetime(1970, 1, 1, tzinfo=UTC), dt.datetime(2037, 12, 31, tzinfo=UTC))


def test_chrono_tz_zone(hpyrs_features):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    for name in ("Europe/Paris", "UTC", "Etc/GMT-5", "America/Argentina/Buenos_Aires"):
        z = zoneinfo.ZoneInfo(name)
        assert m.echo_tz(z) is z  # ZoneInfo caches one object per key
    with raises_type(ValueError):
        m.echo_tz(type("Z", (), {"key": "Not/AZone"})())
    with raises_type(AttributeError):
        m.echo_tz(UTC)  # a timezone has no key (as PyO3)
    with raises_type(TypeError):
        m.echo_tz(type("Z", (), {"key": 5})())


def test_chrono_tz_datetimes(hpyrs_features):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    london = zoneinfo.ZoneInfo("Europe/London")
    # 2020-10-25 01:00-02:00 happens twice in London (BST, then GMT).
    for utc_hour, wall, fold in ((23, (0, 0), 0), (0, (1, 0), 0), (1, (1, 0), 1)):
        day = 24 if utc_hour == 23 else 25
        t = dt.datetime(2020, 10, day, utc_hour, tzinfo=UTC)
        r = m.chrono_tz_at(t, london)
        assert (r.hour, r.minute, r.fold) == (*wall, fold) and r.tzinfo is london
        # PEP 495: an ambiguous time never equals another zone's: compare instants.
        assert r.timestamp() == t.timestamp()
        back = m.echo_datetime_tz(r)
        assert back.fold == fold and back.timestamp() == t.timestamp()
    # A time London skipped (2021-03-28 01:30): refused, as PyO3 does.
    with raises_type(ValueError, match="skips"):
        m.echo_datetime_tz(dt.datetime(2021, 3, 28, 1, 30, tzinfo=london))
    # Apia skipped all of 2011-12-30.
    with raises_type(ValueError):
        m.echo_datetime_tz(dt.datetime(2011, 12, 30, 12, tzinfo=zoneinfo.ZoneInfo("Pacific/Apia")))
    with raises_type(TypeError, match="non-None tzinfo"):
        m.echo_datetime_tz(dt.datetime(2020, 1, 1))
    with raises_type(AttributeError):
        m.echo_datetime_tz(dt.datetime(2020, 1, 1, tzinfo=UTC))
    with raises_type(TypeError):
        m.echo_datetime_tz(dt.date(2020, 1, 1))


@given(st.data())
@some
def test_chrono_tz_property(hpyrs_features, data):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    zone = zoneinfo.ZoneInfo(data.draw(st.sampled_from(common_zones(m, zoneinfo))))
    # Any wall-clock time in any zone, whole range: kept as it is, or
    # refused as a skipped time.
    x = data.draw(st.datetimes()).replace(tzinfo=zone, fold=data.draw(st.integers(0, 1)))
    try:
        r = m.echo_datetime_tz(x)
    except ValueError as e:
        assert "skips" in str(e)
    else:
        assert r.replace(tzinfo=None, fold=0) == x.replace(tzinfo=None, fold=0)
        assert r.tzinfo is zone and r.fold in (0, x.fold)
    # An instant where both databases agree: the same offset as Python's.
    t = data.draw(st.datetimes(min_value=AGREED[0].replace(tzinfo=None),
                               max_value=AGREED[1].replace(tzinfo=None))).replace(tzinfo=UTC)
    r = m.chrono_tz_at(t, zone)
    expected = t.astimezone(zone)
    assert (r.replace(tzinfo=None), r.fold, r.tzinfo) == (
        expected.replace(tzinfo=None), expected.fold, zone)
    assert m.echo_datetime_tz(r).timestamp() == t.timestamp()


def test_chrono_local(hpyrs_features):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    local = m.echo_local(m.chrono_local_at(dt.datetime(2024, 1, 1, tzinfo=UTC)).tzinfo)
    assert type(local) is zoneinfo.ZoneInfo
    t = dt.datetime(2024, 6, 1, 12, 30, 1, 5, tzinfo=UTC)
    r = m.chrono_local_at(t)
    assert r.tzinfo is local and r == t and r == t.astimezone(local)
    assert m.echo_datetime_local(r) == r and m.echo_datetime_local(r).tzinfo is local
    # A naive datetime is read as local time (as PyO3).
    naive = dt.datetime(2024, 6, 1, 12, 30)
    assert m.echo_datetime_local(naive) == naive.replace(tzinfo=local)
    other = zoneinfo.ZoneInfo("Asia/Tokyo" if local.key != "Asia/Tokyo" else "Europe/Paris")
    with raises_type(ValueError, match="local time zone"):
        m.echo_local(other)
    with raises_type(ValueError, match="local time zone"):
        m.echo_datetime_local(dt.datetime(2024, 1, 1, tzinfo=other))
    with raises_type(TypeError):
        m.echo_datetime_local(dt.date(2024, 1, 1))


def test_chrono_local_other_zone_in_subprocess(hpyrs_features, tmp_path):
    """chrono's Local follows the TZ variable, and so does its ZoneInfo
    (PyO3 takes the name from /etc/localtime even then, so its datetimes
    get chrono's offset with another zone's tzinfo)."""
    import os
    import subprocess
    zoneinfo_or_skip()
    code = ("import datetime as dt, hpyrs_features as m\n"
            "t = dt.datetime(2024, 7, 1, 12, tzinfo=dt.timezone.utc)\n"
            "r = m.chrono_local_at(t)\n"
            "print(r.tzinfo.key, r.utcoffset().total_seconds(), r == t)\n")
    env = dict(os.environ, TZ="America/New_York")
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    print(out.stdout, out.stderr)
    assert out.returncode == 0, out.stderr
    key, offset, same = out.stdout.split()
    assert (key, float(offset), same) == ("America/New_York", -14400.0, "True")


# ---- jiff-02 ----

def test_jiff_civil(hpyrs_features):
    m = hpyrs_features
    for d in (dt.date.min, dt.date(2024, 2, 29), dt.date.max):
        assert m.echo_jiff_date(d) == d and type(m.echo_jiff_date(d)) is dt.date
        assert m.echo_jiff_iso_week_date(d) == d
    assert m.echo_jiff_date(dt.datetime(2024, 5, 6, 7)) == dt.date(2024, 5, 6)
    for t in (dt.time(0), dt.time(23, 59, 59, 999999), dt.time(12, 0, 1, 5)):
        assert m.echo_jiff_time(t) == t
    assert m.echo_jiff_time(dt.time(1, tzinfo=UTC)) == dt.time(1)  # tzinfo ignored, as PyO3
    for x in (dt.datetime.min, dt.datetime.max, dt.datetime(2000, 1, 2, 3, 4, 5, 6)):
        assert m.echo_jiff_datetime(x) == x and m.echo_jiff_datetime(x).tzinfo is None
    with raises_type(TypeError, match="without tzinfo"):
        m.echo_jiff_datetime(dt.datetime(2000, 1, 1, tzinfo=UTC))
    with raises_type(TypeError, match="must be datetime.date, not str"):
        m.echo_jiff_date("2024-01-01")
    assert m.jiff_time_from_nanos(1, 2, 3, 456_789_999) == dt.time(1, 2, 3, 456789)
    for y in (-9999, -1, 0, 9999):
        if 1 <= y <= 9999:
            assert m.jiff_date_from_ymd(y, 12, 31) == dt.date(y, 12, 31)
        else:
            with raises_type(ValueError):
                m.jiff_date_from_ymd(y, 12, 31)


def test_jiff_zones(hpyrs_features):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    assert m.echo_jiff_timezone(paris) is paris
    assert m.echo_jiff_timezone(UTC) is UTC
    plus = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert m.echo_jiff_timezone(plus) == plus
    assert m.echo_jiff_offset(plus) == plus and m.echo_jiff_offset(UTC) is UTC
    assert m.echo_jiff_offset(dt.timezone(dt.timedelta(seconds=1, microseconds=5))) == \
        dt.timezone(dt.timedelta(seconds=1))
    with raises_type(TypeError, match="not a fixed offset timezone"):
        m.echo_jiff_offset(paris)
    with raises_type(ValueError):
        m.echo_jiff_timezone(type("Z", (dt.tzinfo,), {"key": "Not/AZone"})())
    with raises_type(TypeError):
        m.echo_jiff_timezone("Europe/Paris")
    # A zone without an IANA name that jiff does not hold as a fixed
    # offset (a POSIX rule, even one without DST): ValueError, as PyO3.
    for rule in ("EST5EDT,M3.2.0,M11.1.0", "XYZ-3"):
        with raises_type(ValueError, match="POSIX"):
            m.jiff_posix_zone(rule)


def test_jiff_zoned_and_fold(hpyrs_features):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    ny = zoneinfo.ZoneInfo("America/New_York")
    first = dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny)
    second = first.replace(fold=1)
    for x in (first, second):
        r = m.echo_jiff_zoned(x)
        assert (r.fold, r.tzinfo, r.timestamp()) == (x.fold, ny, x.timestamp())
        ts = m.echo_jiff_timestamp(x)
        assert ts.timestamp() == x.timestamp() and ts.tzinfo is UTC
    # In a gap, fold says which offset the time was written in (PEP 495).
    gap = dt.datetime(2024, 3, 10, 2, 30, tzinfo=ny)
    for fold in (0, 1):
        x = gap.replace(fold=fold)
        assert m.echo_jiff_zoned(x).timestamp() == x.timestamp()
    x = dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert m.echo_jiff_zoned(x) == x and m.echo_jiff_zoned(x).tzinfo == x.tzinfo
    with raises_type(TypeError, match="non-None tzinfo"):
        m.echo_jiff_zoned(dt.datetime(2024, 1, 1))
    with raises_type(TypeError, match="non-None tzinfo"):
        m.echo_jiff_timestamp(dt.datetime(2024, 1, 1))
    # Year 10000 in UTC cannot be a Python datetime.
    with raises_type(ValueError):
        m.echo_jiff_timestamp(dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(
            dt.timedelta(hours=-5))))


def test_jiff_durations(hpyrs_features):
    m = hpyrs_features
    for td in (dt.timedelta.min, dt.timedelta.max, dt.timedelta(microseconds=-1),
               dt.timedelta(days=-1, seconds=5), dt.timedelta(0)):
        assert m.echo_jiff_signed_duration(td) == td
    assert m.jiff_duration_from_parts(0, 1999) == dt.timedelta(microseconds=1)
    assert m.jiff_duration_from_parts(0, -1999) == dt.timedelta(microseconds=-1)
    assert m.jiff_duration_from_parts(-5, -999_999_999) == dt.timedelta(seconds=-5,
                                                                         microseconds=-999999)
    with raises_type(OverflowError):
        m.jiff_duration_from_parts(2**62, 0)
    assert m.jiff_span_text(dt.timedelta(days=1, microseconds=5)) == "PT86400.000005S"
    assert m.jiff_span_text(dt.timedelta(seconds=-90)) == "-PT90S"
    with raises_type(ValueError):
        m.jiff_span_text(dt.timedelta.max)  # beyond a span's range of seconds


@given(st.data())
@some
def test_jiff_property(hpyrs_features, data):
    zoneinfo = zoneinfo_or_skip()
    m = hpyrs_features
    x = data.draw(st.datetimes())
    assert m.echo_jiff_datetime(x) == x
    zone = data.draw(st.timezones() | st.builds(
        dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=-59),
                                   max_value=dt.timedelta(hours=23, minutes=59)).map(
            lambda d: dt.timedelta(seconds=int(d.total_seconds())))))
    y = data.draw(st.datetimes(timezones=st.just(zone)))
    try:
        y.utcoffset(), y.timestamp()
    except (OverflowError, ValueError):  # Python itself cannot place it
        return
    try:
        r = m.echo_jiff_zoned(y)
    except ValueError as e:
        # jiff's database skips the posix/ and right/ copies of the zones.
        assert y.tzinfo.key.startswith(("posix/", "right/")), str(e)
        assert "failed to find time zone" in str(e)
        return
    # Python and jiff read the same system database: the same instant, in
    # a gap too (fold says which offset the time was written in).
    assert r.timestamp() == y.timestamp()
    # jiff gives its own UTC for the zone named "UTC" (as PyO3): timezone.utc.
    assert r.tzinfo == y.tzinfo or (r.tzinfo is UTC and y.tzinfo.key in ("UTC", "Etc/UTC"))
    try:
        # The same instant written in the zone by Python, from UTC (not
        # `y.astimezone(UTC)`, which returns `y` itself, fold and all, when
        # the zone is UTC: a fold=1 on a fixed offset means nothing, and
        # jiff, rightly, gives 0).
        utc = (y.replace(tzinfo=None) - y.utcoffset()).replace(tzinfo=UTC)
        canonical = utc.astimezone(y.tzinfo)
    except OverflowError:  # year 0 or 10000 in UTC: Python has no such datetime
        canonical = None
    if canonical is not None and canonical.replace(tzinfo=None) == y.replace(tzinfo=None):
        # Not in a gap: the same wall-clock time, fold=1 only for a second one.
        assert (r.replace(tzinfo=None), r.fold) == (y.replace(tzinfo=None), canonical.fold)
    td = data.draw(st.timedeltas())
    assert m.echo_jiff_signed_duration(td) == td


# ---- time ----

def test_time_crate(hpyrs_features):
    m = hpyrs_features
    for d in (dt.date.min, dt.date(2024, 2, 29), dt.date.max):
        assert m.echo_time_date(d) == d and type(m.echo_time_date(d)) is dt.date
    for t in (dt.time(0), dt.time(23, 59, 59, 999999)):
        assert m.echo_time_time(t) == t
    assert m.echo_time_time(dt.time(1, tzinfo=UTC)) == dt.time(1)
    for x in (dt.datetime.min, dt.datetime.max, dt.datetime(2000, 1, 2, 3, 4, 5, 6)):
        assert m.echo_time_primitive(x) == x
    with raises_type(TypeError, match="without tzinfo"):
        m.echo_time_primitive(dt.datetime(2000, 1, 1, tzinfo=UTC))
    assert m.time_time_from_nanos(1, 2, 3, 456_789_999) == dt.time(1, 2, 3, 456789)
    for y in (-5, 0, 10000):
        with raises_type(ValueError):
            m.time_date_from_ymd(y, 1, 1)
    tz = dt.timezone(dt.timedelta(hours=-5, minutes=-30))
    x = dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=tz)
    r = m.echo_time_offset_datetime(x)
    assert r == x and r.utcoffset() == x.utcoffset()
    u = dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert m.echo_time_utc_datetime(u) == u and m.echo_time_utc_datetime(u).tzinfo is UTC
    with raises_type(ValueError, match="UTC timezone"):
        m.echo_time_utc_datetime(x)
    for f in (m.echo_time_utc_datetime, m.echo_time_offset_datetime):
        with raises_type(TypeError, match="non-None tzinfo"):
            f(dt.datetime(2024, 1, 1))
    assert m.echo_time_utc_offset(tz) == tz and m.echo_time_utc_offset(UTC) is UTC
    with raises_type(TypeError, match="datetime.tzinfo"):
        m.echo_time_utc_offset(5)
    for td in (dt.timedelta.min, dt.timedelta.max, dt.timedelta(microseconds=-1)):
        assert m.echo_time_duration(td) == td
    assert m.time_duration_from_parts(0, -1999) == dt.timedelta(microseconds=-1)
    assert m.time_duration_from_parts(-1, -500) == dt.timedelta(seconds=-1)
    with raises_type(OverflowError):
        m.time_duration_from_parts(2**62, 0)


def test_time_crate_fold(hpyrs_features):
    zoneinfo = zoneinfo_or_skip()
    ny = zoneinfo.ZoneInfo("America/New_York")
    m = hpyrs_features
    for fold, hours in ((0, -4), (1, -5)):
        x = dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=fold)
        r = m.echo_time_offset_datetime(x)
        assert r.utcoffset() == dt.timedelta(hours=hours) and r.timestamp() == x.timestamp()


@given(st.datetimes(), st.datetimes(timezones=st.timezones(), allow_imaginary=False),
       st.timedeltas())
@some
def test_time_crate_property(hpyrs_features, naive, aware, td):
    m = hpyrs_features
    assert m.echo_time_primitive(naive) == naive
    assert m.echo_time_date(naive.date()) == naive.date()
    assert m.echo_time_time(naive.time()) == naive.time()
    assert m.echo_time_duration(td) == td
    try:
        aware.utcoffset()
    except Exception:  # noqa: BLE001 -- a zone Python itself cannot use here
        return
    r = m.echo_time_offset_datetime(aware)
    assert r == aware and r.utcoffset() == aware.utcoffset()
    u = naive.replace(tzinfo=UTC)
    assert m.echo_time_utc_datetime(u) == u
