"""hpy-rs's conversions against PyO3 0.30.1's: every function both
modules have (the echo_* functions, cow_str, anyhow_parse) gets every value
of CORPUS; both must return equal objects of the same type (compared by
type and repr, which shows a datetime's offset and fold; a hash map's dict
sorted) or raise the same exception type (PyO3's PanicException
included). Known, deliberate differences are listed in DIFFERENCES
with their reason, and each must still be a difference (so the list cannot
go stale)."""

import datetime as dt
import decimal
import fractions
import ipaddress
import math
import uuid

import differential_build as build  # bench/, on sys.path by conftest.py
import pytest

UTC = dt.timezone.utc
D = decimal.Decimal


class Idx:
    def __index__(self):
        return 2**70

    def __repr__(self):
        return "Idx()"


class Rat:
    """A rational that is not a Fraction: any numerator and denominator,
    even a negative or zero denominator."""

    def __init__(self, numerator, denominator):
        self.numerator, self.denominator = numerator, denominator

    def __repr__(self):
        return f"Rat({self.numerator}, {self.denominator})"


F = fractions.Fraction


def _corpus():
    values = [
        None, True, False, 0, 1, -1, 255, 256, 2**31, 2**63 - 1, -2**63, 2**63, 2**64 - 1,
        2**64, -2**64, 10**40, -10**40, 2**1000, -(2**1000), Idx(), 0.0, 1.5, -2.5,
        float("nan"), "", "x", "héllo", "10.0.0.1", "::1", "1.5", "12", "fail",
        "not an address", b"ab", bytearray(b"ab"), [], [1, 2], (1, 2), {}, {"a": 1},
        dt.date(2024, 2, 29), dt.date.min, dt.date.max,
        dt.time(0), dt.time(23, 59, 59, 999999), dt.time(1, 2, 3, tzinfo=UTC),
        dt.datetime(2024, 3, 1, 2, 3, 4, 5), dt.datetime.min, dt.datetime.max,
        dt.datetime(2024, 3, 1, 2, 3, 4, 5, tzinfo=UTC),
        dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
        dt.datetime(1970, 1, 1, tzinfo=UTC),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
        dt.timedelta(0), dt.timedelta(days=3, seconds=5, microseconds=7),
        dt.timedelta(microseconds=-1), dt.timedelta.max, dt.timedelta.min,
        UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(seconds=1, microseconds=5)),
        D("0"), D("1.50"), D("-3.14159"), D("1e5"), D("1.5e-3"), D("NaN"), D("Infinity"),
        D("-Infinity"), D("79228162514264337593543950335"), D("79228162514264337593543950336"),
        D("0.0000000000000000000000000001"), D("1e100"),
        uuid.UUID(int=0), uuid.UUID(int=2**128 - 1),
        uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678",
        ipaddress.IPv4Address("192.168.0.1"), ipaddress.IPv6Address("2001:db8::1"),
        object(),
        # issue 41: complex, fractions, more decimals, floats, byte buffers,
        # maps and sets
        1j, -1.5 + 2j, complex(math.inf, -0.0), complex(math.nan, 1), math.inf, -0.0,
        F(1, 3), F(-3, 4), F(127, 126), F(128), F(3**100, 2**200), F(-(2**63), 3),
        Rat(3, -6), Rat(-4, -8), Rat(1, 0), Rat(-128, -1), Rat(1.5, 2),
        D("-0.00"), D("1E+999999"), D("-1E-999999"), D("9" * 60 + ".5"), D("sNaN"),
        memoryview(b"ab"), {"b": 2, "a": 1}, {"a": "x"}, [("a", 1), ("b", 2)],
        list(range(6)), ["a", "b", "c"], {1, 2}, frozenset({3}), set(),
    ]
    try:
        import zoneinfo
        ny = zoneinfo.ZoneInfo("America/New_York")
        values += [dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=f) for f in (0, 1)]
        values += [dt.datetime(2024, 7, 1, 12, tzinfo=ny)]
    except Exception:  # noqa: BLE001 -- no time zone database: fewer values
        pass
    return values


class KeyedZone(dt.tzinfo):
    """A tzinfo that is not a ZoneInfo but has a key, naming no zone."""
    key = "Not/AZone"

    def utcoffset(self, d):
        return dt.timedelta(hours=1)

    def __repr__(self):
        return "KeyedZone()"


