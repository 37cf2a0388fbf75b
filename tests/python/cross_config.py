"""One corpus of calls for every configuration (interpreter x ABI x mode),
and the comparison of their outcomes.

`test_cross_config.py` runs CORPUS through every one-argument `echo_*`
function of hpyrs_test, hpyrs_conv and hpyrs_features in the run's
configuration, checks the integer and float conversions against CPython's
own rules (an oracle written in Python, so that check holds in every
configuration by itself), and, when `HPY_RS_DIFF_DIR` is set, writes the
outcome of every call to `$HPY_RS_DIFF_DIR/<configuration>.json`.

    python tests/python/cross_config.py compare DIR

then compares every configuration's file with the reference, CPython
3.14's CPython ABI (`cpython3.14-cpython.json`): the same result (type and
repr) or the same exception (type and message). Each difference must be
listed in KNOWN with its reason, and each entry of KNOWN must still match
a difference of some configuration (so the list cannot go stale). Exit
status 1 on an unlisted difference or a stale entry, 2 when the reference
is missing.
"""

import datetime as dt
import decimal
import fnmatch
import fractions
import ipaddress
import json
import math
import operator
import os
import re
import sys
import uuid

REFERENCE = "cpython3.14-cpython"

# (configuration pattern, function pattern, value pattern, kind, reason):
# a difference from the reference that is known and kept. Patterns are
# fnmatch patterns over the configuration name (`pypy3.11-debug`,
# `cpython3.12-universal-hpy_rs_universal`), `module.function` and the
# value's label. Kind "message": only the message (or a result's repr)
# differs, the outcome and its type are the same; "any": anything may.
KNOWN = [
    ("*", "*", "FloatLies()", "message",
     "the interpreter's own message for a __float__ returning an int: 'FloatLies.__float__ "
     "returned non-float (type int)' (CPython 3.11-3.14), \"__float__ returned non-float "
     "(type 'int')\" (PyPy), '...FloatLies.__float__() must return a float, not int' (3.15)"),
    ("cpython3.15*", "*", "IndexLies()", "message",
     "CPython 3.15's own message for an __index__ returning a float: '...IndexLies.__index__() "
     "must return an int, not float' (3.14: '__index__ returned non-int (type float)')"),
    ("pypy*", "hpyrs_features.echo_*tz", "*", "message",
     "the AttributeError (no attribute 'key') is the interpreter's: PyPy names the type "
     "without its module ('Decimal', CPython 'decimal.Decimal')"),
    ("pypy*", "hpyrs_features.echo_datetime_local", "*", "message",
     "the same datetime in the same ZoneInfo; PyPy's ZoneInfo repr is 'ZoneInfo(key=...)', "
     "CPython's 'zoneinfo.ZoneInfo(key=...)'"),
    ("pypy*", "hpyrs_features.echo_ratio_*", "IntSub(3)", "any",
     "Ratio reads numerator and denominator as Python code does, and PyPy's int.numerator of "
     "an int subclass calls its __int__ (IntSub(3).numerator is 98 on PyPy itself, 3 on "
     "CPython)"),
    ("pypy*", "hpyrs_features.echo_ip*", "IntSub(3)", "message",
     "an address is parsed from str(), and PyPy's str() of an int subclass is int.__str__ "
     "('3'), CPython's its __repr__ ('IntSub(3)'): ValueError on both"),
    ("*", "hpyrs_conv.echo_tuple*", "(1, 2)", "message",
     "the interpreter's own message for too many values to unpack: CPython 3.14 adds "
     "', got 2'"),
]


# ------------------------------------------------------------ the corpus


class Label:
    """A value whose label does not depend on the interpreter (no
    address in its repr)."""

    def __init__(self, label):
        self._label = label

    def __repr__(self):
        return self._label


class OnlyInt(Label):
    def __int__(self):
        return 5


class OnlyIndex(Label):
    def __index__(self):
        return 6


class OnlyFloat(Label):
    def __float__(self):
        return 2.5


class IndexRaises(Label):
    def __index__(self):
        raise KeyError("from __index__")


class FloatRaises(Label):
    def __float__(self):
        raise ValueError("from __float__")


class FloatRaisesTypeError(Label):
    def __float__(self):
        raise TypeError("from __float__")

    def __index__(self):
        return 3


class IndexLies(Label):
    """__index__ returns a float."""

    def __index__(self):
        return 1.5


class FloatLies(Label):
    """__float__ returns an int."""

    def __float__(self):
        return 1


class BigIndex(Label):
    def __index__(self):
        return 2**70


class IntSub(int):
    def __index__(self):
        return 99

    def __int__(self):
        return 98

    def __float__(self):
        return 97.5

    def __repr__(self):
        return f"IntSub({int.__repr__(self)})"


