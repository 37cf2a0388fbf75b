"""hpy-rs's serde conversion against pythonize 0.29.0's: the functions
both modules have (serde_config: a struct with every serde shape;
serde_json_value: any JSON-like value through serde_json::Value; serde_ten)
get the same corpus: valid and invalid Settings dicts, a few hundred
seeded random JSON-like values, each valid or with one defect at a random
place, and objects whose protocols raise. Both modules must return equal
objects (compared by type and repr at every level: a tuple is not a list,
True is not 1, -0.0 is not 0.0) or raise the same exception type.

Known, deliberate differences are the rules in DIFFERENCES, each with its
reason; every case names the rule it falls under (if any). A case under a
rule must still differ, a case under none must not, and every rule must
cover at least one case, so the list cannot go stale.
"""

import collections
import collections.abc
import dataclasses
import decimal
import enum
import fractions
import random
import sys
import types

import differential_build as build  # bench/, on sys.path by conftest.py
import pytest

# ---- the deliberate differences ----

# Each rule: the reason hpy-rs differs from pythonize there.
DIFFERENCES = {
    # pythonize raises serde's own messages (a missing field, an unknown
    # variant, a value a visitor rejects) as a bare Exception.
    "missing_field": (
        "a missing field is KeyError in hpy-rs (as a dict lookup); pythonize raises a bare "
        "Exception for every serde message, which `except (KeyError, TypeError, ValueError)` "
        "cannot catch"),
    "unknown_variant": (
        "an unknown enum variant is ValueError in hpy-rs (the right type, a wrong value); "
        "pythonize raises a bare Exception"),
    "serde_invalid_type": (
        "a value of a type the Rust type rejects after reading it (a unit variant's name for a "
        "struct variant, bytes for serde_json::Value) is TypeError in hpy-rs; pythonize raises "
        "a bare Exception"),
    "serde_number_range": (
        "an int serde_json::Value cannot hold (beyond i64 and u64, within 128 bits) is "
        "ValueError in hpy-rs (serde_json's 'number out of range'); pythonize raises it as a "
        "bare Exception"),
    # pythonize reads a bool from any object and numbers from bools.
    "truthy_bool": (
        "a bool field takes only True or False in hpy-rs (TypeError otherwise, as serde_json "
        "would); pythonize takes any object's truth value, so 'no' and [0] read as True"),
    "bool_as_number": (
        "True and False are not numbers in serde's data model (nor in JSON): hpy-rs raises "
        "TypeError for a bool where an int or float is expected; pythonize reads True as 1"),
    "str_as_sequence": (
        "a str is not a sequence of items in hpy-rs (TypeError), as PyO3's Vec extraction and "
        "hpy-rs's own Vec refuse it; pythonize splits 'abc' into ['a', 'b', 'c']"),
    "dict_subclass_overrides": (
        "hpy-rs reads a dict, a subclass too, from its storage (HPyDict_Keys: HPy has no "
        "exact-dict check), so a subclass's overridden keys() and __len__ are not called; "
        "pythonize calls them (here they raise)"),
    "unit_variant_value": (
        "{'Unit': value} needs value None in hpy-rs (TypeError otherwise: a unit variant has "
        "no value); pythonize ignores the value"),
    # hpy-rs bounds how deep one conversion may nest (hpy::runtime::depth).
    "nesting_bound": (
        "a value nested more than 128 containers deep raises RecursionError in hpy-rs (the "
        "bound keeps a conversion inside PyPy's C stack, about 768 KiB, and macOS's 512 KiB "
        "threads; docs/soundness.md); pythonize recurses until the stack or its own checks "
        "stop it"),
}


# ---- helper objects ----

class Opaque:
    """An object of no type serde knows."""

    def __repr__(self):
        return "Opaque()"


class SeqLike(collections.abc.Sequence):
    """A Sequence that is not a list or tuple."""

    def __init__(self, *items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __repr__(self):
        return f"SeqLike{tuple(self.items)!r}"


class MapLike(collections.abc.Mapping):
    """A Mapping that is not a dict."""

    def __init__(self, **items):
        self.items = dict(items)

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, k):
        return self.items[k]

    def __repr__(self):
        return f"MapLike({self.items!r})"