def _date_corpus():
    """Values for chrono-tz, chrono-local, jiff-02 and time: named zones,
    gaps and folds, the ends of the range, sub-second offsets."""
    values = [KeyedZone(), dt.datetime(2024, 5, 1, 12, tzinfo=KeyedZone()),
              dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
              dt.datetime(1, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
              dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=1, microseconds=5))),
              dt.timedelta(days=-3, microseconds=1), dt.timedelta(days=7300000),
              dt.time(12, 30, 15, 123456, fold=1), dt.datetime(2000, 2, 29, 23, 59, 59, 999999)]
    try:
        import zoneinfo
        london, paris = zoneinfo.ZoneInfo("Europe/London"), zoneinfo.ZoneInfo("Europe/Paris")
        values += [london, paris, zoneinfo.ZoneInfo("UTC"), zoneinfo.ZoneInfo("Etc/UTC"),
                   zoneinfo.ZoneInfo("Asia/Kolkata"), zoneinfo.ZoneInfo("Etc/GMT-5")]
        values += [dt.datetime(2020, 10, 25, 1, 30, tzinfo=london, fold=f) for f in (0, 1)]
        values += [dt.datetime(2021, 3, 28, 1, 30, tzinfo=london, fold=f) for f in (0, 1)]
        values += [dt.datetime(2011, 12, 30, 12, tzinfo=zoneinfo.ZoneInfo("Pacific/Apia")),
                   dt.datetime(1, 1, 1, tzinfo=paris), dt.datetime(9999, 12, 31, 23, tzinfo=paris),
                   dt.datetime(2024, 7, 14, 9, 15, 1, 7, tzinfo=paris)]
    except Exception:  # noqa: BLE001 -- no time zone database: fewer values
        pass
    return values


CORPUS = _corpus() + _date_corpus()

# (function, repr of the value): why hpy-rs differs from PyO3 there.
BIGUINT_NEGATIVE = ("the issue asks for the exception a Python user expects, the same on every "
                    "interpreter: OverflowError (CPython's own 'can't convert negative int to "
                    "unsigned'); PyO3 0.30.1 raises ValueError on 3.13+ (PyLong_AsNativeBytes) "
                    "and OverflowError before")
ZONE = ("hpy-rs reads the datetime's own utcoffset(), so an aware datetime in any zone "
        "converts to DateTime<FixedOffset> (fold respected); PyO3 requires a fixed-offset "
        "tzinfo and raises TypeError")
DIFFERENCES = {
    ("echo_biguint", repr(v)): BIGUINT_NEGATIVE
    for v in (-1, -2**63, -2**64, -10**40, -(2**1000))
}
DIFFERENCES.update({("echo_datetime_fixed", repr(v)): ZONE for v in CORPUS
                    if isinstance(v, dt.datetime) and v.tzinfo is not None
                    and type(v.tzinfo).__name__ == "ZoneInfo"})
# jiff's Zoned to Python: PyO3 0.30.1 decides fold by comparing the offset
# with the one a transition starts (not the one it ends), so the second of
# two equal wall-clock times comes back with fold=0: an hour earlier.
SECOND_FOLD = ("PyO3 0.30.1 drops fold=1 of the second of two equal wall-clock times when a "
               "jiff Zoned goes to Python (a different instant); hpy-rs keeps it")


def _second_of_two(v):
    """An aware datetime that is the second of two equal wall-clock times."""
    if not (isinstance(v, dt.datetime) and v.fold == 1 and v.tzinfo is not None):
        return False
    first = v.replace(fold=0)
    # Ambiguous, not a gap: both readings are real times of that zone.
    return (first.utcoffset() != v.utcoffset()
            and first.astimezone(UTC).astimezone(v.tzinfo).replace(tzinfo=None)
            == v.replace(tzinfo=None))


DIFFERENCES.update({("echo_jiff_zoned", repr(v)): SECOND_FOLD for v in CORPUS
                    if _second_of_two(v)})
# time's OffsetDateTime reads the datetime's utcoffset() as chrono's
# DateTime<FixedOffset> does (ZONE): any tzinfo that is not fixed.
DIFFERENCES.update({("echo_time_offset_datetime", repr(v)): ZONE for v in CORPUS
                    if isinstance(v, dt.datetime) and v.tzinfo is not None
                    and type(v.tzinfo).__name__ == "ZoneInfo"})

# issue 41's features
RATIOS = ("echo_ratio_i8", "echo_ratio_i32", "echo_ratio_i64", "echo_ratio_isize",
          "echo_ratio_bigint")
RATIO_TYPE = ("a value without numerator/denominator is a TypeError naming the accepted types "
              "(fractions.Fraction or int), as every other wrong type; PyO3 lets getattr's "
              "AttributeError through")
RATIO_ZERO = ("a zero denominator is ZeroDivisionError, as Fraction(1, 0); PyO3 panics in "
              "Ratio::new (PanicException)")
RATIO_OVERFLOW = ("-128/-1 reduces to 128/1, beyond i8: OverflowError; PyO3's Ratio::new "
                  "overflows (a panic in a debug build)")