class FloatSub(float):
    def __float__(self):
        return 1.25

    def __index__(self):
        return 7

    def __repr__(self):
        return f"FloatSub({float.__repr__(self)})"


class StrSub(str):
    def __str__(self):
        return "lie"

    def __repr__(self):
        return f"StrSub({str.__repr__(self)})"


class ListSub(list):
    def __iter__(self):
        return iter([9])

    def __repr__(self):
        return f"ListSub({list.__repr__(self)})"


class DictSub(dict):
    def items(self):
        return [("lie", 0)]

    def __repr__(self):
        return f"DictSub({dict.__repr__(self)})"


class LenLies(Label):
    def __len__(self):
        return 3

    def __getitem__(self, i):
        if i < 2:
            return i
        raise IndexError(i)


class NoOffset(dt.tzinfo):
    def utcoffset(self, d):
        return None

    def __repr__(self):
        return "NoOffset()"


def corpus():
    """The values every function is called with: valid values of every
    conversion, edges, and hostile ones."""
    D, F = decimal.Decimal, fractions.Fraction
    values = [
        None, True, False, 0, 1, -1, 127, 128, 255, 256, -129, 2**31 - 1, 2**31, 2**32,
        2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64 - 1, 2**64, -2**64, 2**127, 2**128,
        10**40, -(10**40), 0.0, -0.0, 1.5, -2.5, 1e300, math.inf, -math.inf, math.nan,
        1j, complex(1.5, -2),
        "", "x", "héllo", "12", "1.5", "10.0.0.1", "::1", "\ud800",
        b"", b"ab", bytearray(b"ab"), memoryview(b"ab"),
        [], [1, 2], (1, 2), [1.5, 2.5], ["a", "b"], [("a", 1), ("b", 2)], {}, {"a": 1},
        {"a": 1, "b": 2}.items(), {1, 2}, frozenset({3}), range(3),
        D("0"), D("1"), D("1.5"), D("-3.14159"), D("NaN"), D("Infinity"), D("1e100"),
        F(7, 2), F(1, 3), F(4, 2),
        dt.date(2024, 2, 29), dt.time(1, 2, 3, 4), dt.datetime(2024, 3, 1, 2, 3, 4, 5),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(2024, 3, 1, tzinfo=NoOffset()),
        dt.timedelta(0), dt.timedelta(days=3, seconds=5, microseconds=7),
        dt.timedelta(microseconds=-1), dt.timezone.utc, dt.timezone(dt.timedelta(hours=2)),
        uuid.UUID(int=2**128 - 1), ipaddress.IPv4Address("192.168.0.1"),
        ipaddress.IPv6Address("2001:db8::1"),
        OnlyInt("OnlyInt()"), OnlyIndex("OnlyIndex()"), OnlyFloat("OnlyFloat()"),
        IndexRaises("IndexRaises()"), FloatRaises("FloatRaises()"),
        FloatRaisesTypeError("FloatRaisesTypeError()"), IndexLies("IndexLies()"),
        FloatLies("FloatLies()"), BigIndex("BigIndex()"),
        IntSub(3), FloatSub(2.0), StrSub("abc"), ListSub([1, 2]), DictSub({"a": 1}),
        LenLies("LenLies()"), Label("object()"),
    ]
    return values


def label(value):
    """A value's label: its repr, the same in every configuration."""
    text = repr(value)
    return re.sub(r" at 0x[0-9a-f]+", " at 0x?", text)


def outcome(f, value, unordered=False):
    """What `f(value)` gives: ("ok", type name, repr) or ("raised", type
    name, message), with addresses taken out. A set's items are shown
    sorted (its order follows hashes, which differ per process), and so
    are a dict's where `unordered` (a hash map's order is arbitrary)."""
    try:
        r = f(value)
    except Exception as e:  # noqa: BLE001 -- every exception is an outcome
        return ["raised", type(e).__name__, re.sub(r" at 0x[0-9a-f]+", " at 0x?", str(e))]
    if isinstance(r, (set, frozenset)):
        return ["ok", type(r).__name__, repr(sorted(label(x) for x in r))]
    if unordered and isinstance(r, dict):
        return ["ok", type(r).__name__, repr(sorted(label(x) for x in r.items()))]
    return ["ok", type(r).__name__, label(r)]


# --------------------------------------------------------------- oracles

INT_RANGES = {
    "i8": (-2**7, 2**7 - 1), "i16": (-2**15, 2**15 - 1), "i32": (-2**31, 2**31 - 1),
    "i64": (-2**63, 2**63 - 1), "isize": (-2**63, 2**63 - 1), "i128": (-2**127, 2**127 - 1),
    "u8": (0, 2**8 - 1), "u16": (0, 2**16 - 1), "u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1),
    "usize": (0, 2**64 - 1), "u128": (0, 2**128 - 1),
}


