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
    # The ports' public APIs.
    ("cpython3.1[12]-*", "xxhash.*.set_new_attr", "-", "message",
     "the interpreter's own AttributeError: CPython 3.13 added ' and no __dict__ for "
     "setting new attributes'"),
    ("pypy*", "xxhash.*.set_new_attr", "-", "any",
     "PyPy 7.3.19 gives every instance of an HPy class a __dict__ (xxh32().other = 1, "
     "rpds.List().other = 1 work there); CPython refuses"),
    ("pypy*", "xxhash.*.set_type_attr", "-", "any",
     "immutable_type: HPy 0.9's type spec has no such flag, so on PyPy the class stays "
     "mutable (docs/classes.md)"),
    ("cpython*-hpy_universal", "xxhash.*.set_type_attr", "-", "any",
     "immutable_type through HPy's own hpy.universal: it knows no such flag either, so the "
     "class stays mutable there (docs/classes.md); hpy_rs_universal freezes it"),
    ("pypy*", "xxhash.*.subclass", "-", "any",
     "PyPy 7.3.19 does not enforce HPy_TPFLAGS_BASETYPE: a class without it can be "
     "subclassed from Python there (docs/classes.md)"),
    ("pypy*", "xxhash.*seed*", "Decimal('1')", "message",
     "PyPy names the type without its module: \"'Decimal' object cannot be interpreted as "
     "an integer\" (CPython 'decimal.Decimal')"),
    ("pypy*", "rpds.*", "HashLies()", "message",
     "the interpreter's own message for a __hash__ returning a str: PyPy adds \"not 'str'\""),
    ("pypy*", "rpds.List.new", "*", "message",
     "List(v) reads reversed(v), and what reversed() refuses has the interpreter's message: "
     "PyPy \"'int' has no length\" or 'argument to reversed() must be a sequence', CPython "
     "\"'int' object is not reversible\""),
    ("pypy*", "rpds.empty.reversed", "*", "message",
     "the same reversed() message for a HashTrieSet, Queue or Stack (none is a sequence)"),
] + [
    ("pypy*", func, "*", "message",
     "the interpreter's own message names a type without its module on PyPy ('Variable', "
     "'Decimal', 'HashTrieMap'; CPython 'kiwisolver.Variable', 'decimal.Decimal', "
     "'rpds.HashTrieMap'), and PyPy's str * x and str + x ask x first (\"'Variable' object "
     "cannot be interpreted as an integer\", CPython \"can't multiply sequence by non-int\")")
    for func in ["kiwisolver.Variable.*", "kiwisolver.Term.mul", "kiwisolver.Expression.mul",
                 "kiwisolver.Expression.truediv", "rpds.HashTrie*.new", "rpds.HashTrieMap.update",
                 "rpds.HashTrieSet.or", "rpds.Queue.new", "rpds.empty.*"]
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


# ------------------------------------------------- the ports' public APIs
#
# The ports (examples/rpds, examples/kiwisolver, examples/xxhash) through
# their Python APIs: each call is a thunk named `port.Class.operation` and
# labelled by its argument. Whatever depends on hash() (which differs
# between PyPy and CPython, and per process for str) is shown order-free:
# a hash-trie's items sorted, a hash compared with another hash, never
# shown.


class HashRaises(Label):
    def __hash__(self):
        raise ZeroDivisionError("from __hash__")


class EqRaises(Label):
    """Equal hashes, so a second key is compared, and __eq__ raises."""

    def __hash__(self):
        return 7

    def __eq__(self, other):
        raise KeyError("from __eq__")


class HashLies(Label):
    """__hash__ returns a str."""

    def __hash__(self):
        return "seven"


class HashHuge(Label):
    """__hash__ returns an int wider than a machine word."""

    def __hash__(self):
        return 2**100 + 3

    def __eq__(self, other):
        return isinstance(other, HashHuge)


class BytesSub(bytes):
    def __repr__(self):
        return f"BytesSub({bytes.__repr__(self)})"


def _shown(r):
    """A port's result, shown without anything that follows hash() or
    addresses: a set, a hash trie and its views as their sorted item labels
    (a map's keys and then its items)."""
    name = type(r).__name__
    if isinstance(r, (set, frozenset)) or (
            type(r).__module__ == "rpds" and ("Hash" in name or "View" in name)):
        shown = repr(sorted(label(x) for x in r))
        if name == "HashTrieMap":
            shown += " " + repr(sorted(label(x) for x in r.items()))
        return ["ok", name, shown]
    return ["ok", name, label(r)]


def _port_outcome(thunk):
    try:
        r = thunk()
    except Exception as e:  # noqa: BLE001 -- every exception is an outcome
        return ["raised", type(e).__name__, re.sub(r" at 0x[0-9a-f]+", " at 0x?", str(e))]
    return _shown(r)


def _rpds_keys():
    """Fresh key objects (label, factory): valid, edge and hostile."""
    return [
        ("0", lambda: 0), ("1", lambda: 1), ("-1", lambda: -1), ("2**64", lambda: 2**64),
        ("'a'", lambda: "a"), ("''", lambda: ""), ("'\\ud800'", lambda: "\ud800"),
        ("b'x'", lambda: b"x"), ("(1, 2)", lambda: (1, 2)), ("None", lambda: None),
        ("True", lambda: True), ("1.0", lambda: 1.0), ("-0.0", lambda: -0.0),
        ("nan", lambda: math.nan), ("IntSub(3)", lambda: IntSub(3)),
        ("StrSub('abc')", lambda: StrSub("abc")), ("FloatSub(2.0)", lambda: FloatSub(2.0)),
        ("frozenset({1})", lambda: frozenset({1})),
        ("HashRaises()", lambda: HashRaises("HashRaises()")),
        ("EqRaises()", lambda: EqRaises("EqRaises()")),
        ("HashLies()", lambda: HashLies("HashLies()")),
        ("HashHuge()", lambda: HashHuge("HashHuge()")),
        ("[1]", lambda: [1]), ("{}", lambda: {}),
    ]


def rpds_calls(rpds):
    M, S, L, Q, St = rpds.HashTrieMap, rpds.HashTrieSet, rpds.List, rpds.Queue, rpds.Stack
    calls = []

    def add(op, arg, thunk):
        calls.append((f"rpds.{op}|{arg}", thunk))

    base = M({"a": 1, 2: "b"})
    sbase = S(["a", 2])
    for lab, k in _rpds_keys():
        add("HashTrieMap.insert", lab, lambda k=k: M().insert(k(), 1))
        add("HashTrieMap.insert_twice", lab, lambda k=k: M().insert(k(), 1).insert(k(), 2))
        add("HashTrieMap.insert_into", lab, lambda k=k: base.insert(k(), 1))
        add("HashTrieMap.get", lab, lambda k=k: base.get(k(), "default"))
        add("HashTrieMap.getitem", lab, lambda k=k: base[k()])
        add("HashTrieMap.contains", lab, lambda k=k: k() in base)
        add("HashTrieMap.remove", lab, lambda k=k: base.remove(k()))
        add("HashTrieMap.discard", lab, lambda k=k: base.discard(k()))
        add("HashTrieMap.insert_remove", lab, lambda k=k: M().insert(k(), 1).remove(k()))
        add("HashTrieMap.fromkeys", lab, lambda k=k: M.fromkeys([k(), 1], 0))
        add("HashTrieMap.pairs", lab, lambda k=k: M([(k(), 1), (k(), 2)]))
        add("HashTrieMap.value_hash", lab,
            lambda k=k: hash(M({1: k()})) == hash(M({1: k()})))
        add("HashTrieMap.eq_dict", lab, lambda k=k: M().insert(1, k()) == {1: k()})
        add("HashTrieSet.insert", lab, lambda k=k: S().insert(k()))
        add("HashTrieSet.build", lab, lambda k=k: S([k(), k(), 1]))
        add("HashTrieSet.contains", lab, lambda k=k: k() in sbase)
        add("HashTrieSet.remove", lab, lambda k=k: sbase.remove(k()))
        add("HashTrieSet.discard", lab, lambda k=k: sbase.discard(k()))
        add("HashTrieSet.union", lab, lambda k=k: sbase | S().insert(k()))
        add("HashTrieSet.intersection", lab, lambda k=k: S([k(), 2]) & sbase)
        add("HashTrieSet.difference", lab, lambda k=k: S([k(), 2]) - sbase)
        add("HashTrieSet.symmetric_difference", lab, lambda k=k: S([k(), 2]) ^ sbase)
        add("List.build", lab, lambda k=k: L([k(), 1]))
        add("List.push_front", lab, lambda k=k: L([1]).push_front(k()))
        add("List.first_rest", lab, lambda k=k: (L([k(), 1]).first, L([k(), 1]).rest))
        add("List.eq", lab, lambda k=k: L([k()]) == L([k()]))
        add("List.hash_eq", lab, lambda k=k: hash(L([k()])) == hash(L([k()])))
        add("Queue.enqueue", lab, lambda k=k: Q([1]).enqueue(k()))
        add("Queue.peek_dequeue", lab, lambda k=k: (Q([k(), 1]).peek(), Q([k(), 1]).dequeue()))
        add("Queue.eq", lab, lambda k=k: Q([k()]) == Q([k()]))
        add("Stack.push_peek", lab, lambda k=k: (St().push(k()), St().push(k()).peek()))
    # Constructors and operations given the shared corpus's values.
    for v in corpus():
        lab = label(v)
        add("HashTrieMap.new", lab, lambda v=v: M(v))
        add("HashTrieMap.update", lab, lambda v=v: base.update(v))
        add("HashTrieMap.eq", lab, lambda v=v: base == v)
        add("HashTrieSet.new", lab, lambda v=v: S(v))
        add("HashTrieSet.or", lab, lambda v=v: sbase | v)
        add("List.new", lab, lambda v=v: L(v))
        add("Queue.new", lab, lambda v=v: Q(v))
    empty = [("HashTrieMap()", M()), ("HashTrieSet()", S()), ("List()", L()),
             ("Queue()", Q()), ("Stack()", St())]
    for lab, e in empty:
        for op, f in [("len", len), ("bool", bool), ("list", list), ("repr", repr),
                      ("first", lambda e: e.first), ("peek", lambda e: e.peek()),
                      ("rest", lambda e: e.rest), ("dequeue", lambda e: e.dequeue()),
                      ("pop", lambda e: e.pop()), ("lt", lambda e: e < e),
                      ("reversed", lambda e: list(reversed(e))),
                      ("kw", lambda e: type(e)(a=1))]:
            add(f"empty.{op}", lab, lambda e=e, f=f: f(e))
    return calls


def _numbers():
    D, F = decimal.Decimal, fractions.Fraction
    return [
        0, 1, -1, 2.5, -0.0, 2**64, 10**400, math.inf, math.nan, True, D("1.5"), F(7, 2),
        OnlyIndex("OnlyIndex()"), OnlyInt("OnlyInt()"), OnlyFloat("OnlyFloat()"),
        FloatLies("FloatLies()"), IndexRaises("IndexRaises()"), FloatRaises("FloatRaises()"),
        BigIndex("BigIndex()"), IntSub(3), FloatSub(2.0), "1", None, 1j,
    ]


def kiwisolver_calls(kiwi):
    V, T, E, C, Solver = (kiwi.Variable, kiwi.Term, kiwi.Expression, kiwi.Constraint,
                          kiwi.Solver)
    calls = []

    def add(op, arg, thunk):
        calls.append((f"kiwisolver.{op}|{arg}", thunk))

    x = V("x")
    for n in _numbers():
        lab = label(n)
        add("Term.new", lab, lambda n=n: T(x, n))
        add("Term.coefficient", lab, lambda n=n: T(x, n).coefficient())
        add("Variable.mul", lab, lambda n=n: x * n)
        add("Variable.rmul", lab, lambda n=n: n * x)
        add("Variable.truediv", lab, lambda n=n: x / n)
        add("Variable.rtruediv", lab, lambda n=n: n / x)
        add("Variable.add", lab, lambda n=n: x + n)
        add("Variable.radd", lab, lambda n=n: n + x)
        add("Variable.sub", lab, lambda n=n: x - n)
        add("Variable.rsub", lab, lambda n=n: n - x)
        add("Term.mul", lab, lambda n=n: T(x, 2) * n)
        add("Expression.mul", lab, lambda n=n: (x + 1) * n)
        add("Expression.truediv", lab, lambda n=n: (x + 1) / n)
        add("Expression.new", lab, lambda n=n: E([T(x)], n))
        add("Expression.constant", lab, lambda n=n: E([T(x)], n).constant())
        add("Variable.eq", lab, lambda n=n: x == n)
        add("Variable.le", lab, lambda n=n: x <= n)
        add("Variable.lt", lab, lambda n=n: x < n)
        add("Variable.ne", lab, lambda n=n: x != n)
        add("strength.create", lab, lambda n=n: kiwi.strength.create(n, 1, 1))
        add("strength.create_weight", lab, lambda n=n: kiwi.strength.create(1, 1, 1, n))
        add("Constraint.new_strength", lab, lambda n=n: C(x + 1, "==", n).strength())
        add("Constraint.or", lab, lambda n=n: ((x == 1) | n).strength())
        add("Variable.new", lab, lambda n=n: V(n))
        add("Variable.setName", lab, lambda n=n: V("v").setName(n))
        add("Expression.terms_arg", lab, lambda n=n: E(n))

        def suggest(n=n):
            s, v = Solver(), V("v")
            s.addEditVariable(v, "strong")
            s.suggestValue(v, n)
            s.updateVariables()
            return v.value()

        add("Solver.suggestValue", lab, suggest)
    for op in ["==", "<=", ">=", "!=", "<", "", StrSub("=="), b"==", None, 1]:
        add("Constraint.op", label(op), lambda op=op: C(x + 1, op).op())
    for st in ["weak", "medium", "strong", "required", "Strong", StrSub("weak"), "",
               b"weak", None]:
        add("Constraint.strength", label(st), lambda st=st: C(x + 1, ">=", st).strength())
        add("Constraint.or_strength", label(st), lambda st=st: ((x >= 1) | st).strength())

        def edit(st=st):
            s, v = Solver(), V("v")
            s.addEditVariable(v, st)
            return s.hasEditVariable(v)

        add("Solver.addEditVariable", label(st), edit)
    for name in ["", "x", "héllo", "\ud800", StrSub("abc")]:
        add("Variable.name", label(name), lambda name=name: (V(name).name(), repr(V(name))))
        add("Term.repr", label(name), lambda name=name: repr(T(V(name), 2.5)))
        add("Expression.repr", label(name), lambda name=name: repr(2 * V(name) - 1.5))
        add("Constraint.repr", label(name),
            lambda name=name: repr((V(name) + 1 >= 0) | "weak"))

    def scenario(steps):
        def run():
            s, a, b = Solver(), V("a"), V("b")
            c = a == 1
            out = [step(s, a, b, c) for step in steps]
            return out, a.value(), b.value()
        return run

    scenarios = {
        "solve": [lambda s, a, b, c: s.addConstraint(a + b == 10),
                  lambda s, a, b, c: s.addConstraint(a - b == 2),
                  lambda s, a, b, c: s.updateVariables()],
        "duplicate": [lambda s, a, b, c: s.addConstraint(c),
                      lambda s, a, b, c: s.addConstraint(c)],
        "unsatisfiable": [lambda s, a, b, c: s.addConstraint(c),
                          lambda s, a, b, c: s.addConstraint(a == 2)],
        "weak_conflict": [lambda s, a, b, c: s.addConstraint((a == 1) | "weak"),
                          lambda s, a, b, c: s.addConstraint((a == 3) | "strong"),
                          lambda s, a, b, c: s.updateVariables()],
        "remove": [lambda s, a, b, c: s.addConstraint(c),
                   lambda s, a, b, c: s.removeConstraint(c),
                   lambda s, a, b, c: s.hasConstraint(c),
                   lambda s, a, b, c: s.removeConstraint(c)],
        "edit_unknown": [lambda s, a, b, c: s.suggestValue(a, 1)],
        "edit_twice": [lambda s, a, b, c: s.addEditVariable(a, "weak"),
                       lambda s, a, b, c: s.addEditVariable(a, "weak")],
        "remove_edit_unknown": [lambda s, a, b, c: s.removeEditVariable(a)],
        "has": [lambda s, a, b, c: s.hasConstraint(c), lambda s, a, b, c: s.hasEditVariable(a)],
        "reset": [lambda s, a, b, c: s.addConstraint(a == 4),
                  lambda s, a, b, c: s.updateVariables(), lambda s, a, b, c: s.reset(),
                  lambda s, a, b, c: s.addConstraint(a == 5),
                  lambda s, a, b, c: s.updateVariables()],
        "add_variable": [lambda s, a, b, c: s.addConstraint(a)],
        "edit_int": [lambda s, a, b, c: s.addEditVariable(1, "weak")],
        "suggest_expression": [lambda s, a, b, c: s.suggestValue(a + 1, 1)],
        "violated": [lambda s, a, b, c: s.addConstraint((a >= 3) | "weak"),
                     lambda s, a, b, c: s.addConstraint(a <= 1),
                     lambda s, a, b, c: s.updateVariables(),
                     lambda s, a, b, c: ((a >= 3) | "weak").violated()],
    }
    for name, steps in scenarios.items():
        add("Solver.scenario", name, scenario(steps))
    return calls


def _xxhash_data():
    """(label, input): bytes-like ones, and what has no buffer."""
    return [
        ("b''", b""), ("b'abc'", b"abc"), ("bytearray(b'abc')", bytearray(b"abc")),
        ("memoryview(b'abc')", memoryview(b"abc")),
        ("memoryview(bytearray(b'abc'))", memoryview(bytearray(b"abc"))),
        ("memoryview(b'abcdef')[::2]", memoryview(b"abcdef")[::2]),
        ("BytesSub(b'abc')", BytesSub(b"abc")), ("bytes(range(256)) * 4", bytes(range(256)) * 4),
        ("'abc'", "abc"), ("''", ""), ("'\\ud800'", "\ud800"), ("StrSub('abc')", StrSub("abc")),
        ("None", None), ("1", 1), ("[1]", [1]), ("object()", Label("object()")),
    ]


def _xxhash_seeds():
    D = decimal.Decimal
    return [
        0, 1, -1, 2**31, 2**32 - 1, 2**32, 2**63, 2**64 - 1, 2**64, -2**63, -2**64 - 1,
        2**100, True, 1.5, D(1), OnlyIndex("OnlyIndex()"), OnlyInt("OnlyInt()"),
        IndexRaises("IndexRaises()"), BigIndex("BigIndex()"), IntSub(3), "1", None,
    ]


def _set_type_attr(h):
    """Sets an attribute of an immutable type; takes it away again if that
    worked, so that the corpus leaves the type as it found it."""
    setattr(type(h), "other", 1)
    delattr(type(h), "other")
    return "set"


def xxhash_calls(xx):
    calls = []

    def add(op, arg, thunk):
        calls.append((f"xxhash.{op}|{arg}", thunk))

    algs = ["xxh32", "xxh64", "xxh3_64", "xxh3_128"]
    for alg in algs:
        cls = getattr(xx, alg)
        fns = [(kind, getattr(xx, f"{alg}_{kind}")) for kind in ("digest", "intdigest",
                                                                 "hexdigest")]
        for lab, d in _xxhash_data():
            for kind, f in fns:
                add(f"{alg}_{kind}", lab, lambda f=f, d=d: f(d))
            add(f"{alg}.new", lab, lambda cls=cls, d=d: cls(d).hexdigest())
            add(f"{alg}.update", lab, lambda cls=cls, d=d: cls(b"x").update(d))

            def updated(cls=cls, d=d):
                h = cls(b"x", 5)
                h.update(d)
                c = h.copy()
                c.update(b"tail")
                r = [h.intdigest(), c.hexdigest(), h.digest()]
                h.reset()
                return r + [h.hexdigest() == cls(b"", 5).hexdigest(), h.seed]

            add(f"{alg}.update_copy_reset", lab, updated)
        for s in _xxhash_seeds():
            lab = label(s)
            for kind, f in fns:
                add(f"{alg}_{kind}_seed", lab, lambda f=f, s=s: f(b"abc", s))
            add(f"{alg}_intdigest_seed_kw", lab,
                lambda f=fns[1][1], s=s: f(b"abc", seed=s))
            add(f"{alg}.seed", lab, lambda cls=cls, s=s: (cls(b"abc", s).seed,
                                                         cls(seed=s).intdigest()))
        for op, f in [
            ("attrs", lambda h: (h.name, h.digest_size, h.digestsize, h.block_size)),
            ("no_args", lambda h: type(h)().hexdigest()),
            ("too_many", lambda h: type(h)(b"a", 1, 2)),
            ("bad_kw", lambda h: type(h)(b"a", sed=1)),
            ("data_kw", lambda h: type(h)(data=b"a").intdigest()),
            ("set_attr", lambda h: setattr(h, "seed", 1)),
            ("set_new_attr", lambda h: setattr(h, "other", 1)),
            ("set_type_attr", _set_type_attr),
            ("subclass", lambda h: type("Sub", (type(h),), {}).__name__),
            ("type_repr", lambda h: (type(h).__module__, type(h).__qualname__)),
            ("update_none", lambda h: h.update()),
        ]:
            add(f"{alg}.{op}", "-", lambda cls=cls, f=f: f(cls(b"abc")))
    return calls


def port_calls(rpds, kiwisolver, xxhash):
    """Every port call of the corpus: (key, thunk)."""
    return rpds_calls(rpds) + kiwisolver_calls(kiwisolver) + xxhash_calls(xxhash)


def run_ports(rpds, kiwisolver, xxhash):
    """The outcome of every port call (`port.Class.operation|argument` ->
    outcome)."""
    import warnings

    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, thunk in port_calls(rpds, kiwisolver, xxhash):
            assert key not in results, f"two port calls named {key}"
            results[key] = _port_outcome(thunk)
    return results


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