RATIO_FLOAT_PART = ("a numerator must be an integer (TypeError); PyO3 truncates it with int()")
BIGDECIMAL_TYPE = ("only decimal.Decimal, int, float and str are read (TypeError for other "
                   "types); PyO3 parses any object's str() and raises ValueError (or succeeds: "
                   "str(Fraction(128)) is '128')")
BIGDECIMAL_BOOL = ("a bool is an int (Decimal(True) == 1); PyO3 parses str(True) and raises "
                   "ValueError")
DICT_INPUT = ("hpy-rs maps accept what dict() accepts, as std's HashMap does in hpy-rs "
              "(docs/conversions.md): an iterable of pairs too; PyO3 takes only a dict")
SET_INPUT = ("hpy-rs sets accept any iterable except str and dict, as std's HashSet does in "
             "hpy-rs; PyO3 takes only set and frozenset")
SEQ_INPUT = ("hpy-rs reads SmallVec as Vec: any iterable except str and dict (sets too); "
             "PyO3 requires a Sequence")


def _is_iterable(v):
    try:
        iter(v)
    except TypeError:
        return False
    return True


for v in CORPUS:
    r = repr(v)
    if isinstance(v, Rat):
        if v.denominator == 0:
            DIFFERENCES.update({(f, r): RATIO_ZERO for f in RATIOS})
        elif isinstance(v.numerator, float):
            DIFFERENCES.update({(f, r): RATIO_FLOAT_PART for f in RATIOS})
    elif not hasattr(v, "numerator"):
        DIFFERENCES.update({(f, r): RATIO_TYPE for f in RATIOS})
    if isinstance(v, bool):
        DIFFERENCES[("echo_bigdecimal", r)] = BIGDECIMAL_BOOL
    elif not isinstance(v, (int, float, str, decimal.Decimal)):
        DIFFERENCES[("echo_bigdecimal", r)] = BIGDECIMAL_TYPE
    if (_is_iterable(v) and not isinstance(v, (str, bytes, bytearray, memoryview, dict))
            and all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str)
                    and isinstance(p[1], int) for p in v)):
        DIFFERENCES[("echo_indexmap", r)] = DICT_INPUT
        DIFFERENCES[("echo_hashbrown_map", r)] = DICT_INPUT
    if (_is_iterable(v) and not isinstance(v, (str, dict, set, frozenset))
            and all(isinstance(x, int) and -2**63 <= x < 2**63 for x in v)):
        DIFFERENCES[("echo_hashbrown_set", r)] = SET_INPUT
    if isinstance(v, (set, frozenset)):
        DIFFERENCES[("echo_smallvec", r)] = SEQ_INPUT
        DIFFERENCES[("echo_either_list_float", r)] = SEQ_INPUT
        if all(isinstance(x, int) and 0 <= x < 256 for x in v):
            DIFFERENCES[("echo_smallvec_bytes", r)] = SEQ_INPUT
        if all(isinstance(x, str) for x in v):
            DIFFERENCES[("echo_smallvec_str", r)] = SEQ_INPUT
DIFFERENCES[("echo_ratio_i8", repr(Rat(-128, -1)))] = RATIO_OVERFLOW


# Functions whose result's order is arbitrary (a hash map's): their dicts
# are compared sorted.
UNORDERED = {"echo_hashbrown_map"}


def _sorted_dict(r):
    if isinstance(r, dict):
        return (type(r).__name__, repr(sorted(r.items())))
    return (type(r).__name__, repr(r))


def outcome(f, value, unordered=False):
    return build.outcome(f, value, _sorted_dict if unordered else None)


def functions(pyo3_module, hpy_module):
    names = sorted(n for n in dir(pyo3_module)
                   if not n.startswith("_") and callable(getattr(pyo3_module, n)))
    assert len(names) >= 18, names
    missing = [n for n in names if not hasattr(hpy_module, n)]
    assert not missing, missing
    return names


def test_same_results_or_same_exception_types(pyo3_module, hpy_module):
    names = functions(pyo3_module, hpy_module)
    mismatches, checked = [], 0
    for name in names:
        for value in CORPUS:
            key = (name, repr(value))
            unordered = name in UNORDERED
            theirs = outcome(getattr(pyo3_module, name), value, unordered)
            ours = outcome(getattr(hpy_module, name), value, unordered)
            checked += 1
            if (theirs == ours) != (key not in DIFFERENCES):
                mismatches.append(f"{name}({value!r}): PyO3 {theirs}, hpy-rs {ours}"
                                  + (f" [listed: {DIFFERENCES[key]}]" if key in DIFFERENCES else ""))
    print(f"\ndifferential check: {len(names)} functions x {len(CORPUS)} values = "
          f"{checked} calls, {len(mismatches)} unexpected mismatches, "
          f"{len(DIFFERENCES)} listed differences")
    assert not mismatches, "\n".join(mismatches)