def _boom(*_args):
    raise ZeroDivisionError("boom")


def _raising(name, base, *methods):
    """A subclass of `base` whose `methods` raise."""
    return type(name, (base,), dict.fromkeys(methods, _boom))


LenRaises = _raising("LenRaises", list, "__len__")
IterRaises = _raising("IterRaises", list, "__iter__")
GetitemRaises = _raising("GetitemRaises", list, "__getitem__")
DictLenRaises = _raising("DictLenRaises", dict, "__len__")
DictIterRaises = _raising("DictIterRaises", dict, "__iter__", "keys")
DictGetitemRaises = _raising("DictGetitemRaises", dict, "__getitem__", "values", "items")
SeqLenRaises = _raising("SeqLenRaises", SeqLike, "__len__")
SeqGetitemRaises = _raising("SeqGetitemRaises", SeqLike, "__getitem__")
MapIterRaises = _raising("MapIterRaises", MapLike, "__iter__", "keys")
MapGetitemRaises = _raising("MapGetitemRaises", MapLike, "__getitem__")
MapLenRaises = _raising("MapLenRaises", MapLike, "__len__")


class Idx:
    """Not an int, but has __index__ (as numpy's integers)."""

    def __init__(self, n):
        self.n = n

    def __index__(self):
        return self.n

    def __repr__(self):
        return f"Idx({self.n})"


class Str(str):
    pass


class Int(int):
    pass


class Float(float):
    pass


class List(list):
    pass


class Dict(dict):
    pass


class Color(enum.IntEnum):
    RED = 1


@dataclasses.dataclass
class Point:
    x: int
    y: int


# ---- the corpus ----

class Case:
    """One value for one function, and the rule it differs under (None:
    the results must be equal)."""

    def __init__(self, function, label, value, rule=None):
        assert rule is None or rule in DIFFERENCES, rule
        self.function, self.label, self.value, self.rule = function, label, value, rule

    def __repr__(self):
        return f"{self.function}[{self.label}]"


def settings(**changes):
    """A valid Settings dict in pythonize's representation, changed."""
    base = {"name": "n", "sizes": [1, 2, 3], "ratio": 0.5, "tags": None, "shape": "Unit",
            "pair": (7, "seven"), "nested": {"b": [1, None, -3], "a": []}, "flag": False}
    base.update(changes)
    return base


def without(key, **changes):
    value = settings(**changes)
    del value[key]
    return value


