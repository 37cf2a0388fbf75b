"""The arguments: recipes for values of every kind, drawn at random (picked
from pools of values Hypothesis draws once, fuzz/draw.py) and as dictionaries
(tried one by one in each argument position, the way a fuzzer's dictionary
is).

A parameter's *role* chooses its values: a type word that hpy-rs named in
"argument 'x' must be WORD, not ..." ("int", "str", "sequence", a class
name...), "object" for a parameter that takes any object, "receiver" for
the first argument of a raw descriptor, "class" for ``__new__``'s first
argument, "instance" for an instance of the class under test.
"""

import math

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from . import draw


def V(x):
    return ("v", x)


def N(name):
    return ("n", name)


def CALL(f, *args, **kwargs):
    return ("call", f, tuple(args), tuple(kwargs.items()))


def LIST(*items):
    return ("list", tuple(items))


def TUPLE(*items):
    return ("tuple", tuple(items))


def DICT(*pairs):
    return ("dict", tuple(pairs))


def subclass(base, dunder=None, **kwargs):
    """The recipe of ``subclass(base, dunder, ...)`` (a class)."""
    return CALL(N("subclass"), base, *([V(dunder)] if dunder else []),
                **{k: (v if isinstance(v, tuple) else V(v)) for k, v in kwargs.items()})


def hostile(kind, dunder=None, exc=None, returns=None, lie=False):
    """The recipe of ``hostile(kind, dunder, exc)`` or, with `lie`,
    ``hostile(kind, dunder, returns=returns)``."""
    args = [V(kind)] + ([V(dunder)] if dunder else []) + ([V(exc)] if exc else [])
    return ("call", N("hostile"), tuple(args), (("returns", returns if isinstance(returns, tuple)
                                                  else V(returns)),) if lie else ())


# ------------------------------------------------------------ raw material

SPECIAL_INTS = [
    0, 1, -1, 2, 7, 255, 256, -129, 2**15, 2**16, 2**31 - 1, 2**31, -2**31 - 1, 2**32 - 1, 2**32,
    2**40, 2**53 + 1, 2**62, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64 - 1, 2**64, -2**64,
    2**128, 2**1000, -2**1000, 0x10FFFF, 0x110000, 0xD800,
]
SPECIAL_FLOATS = [math.nan, math.inf, -math.inf, -0.0, 0.5, 1e308, 5e-324, 2.0**63, 2.0**64, -1.5]
SPECIAL_STRS = [
    "", "a", "\ud800", "a\udc80b", "\udfff", "\x00", "a\x00b", "\u00e9", "\U0001f600", "x" * 1000,
    " 12 ", "-7", "1e5", "nan", "inf", "<1, 2>", "<x, y>", "\n", "\ufeff",
]
SPECIAL_BYTES = [b"", b"\x00", b"a\x00b", b"\xff\xfe\xfd", b"abc", b"y" * 1000, "é".encode()]
EXCEPTION_NAMES = ["ValueError", "TypeError", "OverflowError", "IndexError", "KeyError",
                   "MemoryError", "StopIteration", "FuzzError", "FuzzBaseError"]
HOSTILE_DUNDERS = {
    "plain": ["__index__", "__int__", "__float__", "__len__", "__iter__", "__getitem__", "__eq__",
              "__hash__", "__bool__", "__str__", "__repr__", "__lt__", "__call__", "__getattr__"],
    "seq": ["__len__", "__iter__", "__getitem__", "__contains__", "__eq__", "__hash__", "__bool__"],
    "num": ["__index__", "__int__", "__float__", "__complex__", "__eq__", "__hash__", "__bool__",
            "__lt__", "__add__", "__radd__", "__mul__"],
    "map": ["keys", "items", "__getitem__", "__iter__", "__len__", "__contains__"],
}
# What a lying special method returns instead of raising.
LIES = [V(2**40), V(2**63), V(2**64), V(-1), V(-2**63 - 1), V(0), V("x"), V(1.5), V(None),
        hostile("plain", "__bool__")]