def expected_int(target, value):
    """CPython's rule for an integer argument (PyLong_AsLong and co.,
    3.10+): an int as it is, else __index__ (never __int__); out of range
    OverflowError. Returns ("ok", int) or ("raised", exception name)."""
    if isinstance(value, int):
        n = int.__add__(value, 0)  # its int value (PyPy's int.__index__ asks __int__)
    elif hasattr(type(value), "__index__"):
        try:
            n = operator.index(value)
        except Exception as e:  # noqa: BLE001
            # hpy-rs rewords a TypeError as "must be int, not T"; others pass.
            return ("raised", type(e).__name__)
    else:
        return ("raised", "TypeError")
    lo, hi = INT_RANGES[target]
    if not lo <= n <= hi:
        return ("raised", "OverflowError")
    return ("ok", n)


def expected_float(value):
    """CPython's rule for a float argument (PyFloat_AsDouble): a float's
    value, else __float__, else __index__."""
    if isinstance(value, float):
        return ("ok", float.__float__(value))
    try:
        if hasattr(type(value), "__float__"):
            r = type(value).__float__(value)
            if not isinstance(r, float):
                return ("raised", "TypeError")
            return ("ok", float.__float__(r))
        if hasattr(type(value), "__index__"):
            return ("ok", float(operator.index(value)))
    except Exception as e:  # noqa: BLE001
        return ("raised", type(e).__name__)
    return ("raised", "TypeError")


def _same_number(got, expected):
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    return got == expected and type(got) is type(expected)


def run_corpus(modules):
    """Every value of the corpus through every `echo_*` function of
    `modules` (name -> module). Returns the outcomes (`module.function|
    value` -> outcome) and the integer and float calls whose outcome is not
    CPython's rule's."""
    import warnings

    values = corpus()
    results, wrong = {}, []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for mod_name, module in sorted(modules.items()):
            for name in sorted(n for n in dir(module) if n.startswith("echo_")):
                f = getattr(module, name)
                target = name[len("echo_"):]
                for v in values:
                    got = outcome(f, v, unordered="hash" in name)
                    results[f"{mod_name}.{name}|{label(v)}"] = got
                    if mod_name != "hpyrs_test":
                        continue
                    if target in INT_RANGES:
                        expected = expected_int(target, v)
                    elif target == "f64":
                        expected = expected_float(v)
                    else:
                        continue
                    if expected[0] == "raised":
                        ok = got[0] == "raised" and got[1] == expected[1]
                    else:
                        ok = got[0] == "ok" and _same_number(f(v), expected[1])
                    if not ok:
                        wrong.append(f"{name}({label(v)}): {got}, CPython's rule: {expected}")
    return results, wrong


# ------------------------------------------------------------ comparison


def compare(folder):
    files = {os.path.basename(p)[:-5]: os.path.join(folder, p)
             for p in os.listdir(folder) if p.endswith(".json")}
    if REFERENCE not in files:
        print(f"cross-config: no reference {REFERENCE}.json in {folder} "
              f"(have: {', '.join(sorted(files)) or 'nothing'})")
        return 2
    with open(files[REFERENCE]) as f:
        ref = json.load(f)
    known = KNOWN
    used = [False] * len(known)
    unlisted = []
    total = 0
    for config in sorted(files):
        if config == REFERENCE:
            continue
        with open(files[config]) as f:
            got = json.load(f)
        for key, theirs in ref.items():
            total += 1
            ours = got.get(key)
            if ours == theirs:
                continue
            func, _, value = key.partition("|")
            same_kind = ours is not None and ours[:2] == theirs[:2]
            hits = [i for i, (c, fn, v, kind, _) in enumerate(known)
                    if fnmatch.fnmatchcase(config, c) and fnmatch.fnmatchcase(func, fn)
                    and fnmatch.fnmatchcase(value, v) and (kind == "any" or same_kind)]
            for i in hits:
                used[i] = True
            if not hits:
                unlisted.append(f"{config}: {func}({value}): reference {theirs}, here {ours}")
    stale = [known[i] for i, u in enumerate(used) if not u]
    print(f"cross-config: {len(files)} configurations, {len(ref)} calls each, {total} compared "
          f"with {REFERENCE}; {len(unlisted)} unlisted differences, {len(known)} listed, "
          f"{len(stale)} stale")
    for line in unlisted[:200]:
        print("  " + line)
    for entry in stale:
        print(f"  stale (no longer a difference): {entry}")
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "compare":
        sys.exit("usage: cross_config.py compare DIR")
    sys.exit(compare(sys.argv[2]))