def _settings_cases():
    valid = {
        "base": settings(),
        "no flag": without("flag"),
        "flag True": settings(flag=True),
        "tags list": settings(tags=["a", "b"]),
        "tags empty": settings(tags=[]),
        "tags tuple": settings(tags=("t",)),
        "shape Unit": settings(shape="Unit"),
        "shape Unit None": settings(shape={"Unit": None}),
        "shape Circle": settings(shape={"Circle": {"r": 1.0}}),
        "shape Circle int r": settings(shape={"Circle": {"r": 3}}),
        "shape Circle nan": settings(shape={"Circle": {"r": float("nan")}}),
        "shape Pair list": settings(shape={"Pair": [1, 2]}),
        "shape Pair tuple": settings(shape={"Pair": (-(2**63), 2**63 - 1)}),
        "shape Named": settings(shape={"Named": "x"}),
        "shape Named empty": settings(shape={"Named": ""}),
        "nested None items": settings(nested={"z": [None, None], "a": [2**63 - 1, -(2**63)]}),
        "nested empty": settings(nested={}),
        "nested many": settings(nested={str(i): [i, None] for i in range(12, 0, -1)}),
        "sizes empty": settings(sizes=[]),
        "sizes bounds": settings(sizes=[0, 2**32 - 1]),
        "sizes tuple": settings(sizes=(4, 5)),
        "ratio int": settings(ratio=2),
        "ratio big int": settings(ratio=2**53 + 1),
        "ratio -0.0": settings(ratio=-0.0),
        "ratio inf": settings(ratio=float("inf")),
        "ratio nan": settings(ratio=float("nan")),
        "ratio tiny": settings(ratio=5e-324),
        "name unicode": settings(name="héllo \U0001f600 \u0000"),
        "name empty": settings(name=""),
        "pair list": settings(pair=[1, "a"]),
        "pair bounds": settings(pair=(-(2**63), "")),
        "extra key": settings(extra=[1, 2, {"x": object()}]),
        "keys reordered": dict(reversed(list(settings().items()))),
        "OrderedDict": collections.OrderedDict(settings()),
        "dict subclass": Dict(settings()),
        "str subclass name": settings(name=Str("s")),
        "int subclass size": settings(sizes=[Int(5)]),
        "IntEnum size": settings(sizes=[Color.RED]),
        "float subclass ratio": settings(ratio=Float(1.25)),
        "__index__ size": settings(sizes=[Idx(3)]),
        "__index__ ratio": settings(ratio=Idx(2)),
        "__index__ in Pair": settings(shape={"Pair": [Idx(-1), Idx(2**63 - 1)]}),
        "ratio Decimal": settings(ratio=decimal.Decimal("1.5")),
        "ratio Fraction": settings(ratio=fractions.Fraction(1, 3)),
        "sizes set": settings(sizes={1, 2}),
        "sizes frozenset": settings(sizes=frozenset({3})),
        "sizes range": settings(sizes=range(3)),
        "sizes deque": settings(sizes=collections.deque([1, 2])),
        "sizes bytes": settings(sizes=b"ab"),
        "sizes bytearray": settings(sizes=bytearray(b"ab")),
        "sizes SeqLike": settings(sizes=SeqLike(1, 2)),
        "tags set": settings(tags={"a"}),
        "shape MapLike": settings(shape=MapLike(Named="x")),
        "shape mappingproxy": settings(shape=types.MappingProxyType({"Pair": [1, 2]})),
        "pair SeqLike": settings(pair=SeqLike(1, "a")),
        "nested MapLike": settings(nested=MapLike(a=[1], b=[None])),
        "nested mappingproxy": settings(nested=types.MappingProxyType({"a": [1]})),
        "MapLike": MapLike(**settings()),
        "mappingproxy": types.MappingProxyType(settings()),
        "list subclass sizes": settings(sizes=List([1])),
        "dict subclass nested": settings(nested=Dict(a=[1])),
    }
    cases = [Case("serde_config", k, v) for k, v in valid.items()]
    # (label, value, rule)
    invalid = [
        ("top list", [], None),
        ("top None", None, None),
        ("top str", "Settings", None),
        ("top int", 5, None),
        ("top object", Opaque(), None),
        ("top pairs", list(settings().items()), None),
        ("missing name", without("name"), "missing_field"),
        ("missing ratio", without("ratio"), "missing_field"),
        ("missing shape", without("shape"), "missing_field"),
        ("empty dict", {}, "missing_field"),
        ("int key", {**settings(), 1: 2}, None),
        ("None key", {None: 1, **settings()}, None),
        ("name int", settings(name=5), None),
        ("name None", settings(name=None), None),
        ("name bytes", settings(name=b"n"), None),
        ("name surrogate", settings(name="a\ud800b"), None),
        ("sizes str item", settings(sizes=[1, "x"]), None),
        ("sizes negative", settings(sizes=[-1]), None),
        ("sizes 2**32", settings(sizes=[2**32]), None),
        ("sizes 2**100", settings(sizes=[0, 2**100]), None),
        ("sizes -2**100", settings(sizes=[-(2**100)]), None),
        ("sizes float", settings(sizes=[1.0]), None),
        ("sizes True", settings(sizes=[True]), "bool_as_number"),
        ("sizes None item", settings(sizes=[None]), None),
        ("sizes None", settings(sizes=None), None),
        ("sizes int", settings(sizes=5), None),
        ("sizes str", settings(sizes="abc"), None),
        ("sizes str of digits", settings(sizes="12"), None),
        ("sizes dict", settings(sizes={"a": 1}), None),
        ("sizes generator", settings(sizes=(i for i in [1])), None),
        ("sizes Opaque", settings(sizes=Opaque()), None),
        ("sizes SeqLike bad item", settings(sizes=SeqLike(1, "x")), None),
        ("sizes len raises", settings(sizes=LenRaises([1])), None),
        ("sizes iter raises", settings(sizes=IterRaises([1])), None),
        ("sizes getitem raises", settings(sizes=GetitemRaises([1])), None),
        ("sizes Seq len raises", settings(sizes=SeqLenRaises(1)), None),
        ("sizes Seq getitem raises", settings(sizes=SeqGetitemRaises(1)), None),
        ("ratio str", settings(ratio="1.5"), None),
        ("ratio None", settings(ratio=None), None),
        ("ratio True", settings(ratio=True), "bool_as_number"),
        ("ratio huge int", settings(ratio=10**400), None),
        ("ratio complex", settings(ratio=1j), None),
        ("ratio bytes", settings(ratio=b"1"), None),
        ("ratio __index__ raises", settings(ratio=Idx(None)), None),
        ("sizes __index__ raises", settings(sizes=[Idx("x")]), None),
        ("sizes __index__ negative", settings(sizes=[Idx(-1)]), None),
        ("sizes set of str", settings(sizes={"a"}), None),
        ("ratio list", settings(ratio=[1.0]), None),
        ("tags int", settings(tags=5), None),
        ("tags str", settings(tags="abc"), "str_as_sequence"),
        ("tags int item", settings(tags=["a", 1]), None),
        ("tags None item", settings(tags=[None]), None),
        ("shape unknown", settings(shape="Square"), "unknown_variant"),
        ("shape unknown dict", settings(shape={"Hexagon": 1}), "unknown_variant"),
        ("shape lowercase", settings(shape="unit"), "unknown_variant"),
        ("shape struct variant by name", settings(shape="Circle"), "serde_invalid_type"),
        ("shape tuple variant by name", settings(shape="Pair"), "serde_invalid_type"),
        ("shape newtype variant by name", settings(shape="Named"), "serde_invalid_type"),
        ("shape Unit with value", settings(shape={"Unit": 5}), "unit_variant_value"),
        ("shape Unit with dict", settings(shape={"Unit": {}}), "unit_variant_value"),
        ("shape Circle int", settings(shape={"Circle": 1}), None),
        ("shape Circle r str", settings(shape={"Circle": {"r": "x"}}), None),
        ("shape Circle no r", settings(shape={"Circle": {}}), "missing_field"),
        ("shape Circle list", settings(shape={"Circle": [1.0]}), None),
        ("shape Pair short", settings(shape={"Pair": [1]}), None),
        ("shape Pair long", settings(shape={"Pair": [1, 2, 3]}), None),
        ("shape Pair str", settings(shape={"Pair": "ab"}), None),
        ("shape Pair item str", settings(shape={"Pair": [1, "2"]}), None),
        ("shape Pair overflow", settings(shape={"Pair": [2**63, 0]}), None),
        ("shape Pair int", settings(shape={"Pair": 1}), None),
        ("shape Named int", settings(shape={"Named": 5}), None),
        ("shape Named None", settings(shape={"Named": None}), None),
        ("shape empty dict", settings(shape={}), None),
        ("shape two keys", settings(shape={"Unit": None, "Named": "x"}), None),
        ("shape int key", settings(shape={1: 2}), None),
        ("shape int", settings(shape=5), None),
        ("shape None", settings(shape=None), None),
        ("shape list", settings(shape=["Unit"]), None),
        ("shape dict subclass", settings(shape=Dict(Named="y")), None),
        ("pair short", settings(pair=(1,)), None),
        ("pair long", settings(pair=(1, "a", 2)), None),
        ("pair swapped", settings(pair=("a", 1)), None),
        ("pair str", settings(pair="ab"), None),
        ("pair dict", settings(pair={1: "a"}), None),
        ("pair None", settings(pair=None), None),
        ("pair set", settings(pair={1}), None),
        ("pair range", settings(pair=range(2)), None),
        ("nested float item", settings(nested={"a": [1, 2.5]}), None),
        ("nested None value", settings(nested={"a": None}), None),
        ("nested int key", settings(nested={1: []}), None),
        ("nested list", settings(nested=[]), None),
        ("nested pairs", settings(nested=[("a", [1])]), None),
        ("nested overflow", settings(nested={"a": [2**63]}), None),
        ("nested len raises", settings(nested=DictLenRaises(a=[1])), "dict_subclass_overrides"),
        ("nested iter raises", settings(nested=DictIterRaises(a=[1])), "dict_subclass_overrides"),
        ("nested getitem raises", settings(nested=DictGetitemRaises(a=[1])), None),
        ("nested Map iter raises", settings(nested=MapIterRaises(a=[1])), None),
        ("nested Map getitem raises", settings(nested=MapGetitemRaises(a=[1])), None),
        ("nested Map len raises", settings(nested=MapLenRaises(a=[1])), None),
        ("flag int", settings(flag=1), "truthy_bool"),
        ("flag str", settings(flag="no"), "truthy_bool"),
        ("flag None", settings(flag=None), "truthy_bool"),
        ("flag list", settings(flag=[0]), "truthy_bool"),
        ("top len raises", DictLenRaises(settings()), "dict_subclass_overrides"),
        ("top iter raises", DictIterRaises(settings()), "dict_subclass_overrides"),
        ("top getitem raises", DictGetitemRaises(settings()), None),
        ("dataclass", Point(1, 2), "missing_field"),
        ("shape dataclass", settings(shape=Point(1, 2)), None),
    ]
    cases += [Case("serde_config", label, value, rule) for label, value, rule in invalid]
    return cases