BUILTIN_BASES = {
    "int": V(5), "float": V(2.5), "str": V("abc"), "bytes": V(b"ab"),
    "list": LIST(V(1), V(2), V(3)), "tuple": TUPLE(V(1), V(2)), "dict": DICT((V("a"), V(1))),
}
SUBCLASS_DUNDERS = [None, "__index__", "__int__", "__float__", "__len__", "__iter__", "__getitem__",
                    "__eq__", "__hash__", "__str__", "__repr__", "__bool__", "keys"]
BUILTIN_CLASSES = ["int", "float", "str", "bytes", "bytearray", "list", "tuple", "dict", "set",
                   "object", "type", "range", "slice", "BaseException", "Exception", "ValueError",
                   "TypeError", "KeyError", "StopIteration", "KeyboardInterrupt", "GeneratorExit",
                   "Warning", "UserWarning", "DeprecationWarning", "FuzzError", "FuzzBaseError"]
PY_CALLABLES = ["len", "repr", "abs", "returns_args", "raises_error", "raises_base_error", "iter",
                "operator.add", "list"]
# Ranges: small ones anywhere; huge ones only where the callee wants a
# sequence (it must refuse to allocate for them), not where it takes any
# object (`x in range(2**40)` takes hours in Python itself).
RANGES = [CALL(N("range"), *map(V, args)) for args in [(3,), (-2, 5), (0,), (10**4,), (5, 0, -1)]]
HUGE_RANGES = [CALL(N("range"), V(n)) for n in (2**40, 2**62, 2**64)]
GENERIC_KW_NAMES = ["x", "y", "a", "b", "self", "args", "kwargs", "value", "name", "zz", "",
                    "\ud800"]

ALL_HOSTILE = (
    [hostile(kind) for kind in HOSTILE_DUNDERS]
    + [hostile(kind, d, exc) for kind, ds in HOSTILE_DUNDERS.items() for d in ds
       for exc in ("ValueError", "FuzzBaseError")]
    + [hostile(kind, d, "TypeError") for kind, ds in HOSTILE_DUNDERS.items() for d in ds[:3]]
    + [hostile(kind, d, returns=lie, lie=True) for kind, ds in HOSTILE_DUNDERS.items()
       for d in ds[:4] for lie in LIES]
)
ALL_BUILTIN_SUBCLASS_INSTANCES = [
    ("call", subclass(N(base), d), (arg,), ())
    for base, arg in BUILTIN_BASES.items() for d in SUBCLASS_DUNDERS
]

# ------------------------------------------------------------ dictionaries
# Values tried one at a time in each position of a given role (the other
# positions keep values that pass). Each list is what past defects and the
# usual suspects call for: lying lengths, raising conversions, overflowing
# and huge sizes, NaN, surrogates, foreign objects.

# Instances of the module's other classes a method's receiver is swept with
# (Universe.dictionary).
RECEIVERS_SWEPT = 6

