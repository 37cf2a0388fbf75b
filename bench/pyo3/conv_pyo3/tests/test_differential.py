"""hpy-rs's conversions against PyO3 0.30.1's: every function both
modules have (the echo_* functions, cow_str, anyhow_parse) gets every value
of CORPUS; both must return equal objects of the same type (compared by
type and repr, which shows a datetime's offset and fold) or raise the same
exception type. Known, deliberate differences are listed in DIFFERENCES
with their reason, and each must still be a difference (so the list cannot
go stale)."""

import datetime as dt
import decimal
import ipaddress
import uuid

import pytest

UTC = dt.timezone.utc
D = decimal.Decimal


class Idx:
    def __index__(self):
        return 2**70

    def __repr__(self):
        return "Idx()"


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


def outcome(f, value):
    try:
        r = f(value)
    except Exception as e:  # noqa: BLE001 -- the type is what is compared
        return ("raised", type(e).__name__)
    return ("ok", type(r).__name__, repr(r))


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
            theirs = outcome(getattr(pyo3_module, name), value)
            ours = outcome(getattr(hpy_module, name), value)
            checked += 1
            if (theirs == ours) != (key not in DIFFERENCES):
                mismatches.append(f"{name}({value!r}): PyO3 {theirs}, hpy-rs {ours}"
                                  + (f" [listed: {DIFFERENCES[key]}]" if key in DIFFERENCES else ""))
    print(f"\ndifferential check: {len(names)} functions x {len(CORPUS)} values = "
          f"{checked} calls, {len(mismatches)} unexpected mismatches, "
          f"{len(DIFFERENCES)} listed differences")
    assert not mismatches, "\n".join(mismatches)