TEN = {"a": 1, "b": -2, "c": 1.5, "d": -0.25, "e": "hello", "f": "world", "g": True, "h": 7,
       "i": [1, 2, 3], "j": 9}


def _ten_cases():
    return [Case("serde_ten", label, value, rule) for label, value, rule in [
        ("ten", TEN, None),
        ("ten h None", {**TEN, "h": None}, None),
        ("ten j negative", {**TEN, "j": -1}, None),
        ("ten i tuple", {**TEN, "i": (4,)}, None),
        ("ten g int", {**TEN, "g": 0}, "truthy_bool"),
        ("ten no e", {k: v for k, v in TEN.items() if k != "e"}, "missing_field"),
    ]]


# JSON-like values: valid leaves, and defects (one per value) by kind.
INTS_65_TO_128_BITS = [2**64, -(2**63) - 1, 2**127, -(2**127), 2**128 - 1, 10**30]
INTS_BEYOND_128_BITS = [2**128, -(2**127) - 1, -(2**128), 2**200, -(2**200), 10**400]
FLOATS = [0.0, -0.0, 1.5, -2.25, 1e308, -1e-308, 5e-324, float("inf"), float("-inf"),
          float("nan"), 0.1, 2.0**53]
INTS = [0, 1, -1, 255, -128, 2**31, -(2**31), 2**32, 2**53 + 1, 2**63 - 1, -(2**63), 2**63,
        2**64 - 1]