DICTIONARY = {
    "int": [
        V(2**64), V(-2**64 - 1), V(2**63), V(-2**63 - 1), V(2**1000), V(-1), V(2**40), V(True),
        V(1.5), V("1"), V(None), ("call", subclass(N("int"), "__index__"), (V(5),), ()),
        hostile("num"), hostile("num", "__index__"), hostile("num", "__index__", "FuzzBaseError"),
        hostile("num", "__index__", returns=2**64, lie=True),
        hostile("num", "__index__", returns="x", lie=True), hostile("num", "__int__"),
    ],
    "float": [
        V(math.nan), V(math.inf), V(-math.inf), V(2**1000), V(-0.0), V(5e-324), V("1.0"), V(None),
        V(1j), hostile("num"), hostile("num", "__float__"),
        hostile("num", "__float__", "FuzzBaseError"),
        hostile("num", "__float__", returns="x", lie=True),
        ("call", subclass(N("float"), "__float__"), (V(2.5),), ()),
    ],
    "str": [
        V("\ud800"), V("a\udc80b"), V("\x00"), V("a\x00b"), V("x" * 1000), V(""), V("\U0001f600"),
        ("call", subclass(N("str")), (V("ab"),), ()),
        ("call", subclass(N("str"), "__str__"), (V("ab"),), ()), V(b"ab"), V(None), V(1),
    ],
    "a unicode character": [V(""), V("ab"), V("\ud800"), V("\U0001f600"), V("\x00"), V(1), V(None)],
    "bool": [V(2), V(None), V(1.5), V("True"), hostile("plain", "__bool__"),
             ("call", subclass(N("int")), (V(1),), ())],
    "bytes": [
        V(b""), V(b"\x00\x00\x00"), V("ab"), CALL(N("bytearray"), V(b"ab")),
        CALL(N("memoryview"), V(b"abc")), ("call", subclass(N("bytes")), (V(b"ab"),), ()),
        ("call", subclass(N("bytes"), "__len__"), (V(b"ab"),), ()), V(None), LIST(V(1), V(2)),
    ],
    "sequence": HUGE_RANGES + [
        hostile("seq", "__len__", returns=2**40, lie=True),
        hostile("seq", "__len__", returns=2**63, lie=True),
        hostile("seq", "__len__", returns=-1, lie=True), hostile("seq", "__len__"),
        hostile("seq", "__iter__"), hostile("seq", "__iter__", "FuzzBaseError"),
        hostile("seq", "__getitem__"),
        ("call", subclass(N("list"), "__iter__"), (LIST(V(1), V(2)),), ()),
        ("call", subclass(N("list"), "__len__", returns=2**40), (LIST(V(1), V(2)),), ()),
        ("call", subclass(N("tuple"), "__iter__"), (TUPLE(V(1), V(2)),), ()),
        V("abc"), V(b"abc"), DICT((V("a"), V(1))), LIST(V(1), V("a"), V(None), V(2**64)),
        LIST(V(math.nan)), LIST(LIST(V(1), V(2)), V("x")), CALL(N("iter"), LIST(V(1), V(2))),
        V(None),
    ],
    "dict": [
        hostile("map"), hostile("map", "keys"), hostile("map", "__getitem__"),
        hostile("map", "items"), hostile("map", "__iter__"),
        ("call", subclass(N("dict"), "__iter__"), (DICT((V("a"), V(1))),), ()),
        ("call", subclass(N("dict"), "keys"), (DICT((V("a"), V(1))),), ()),
        ("call", subclass(N("dict"), "__getitem__"), (DICT((V("a"), V(1))),), ()),
        DICT((V(1), V("a"))), DICT((V("a"), V("b"))), DICT((V("\ud800"), V(1))),
        DICT((V("a"), V(2**64))), LIST(TUPLE(V("a"), V(1))), V(None),
    ],
    # A parameter that takes any object: the hostile objects first.
    "object": [hostile("plain", d) for d in HOSTILE_DUNDERS["plain"]] + [
        hostile("num", "__index__", "FuzzBaseError"), hostile("num", "__index__", returns="x", lie=True),
        hostile("num", "__index__", returns=2**64, lie=True),
        hostile("num", "__float__", returns="x", lie=True),
        hostile("seq", "__len__", returns=2**40, lie=True), hostile("seq", "__iter__"),
        hostile("map", "keys"),
        ("call", subclass(N("int"), "__index__"), (V(5),), ()),
        ("call", subclass(N("str"), "__str__"), (V("ab"),), ()),
        ("call", subclass(N("list"), "__iter__"), (LIST(V(1), V(2)),), ()),
        N("int"), N("str"), N("object"), N("ValueError"), N("FuzzBaseError"), V(None), V(2**1000),
        V(-2**64), V(2**40), V(-1), V(math.nan), V("\ud800"), V(b"\xff"), RANGES[0],
        LIST(V(1), V("a"), V(None)),
        N("raises_error"), N("raises_base_error"),
    ],
}
DICTIONARY["list"] = DICTIONARY["tuple"] = DICTIONARY["sequence"]
# Vec/HashSet from any iterable (issue 13): the sequences' values, and
# iterables whose __iter__/__next__ misbehave.
DICTIONARY["iterable"] = DICTIONARY["set or iterable"] = DICTIONARY["sequence"] + [
    hostile("plain", "__iter__"), hostile("plain", "__iter__", returns=V(5), lie=True),
    hostile("plain", "__iter__", "FuzzBaseError"),
    ("call", subclass(N("list"), "__len__", returns=2**62), (LIST(V(1), V(2)),), ()),
    CALL(N("iter"), LIST(V(1), V("a"))), CALL(N("set"), LIST(V(1), V(2))),
]
# PathBuf/OsString (issue 13): surrogates, NULs, non-UTF-8 bytes, and
# __fspath__ that raises or returns the wrong thing.
DICTIONARY["str, bytes or os.PathLike"] = [
    V("\ud800"), V("a\udc80b"), V("\x00"), V(b"\xff\xfe"), V(b"a\x00b"), V(""), V("x" * 5000),
    hostile("plain", "__fspath__"), hostile("plain", "__fspath__", "FuzzBaseError"),
] + [hostile("plain", "__fspath__", returns=lie, lie=True)
     for lie in (V(5), V(None), V("\ud800"), V(b"\xff"), hostile("plain", "__fspath__"))] + [
    V(None), V(1), LIST(V("a")),
]
# Words hpy-rs uses for the same types in other messages.
DICTIONARY["integer"] = DICTIONARY["int"]
CANONICAL = {
    "iterable": LIST(V(1)), "set or iterable": LIST(V(1)), "str, bytes or os.PathLike": V("a"),
    "int": V(1), "float": V(1.0), "str": V("a"), "bool": V(True), "bytes": V(b"a"),
    "sequence": LIST(V(1)), "list": LIST(V(1)), "tuple": TUPLE(V(1)), "dict": DICT(),
    "a unicode character": V("a"), "integer": V(1),
}