ALPHABET = "abcxyz_ 0é€\U0001f600\u00a0\t\n\"'\\"


def _text(rng, n=None):
    n = rng.randint(0, 6) if n is None else n
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def _leaf(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice(INTS)
    if kind == 2:
        return rng.randint(-10**6, 10**6)
    if kind == 3:
        return rng.choice(FLOATS) if rng.random() < 0.5 else rng.uniform(-1e6, 1e6)
    return _text(rng)


def _json(rng, depth):
    if depth <= 0 or rng.random() < 0.3:
        return _leaf(rng)
    n = rng.randint(0, 4)
    kind = rng.randrange(3)
    if kind == 0:
        return [_json(rng, depth - 1) for _ in range(n)]
    if kind == 1:
        return tuple(_json(rng, depth - 1) for _ in range(n))
    return {_text(rng): _json(rng, depth - 1) for _ in range(n)}


# kind: (a maker of the defect from rng, its rule for serde_json_value)
DEFECTS = {
    "int of 65 to 128 bits": (lambda rng: rng.choice(INTS_65_TO_128_BITS),
                              "serde_number_range"),
    "int beyond 128 bits": (lambda rng: rng.choice(INTS_BEYOND_128_BITS), None),
    "__index__": (lambda rng: Idx(rng.randint(-5, 5)), None),
    "set": (lambda rng: {rng.randint(0, 9) for _ in range(rng.randint(0, 3))}, None),
    "frozenset": (lambda rng: frozenset(_text(rng, 1) for _ in range(2)), None),
    "bytes": (lambda rng: _text(rng).encode(), "serde_invalid_type"),
    "bytearray": (lambda rng: bytearray(_text(rng).encode()), None),
    "object": (lambda rng: Opaque(), None),
    "Decimal": (lambda rng: decimal.Decimal(rng.randint(0, 99)) / 8, None),
    "complex": (lambda rng: complex(rng.randint(0, 9), 1), None),
    "surrogate": (lambda rng: _text(rng) + rng.choice(["\ud800", "\udfff", "\udc80x"]), None),
    "non-str key": (lambda rng: {rng.choice([1, None, (1, 2), 2.5, True, b"k"]): 1}, None),
    "range": (lambda rng: range(rng.randint(0, 3)), None),
    "deque": (lambda rng: collections.deque([1, "a"]), None),
    "SeqLike": (lambda rng: SeqLike(1, "a", None), None),
    "MapLike": (lambda rng: MapLike(k=[1], j=None), None),
    "mappingproxy": (lambda rng: types.MappingProxyType({"b": 1, "a": [2]}), None),
    "dataclass": (lambda rng: Point(rng.randint(0, 9), -1), None),
    "str subclass": (lambda rng: Str(_text(rng)), None),
    "int subclass": (lambda rng: Int(rng.choice(INTS)), None),
    "IntEnum": (lambda rng: Color.RED, None),
    "float subclass": (lambda rng: Float(rng.choice(FLOATS)), None),
    "list subclass": (lambda rng: List([1, [2]]), None),
    "dict subclass": (lambda rng: Dict(z=1, a=2), None),
    "OrderedDict": (lambda rng: collections.OrderedDict([("z", 1), ("a", 2)]), None),
    "list len raises": (lambda rng: LenRaises([1]), None),
    "list getitem raises": (lambda rng: GetitemRaises([1]), None),
    "dict iter raises": (lambda rng: DictIterRaises(a=1), "dict_subclass_overrides"),
    "dict getitem raises": (lambda rng: DictGetitemRaises(a=1), None),
    "Map iter raises": (lambda rng: MapIterRaises(a=1), None),
    "Seq len raises": (lambda rng: SeqLenRaises(1), None),
}


def _with_defect(rng, value, defect):
    """`value` with `defect` put at a random place (as a list item, a
    tuple item or a dict value; a new list around `value` if it holds no
    container)."""
    containers = []

    def walk(v, path):
        if isinstance(v, (list, tuple, dict)):
            containers.append(path)
            items = v.items() if isinstance(v, dict) else enumerate(v)
            for k, x in items:
                walk(x, path + [k])

    walk(value, [])
    if not containers:
        return [value, defect]
    path = rng.choice(containers)

    def rebuild(v, path):
        if not path:
            if isinstance(v, dict):
                return {**v, _text(rng, 3) + "!": defect}
            items = list(v)
            items.insert(rng.randint(0, len(items)), defect)
            return items if isinstance(v, list) else tuple(items)
        k, rest = path[0], path[1:]
        if isinstance(v, dict):
            return {**v, k: rebuild(v[k], rest)}
        items = list(v)
        items[k] = rebuild(v[k], rest)
        return items if isinstance(v, list) else tuple(items)

    return rebuild(value, path)


def _nested(depth, leaf):
    v = leaf
    for i in range(depth):
        v = [v] if i % 3 else {"k": v} if i % 3 == 1 else (v,)
    return v


def _json_cases(seed=20261124, valid=160, per_defect=6):
    rng = random.Random(seed)
    cases = [Case("serde_json_value", f"json valid #{i}", _json(rng, rng.randint(0, 5)))
             for i in range(valid)]
    for kind, (make, rule) in DEFECTS.items():
        for i in range(per_defect):
            value = _with_defect(rng, _json(rng, rng.randint(0, 3)), make(rng))
            cases.append(Case("serde_json_value", f"json {kind} #{i}", value, rule))
    for depth in (50, 128, 129, 200, 500):
        cases.append(Case("serde_json_value", f"json nested {depth}", _nested(depth, 1),
                          "nesting_bound" if depth > 128 else None))
    cases.append(Case("serde_json_value", "json nested 200 with object",
                      _nested(200, Opaque()), "nesting_bound"))
    cases.append(Case("serde_json_value", "json wide", {str(i): i for i in range(2000)}))
    cases.append(Case("serde_json_value", "json long list", list(range(5000))))
    for label, value in settings_as_json():
        cases.append(Case("serde_json_value", label, value))
    return cases


def settings_as_json():
    yield "json settings", settings()
    yield "json settings shapes", [settings(shape=s) for s in
                                   ("Unit", {"Circle": {"r": 1.0}}, {"Pair": [1, 2]},
                                    {"Named": "x"})]


CASES = _settings_cases() + _ten_cases() + _json_cases()


# ---- the check ----

def describe(obj):
    """Type and repr of `obj` at every level (a dict's items in order)."""
    if type(obj) is dict:
        return ("dict", tuple((describe(k), describe(v)) for k, v in obj.items()))
    if type(obj) in (list, tuple):
        return (type(obj).__name__, tuple(describe(x) for x in obj))
    return (type(obj).__name__, repr(obj))


def outcome(f, value):
    return build.outcome(f, value, describe)


def test_corpus_is_large_and_labels_unique():
    labels = [(c.function, c.label) for c in CASES]
    assert len(set(labels)) == len(labels)
    assert len(CASES) >= 400, len(CASES)


def test_same_results_or_same_exception_types(pyo3_module, hpy_module):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 3000))  # describe() of the deepest values
    try:
        results = [(case, outcome(getattr(pyo3_module, case.function), case.value),
                    outcome(getattr(hpy_module, case.function), case.value)) for case in CASES]
    finally:
        sys.setrecursionlimit(limit)
    mismatches = []
    for case, theirs, ours in results:
        if (theirs == ours) != (case.rule is None):
            mismatches.append(f"{case}: pythonize {_short(theirs)}, hpy-rs {_short(ours)}"
                              + (f" [listed: {case.rule}]" if case.rule else ""))
    equal = sum(t == o for _, t, o in results)
    same_exc = sum(t == o and t[0] == "raised" for _, t, o in results)
    used = collections.Counter(c.rule for c in CASES if c.rule)
    print(f"\nserde differential check: {len(results)} calls, {equal} equal "
          f"({equal - same_exc} equal results, {same_exc} same exception type), "
          f"{len(results) - equal} listed differences under {len(used)} rules: "
          + ", ".join(f"{r} {n}" for r, n in sorted(used.items()))
          + f"; {len(mismatches)} unexpected")
    assert not mismatches, "\n".join(mismatches)


def test_every_rule_still_applies():
    """Every rule of DIFFERENCES covers at least one case (the check above
    asserts that each of those still differs)."""
    used = {c.rule for c in CASES if c.rule}
    assert used == set(DIFFERENCES), set(DIFFERENCES) - used


def _short(o):
    text = repr(o)
    return text if len(text) < 300 else text[:300] + "..."


@pytest.mark.parametrize("function", ["serde_config", "serde_json_value", "serde_ten"])
def test_function_in_both(pyo3_module, hpy_module, function):
    assert callable(getattr(pyo3_module, function))
    assert callable(getattr(hpy_module, function))