def _text():
    return st.one_of(
        st.text(st.characters(codec=None, exclude_categories=()), max_size=12),
        st.sampled_from(SPECIAL_STRS),
    )


# Values drawn for each of the universe's strategies (Universe.__init__).
POOL_SIZE = 128


def _draw_pool(strategy):
    """POOL_SIZE values of `strategy`, the same ones every run."""
    values = []

    @settings(max_examples=POOL_SIZE, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=(Phase.generate,))
    @given(strategy)
    def draw(value):
        values.append(value)

    draw()
    return values


class Universe:
    """Every value the fuzzer can pass, for the modules the worker described:
    generators for random calls (fuzz/draw.py), dictionaries for sweeps."""

    def __init__(self, description, skip, vocabulary, extras=(), ext_subclasses=True):
        self.seeds = {}  # "mod.Cls" -> [recipe of an instance]
        self.classes = []  # recipes of the extension classes
        self.subclassable = set()
        functions = []
        for modname, info in description.items():
            for f in info["functions"]:
                if f"{modname}.{f}" not in skip:
                    functions.append(N(f"{modname}.{f}"))
            for c in info["classes"]:
                qual = f"{modname}.{c['name']}"
                self.classes.append(N(qual))
                self.seeds[qual] = list(c["seeds"])
                if c["subclassable"] and ext_subclasses:
                    self.subclassable.add(qual)
                    # Instances of a Python subclass, made with the same arguments.
                    self.seeds[qual] += [("call", subclass(N(qual)), s[2], s[3])
                                         for s in c["seeds"][:1]
                                         if s[0] == "call" and s[1] == N(qual)]
        # The shapes of issue 25: each class's instances include one of
        # another class given this class (`obj.__class__ = C`, N1), and
        # hpyrs_classes.Phoenix one its __del__ brought back (N2).
        owners = [(q, seeds[0]) for q, seeds in self.seeds.items() if seeds]
        for (qual, _), (_, other) in zip(owners, owners[1:] + owners[:1]):
            self.seeds[qual].append(CALL(N("reclassed"), other, N(qual)))
        if "hpyrs_classes.Phoenix" in self.seeds:
            self.seeds["hpyrs_classes.Phoenix"].append(CALL(
                N("resurrected"), N("hpyrs_classes.Phoenix"), N("hpyrs_classes.phoenix_nest"),
                V("fuzz")))
        self.class_by_name = {}
        for qual in self.seeds:
            self.class_by_name.setdefault(qual.rpartition(".")[2], qual)
        self.extras = list(extras)
        words = sorted(set(vocabulary))
        self.all_instances = [s for seeds in self.seeds.values() for s in seeds]
        # One instance of each class that has any: the foreign receivers.
        self.one_of_each = [seeds[0] for seeds in self.seeds.values() if seeds]
        self.class_values = (self.classes + [subclass(N(q)) for q in sorted(self.subclassable)]
                             + [N(c) for c in BUILTIN_CLASSES]
                             + [subclass(N("int")), subclass(N("object"))])

        ints = st.one_of(st.integers(-3, 10), st.sampled_from(SPECIAL_INTS),
                         st.integers(-2**70, 2**70)).map(V)
        floats = st.one_of(st.floats(), st.sampled_from(SPECIAL_FLOATS)).map(V)
        strs = st.one_of(_text(), st.sampled_from(words) if words else _text()).map(V)
        byte_values = st.one_of(
            st.one_of(st.binary(max_size=12), st.sampled_from(SPECIAL_BYTES)).map(V),
            st.sampled_from([CALL(N("bytearray"), V(b"ab")), CALL(N("memoryview"), V(b"abc"))]))
        constants = st.sampled_from([V(None), V(True), V(False), V(1 + 2j), N("Ellipsis"),
                                     N("NotImplemented"), V(complex(math.nan, 1))])
        slices = st.sampled_from([CALL(N("slice"), V(a), V(b), V(c)) for a, b, c in
                                  [(None, None, None), (1, 2**70, -1), (-1, None, 0), ("a", 3, None),
                                   (2**64, -2**63, 2**63), (0, 3, 1)]])
        leaf = st.one_of(
            ints, floats, strs, byte_values, constants,
            st.sampled_from(ALL_HOSTILE), st.sampled_from(ALL_BUILTIN_SUBCLASS_INSTANCES),
            st.sampled_from(self.all_instances or [V(None)]),
            st.sampled_from(self.class_values),
            st.sampled_from([N(c) for c in PY_CALLABLES] + functions),
            st.sampled_from(RANGES), slices,
            st.sampled_from(self.extras or [V(None)]),
        )
        hashable = st.one_of(ints, strs, constants)
        self.any = st.recursive(
            leaf,
            lambda children: st.one_of(
                st.lists(children, max_size=4).map(lambda xs: ("list", tuple(xs))),
                st.lists(children, max_size=4).map(lambda xs: ("tuple", tuple(xs))),
                st.lists(st.tuples(hashable, children), max_size=3).map(
                    lambda kv: ("dict", tuple(kv))),
            ),
            max_leaves=5,
        )
        self.kw_names = st.one_of(st.sampled_from(GENERIC_KW_NAMES),
                                  st.sampled_from(words) if words else _text())
        # Random values of a type: its dictionary, its kind of random value,
        # and now and then anything at all.
        self._typed = {
            "int": st.one_of(ints, ints, st.sampled_from(DICTIONARY["int"])),
            "float": st.one_of(floats, floats, ints, st.sampled_from(DICTIONARY["float"])),
            "str": st.one_of(strs, strs, st.sampled_from(DICTIONARY["str"])),
            "bytes": st.one_of(byte_values, st.sampled_from(DICTIONARY["bytes"])),
            "bool": st.one_of(constants, st.sampled_from(DICTIONARY["bool"])),
            "a unicode character": st.one_of(
                st.characters(codec=None, exclude_categories=()).map(V),
                st.sampled_from(DICTIONARY["a unicode character"])),
        }
        items = st.one_of(ints, floats, strs, leaf)
        self._typed["sequence"] = st.one_of(
            st.lists(items, max_size=6).map(lambda xs: ("list", tuple(xs))),
            st.lists(items, max_size=6).map(lambda xs: ("tuple", tuple(xs))),
            st.lists(floats, max_size=20).map(lambda xs: ("list", tuple(xs))),
            st.sampled_from(DICTIONARY["sequence"]),
        )
        self._typed["dict"] = st.one_of(
            st.lists(st.tuples(hashable, items), max_size=4).map(lambda kv: ("dict", tuple(kv))),
            st.sampled_from(DICTIONARY["dict"]),
        )
        self._typed["object"] = st.one_of(
            st.sampled_from(DICTIONARY["object"]), st.sampled_from(ALL_HOSTILE), self.any)
        for alias in ("list", "tuple", "iterable", "set or iterable"):
            self._typed[alias] = self._typed["sequence"]
        self._typed["str, bytes or os.PathLike"] = st.one_of(
            strs, st.sampled_from(DICTIONARY["str, bytes or os.PathLike"]))
        self._typed["integer"] = self._typed["int"]
        # Drawing from these strategies is most of what a random call costs
        # (CPython 3.14, the ports and hpyrs_classes: the test process took
        # 36 s of processor time with 6 random calls per target, 4 s with
        # none): each is drawn POOL_SIZE times, once, and the random calls
        # pick from those values.
        # From here on a value is a pick (fuzz/draw.py), not a Hypothesis draw.
        pooled = {}

        def pool(strategy):
            if id(strategy) not in pooled:
                pooled[id(strategy)] = draw.sampled_from(_draw_pool(strategy))
            return pooled[id(strategy)]

        self.any = pool(self.any)
        self.kw_names = pool(self.kw_names)
        self._typed = {key: pool(strategy) for key, strategy in self._typed.items()}

    def typed(self, word):
        """Random values for a parameter of type `word`: mostly of that type,
        sometimes anything."""
        strategy = self._typed.get(word)
        if strategy is None:
            own = self.own(self.class_by_name.get(word))
            if own is None:
                return self.any
            strategy = self._typed[word] = draw.one_of(own, draw.sampled_from(self.one_of_each))
        return draw.one_of(strategy, strategy, strategy, self.any)

    def own(self, qual):
        """Instances of the class `qual` (and of its Python subclass)."""
        seeds = self.seeds.get(qual)
        return draw.sampled_from(seeds) if seeds else None

    def receiver(self, qual):
        """A receiver for a raw descriptor: the class's own instances half
        the time, anything at all the other half."""
        own = self.own(qual)
        if own is None:
            return self.any
        return draw.one_of(own, draw.sampled_from(self.one_of_each), self.any)

    def dictionary(self, role, qual=None, salt=""):
        """The values swept through a position of `role`; `salt` (the
        target's id) picks which instances of the module's other classes
        a receiver gets."""
        if role == "receiver":
            others = [s for s in self.one_of_each if s not in self.seeds.get(qual, [])]
            if len(others) > RECEIVERS_SWEPT:
                # Every method of a class checks its receiver with the same
                # code (the interpreter's descriptor, then the class's own
                # check), so a method gets a few of the other classes'
                # instances, a different few for each (crc32, stable from
                # run to run): a module of 36 classes swept 40 receivers
                # through each of its 400 methods.
                start = draw.stable_seed(salt) % len(others)
                others = (others + others)[start:start + RECEIVERS_SWEPT]
            return others + [RANGES[0], CALL(N("object")), V(None), V(1), V("a")]
        if role == "class":
            return self.class_values
        if role == "instance":
            return self.seeds.get(qual, [])[1:]
        if role in DICTIONARY:
            return DICTIONARY[role]
        qual = self.class_by_name.get(role)
        if qual is not None:  # an argument of one of the extension's classes
            return [s for s in self.one_of_each if s not in self.seeds[qual]] + [V(None), V(1)]
        return DICTIONARY["object"]
