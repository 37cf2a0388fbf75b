"""What the fuzzer calls: targets built from the worker's description of the
modules. Every public callable becomes targets: module functions; for each
class its constructor, ``C.__new__(some_class, ...)``, a Python subclass's
constructor, each method bound to an instance and as a raw descriptor given
any receiver, each property's ``__get__``/``__set__``/``__delete__`` with any
receiver and through ``getattr``/``setattr``/``delattr``, and each slot
through the interpreter's protocol (``x + y`` and ``y + x``, ``len(x)``,
``x[k] = v``, ``hash(x)``...).

A target is ``callee(*prefix, *free, **kwargs)``: the prefix positions have
roles fixed by the kind of target (a receiver, a class, an instance, any
object); the free positions are the callee's own parameters, whose number
and types the probes learn from hpy-rs's error messages.
"""

import dataclasses
import re
import typing

from . import draw
from .values import CALL, CANONICAL, GENERIC_KW_NAMES, N, V, subclass

PROBE_EXTRA = 12  # arguments of the "too many" probe
WRONG_FOR_ALL = CALL(N("object"))  # no typed parameter accepts a bare object()
MUST_BE = re.compile(r"argument '([^']+)' must be (.+?), not ")
_MISSING = re.compile(r"missing (\d+) required (?:positional |keyword-only )?arguments?: (.*)")
_MOST = [
    (re.compile(r"takes no arguments"), lambda m: 0),
    (re.compile(r"takes exactly one argument"), lambda m: 1),
    (re.compile(r"takes (?:exactly |at most )?(\d+) (?:positional )?arguments?"), lambda m: int(m[1])),
    (re.compile(r"takes from \d+ to (\d+) (?:positional )?arguments"), lambda m: int(m[1])),
    (re.compile(r"expected (?:at most )?(\d+) arguments?"), lambda m: int(m[1])),
]


@dataclasses.dataclass
class Hints:
    """What the probes told about a callee's own parameters."""

    low: int = 0
    high: typing.Optional[int] = None  # None: not known, or any number
    names: tuple = ()
    types: tuple = ()  # per position: a type word, "object", or "?" (not learned)
    base: tuple = ()  # per position: a value that got past argument conversion


def parse_arity(none_answer, many_answer):
    """Hints from the callee called with no free arguments and with
    PROBE_EXTRA Nones: hpy-rs and CPython name the missing parameters and
    the maximum count in their TypeError messages."""
    hints = Hints()
    m = _MISSING.search((none_answer.get("exc") or {}).get("msg", ""))
    if m:
        hints.low = int(m[1])
        hints.names = tuple(re.findall(r"'([^']+)'", m[2]))
    if many_answer.get("outcome") == "returned":
        return hints  # takes any number
    msg = (many_answer.get("exc") or {}).get("msg", "")
    for pattern, value in _MOST:
        m = pattern.search(msg)
        if m:
            hints.high = max(value(m), hints.low)
            break
    return hints


def learn_types(hints, call, class_seed):
    """Fills hints.types and hints.base: every argument starts as a bare
    object(); the one that an "argument 'x' must be WORD" message names is
    replaced by a value of WORD, until the call gets past conversion.
    `call(args)` returns the answer; `class_seed(name)` an instance of the
    extension class called `name`, or None."""
    n = hints.high if hints.high is not None and hints.high <= 8 else hints.low
    args = [WRONG_FOR_ALL] * n
    types = ["?"] * n
    for _ in range(n + 1):
        m = MUST_BE.search((call(tuple(args)).get("exc") or {}).get("msg", ""))
        if not m:
            # Past conversion: whatever still holds object() takes any object.
            types = ["object" if t == "?" else t for t in types]
            break
        if "?" not in types:
            break
        # The parameter named, by its place among the required ones that the
        # "missing" message listed; an optional one is converted after them.
        i = (hints.names.index(m[1]) if m[1] in hints.names
             else next((j for j in range(len(hints.names), n) if types[j] == "?"), None))
        if i is None or types[i] != "?":
            break
        word = m[2]
        value = CANONICAL.get(word)
        if value is None:
            word = word.rpartition(".")[2]
            value = class_seed(word)
        types[i] = word
        if value is None:
            break
        args[i] = value
    hints.types, hints.base = tuple(types), tuple(args)


@dataclasses.dataclass
class Target:
    """One way to call something: ``callee(*prefix, *free, **kwargs)``."""

    id: str  # what the report calls it
    name: str  # the Python callable it exercises ("pof.add_ints"); the skip lists use it
    qual: str  # the class under test, or the module
    callee: typing.Any  # a generator of recipes (fuzz/draw.py)
    base_callee: tuple  # one of them, for the probes and sweeps
    prefix: tuple = ()  # generators, one per prefix position
    base_prefix: tuple = ()  # a value for each that passes
    roles: tuple = ()  # the role of each prefix position ("fixed": not swept)
    # The sweep tries the free arguments' values too; False where another
    # target sweeps them on the same function, through the same argument
    # parsing (a method through the instance, `T.__new__(cls, ...)`): the
    # sweep then tries the prefix's roles only, and the random calls still
    # come. (On CPython 3.14 the ports' and hpyrs_classes's calls: 104,384 ->
    # 93,411.)
    sweep_free: bool = True
    free: bool = True  # the callee takes parameters of its own
    extra: int = 0  # without them: how many surplus arguments to try
    probe: bool = True
    hints: Hints = dataclasses.field(default_factory=Hints)

    def random_calls(self, universe):
        """Random calls: the prefix from its generators, free arguments
        mostly of the learned types, sometimes of any type or number, and
        sometimes keyword arguments, with right or wrong names."""
        prefix = draw.tuples(*self.prefix)
        h = self.hints
        if self.free:
            if h.high is not None:
                count = draw.integers(0, h.high + 2)
                in_range = draw.lists(universe.any, min_size=h.low, max_size=h.high)
            else:
                count = draw.integers(0, 5)
                in_range = draw.lists(universe.any, min_size=h.low, max_size=h.low + 3)
            anything = draw.one_of(in_range, count.flatmap(lambda n: draw.lists(
                universe.any, min_size=n, max_size=n)))
            if h.types:
                typed = draw.tuples(*[universe.typed(w if w != "?" else "object") for w in h.types])
                free = draw.one_of(typed, typed, typed, anything)
            else:
                free = anything
            names = draw.one_of(draw.sampled_from(list(h.names) + GENERIC_KW_NAMES), universe.kw_names)
            kwargs = draw.one_of(
                draw.just(()), draw.just(()), draw.just(()),
                draw.lists(draw.tuples(names, universe.any), min_size=1, max_size=3,
                         unique_by=lambda kv: kv[0]).map(tuple))
        else:
            free = draw.one_of(draw.just(()), draw.just(()), draw.just(()),
                             draw.lists(universe.any, max_size=self.extra))
            kwargs = draw.just(())
        return draw.tuples(self.callee, prefix, free, kwargs).map(
            lambda t: (t[0], tuple(t[1]) + tuple(t[2]), t[3]))

    def sweep(self, universe):
        """Deterministic calls: each dictionary value of each position's
        role, the other positions keeping values that pass."""
        base = list(self.base_prefix) + list(self.hints.base)
        roles = list(self.roles) + [w if w != "?" else "object" for w in self.hints.types]
        calls = []
        for i, role in enumerate(roles):
            if role == "fixed" or (i >= len(self.roles) and not self.sweep_free):
                continue
            for value in universe.dictionary(role, self.qual, self.id):
                args = list(base)
                args[i] = value
                calls.append((self.base_callee, tuple(args), ()))
        if roles and roles[0] in ("class", "receiver"):
            # No positional argument at all, so no class or receiver: with
            # and without keywords (`T.__new__(default=1)`, issue 36).
            calls.append((self.base_callee, (), ()))
            calls.append((self.base_callee, (), (("default", V(1)),)))
        if self.free and self.sweep_free:
            # Keyword arguments: an unknown name, and a parameter given both
            # by position and by keyword (or by keyword alone).
            prefix, free = tuple(self.base_prefix), tuple(self.hints.base)
            calls.append((self.base_callee, prefix + free, (("zz", V(1)),)))
            for name, value in zip(self.hints.names, free):
                calls.append((self.base_callee, prefix + free, ((name, value),)))
                calls.append((self.base_callee, prefix, ((name, value),)))
        return calls


# dunder -> [(callee, where the instance goes)]: arity n >= 0 means
# f(instance, x1..xn); -1 means f(x, instance) (the reflected operation).
_BINARY = ["add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "lshift", "rshift",
           "and", "xor", "or"]
PROTOCOL = {
    "__repr__": [("repr", 0)], "__str__": [("str", 0)], "__hash__": [("hash", 0)],
    "__bool__": [("bool", 0)], "__len__": [("len", 0)], "__int__": [("int", 0)],
    "__float__": [("float", 0)], "__complex__": [("complex", 0)],
    "__index__": [("operator.index", 0)], "__abs__": [("abs", 0)],
    "__neg__": [("operator.neg", 0)], "__pos__": [("operator.pos", 0)],
    "__invert__": [("operator.invert", 0)], "__iter__": [("list", 0)], "__next__": [("next", 0)],
    "__getitem__": [("operator.getitem", 1)], "__setitem__": [("operator.setitem", 2)],
    "__delitem__": [("operator.delitem", 1)], "__contains__": [("operator.contains", 1)],
    "__buffer__": [("memoryview", 0), ("bytes", 0)],
    "__pow__": [("pow", 1), ("pow", 2)], "__rpow__": [("pow", -1)],
    "__ipow__": [("operator.ipow", 1)], "__divmod__": [("divmod", 1)],
    "__rdivmod__": [("divmod", -1)],
}
for _op in _BINARY:
    _name = _op + "_" if _op in ("and", "or") else _op
    PROTOCOL[f"__{_op}__"] = [(f"operator.{_name}", 1)]
    PROTOCOL[f"__r{_op}__"] = [(f"operator.{_name}", -1)]
    PROTOCOL[f"__i{_op}__"] = [(f"operator.i{_op}", 1)]
for _op in ("lt", "le", "eq", "ne", "gt", "ge"):
    PROTOCOL[f"__{_op}__"] = [(f"operator.{_op}", 1), (f"operator.{_op}", -1)]


def build_targets(description, universe, skip):
    """{module: [Target]} for every module; `skip` holds Target.names never
    to call."""
    out = {}
    for modname, info in description.items():
        found = []
        for f in info["functions"]:
            name = f"{modname}.{f}"
            found.append(Target(f"{name}(...)", name, modname, draw.just(N(name)), N(name)))
        for c in info["classes"]:
            found += _class_targets(modname, c, universe)
        out[modname] = [t for t in found if t.name not in skip]
    return out


def _class_targets(modname, c, universe):
    qual = f"{modname}.{c['name']}"
    cls = N(qual)
    own = universe.own(qual)
    seed = c["seeds"][0] if c["seeds"] else None
    anything = universe.any
    new = ("attr", cls, "__new__")
    found = [
        Target(f"{qual}(...)", qual, qual, draw.just(cls), cls),
        Target(f"{qual}.__new__(some_class, ...)", f"{qual}.__new__", qual, draw.just(new), new,
               prefix=(draw.one_of(draw.just(cls), draw.sampled_from(universe.class_values)),),
               base_prefix=(cls,), roles=("class",), sweep_free=False),
    ]
    if qual in universe.subclassable:
        variants = [subclass(cls, d) for d in (None, "__init__", "__eq__", "__hash__", "__repr__")]
        found.append(Target(f"subclass({qual})(...)", qual, qual, draw.sampled_from(variants),
                            variants[0]))
    for attr, kind in sorted(c["entries"].items()):
        name = f"{qual}.{attr}"
        raw = ("cdict", cls, attr)
        if kind == "property":
            found += _property_targets(qual, name, attr, raw, own, seed, universe)
        elif kind in ("method", "slot"):
            found.append(Target(
                f"{qual}.__dict__[{attr!r}](receiver, ...)", name, qual, draw.just(raw), raw,
                prefix=(universe.receiver(qual),), base_prefix=(seed or V(None),),
                roles=("receiver",), probe=seed is not None))
            if own is not None and attr != "__del__":
                found.append(Target(
                    f"{qual}().{attr}(...)", name, qual,
                    own.map(lambda r, a=attr: ("attr", r, a)), ("attr", seed, attr),
                    sweep_free=False))
            if own is not None and kind == "slot":
                found += _protocol_targets(qual, name, attr, own, seed, anything)
        elif kind == "static":
            callee = ("attr", cls, attr)
            found.append(Target(f"{qual}.{attr}(...)", name, qual, draw.just(callee), callee))
    return found


def _property_targets(qual, name, attr, raw, own, seed, universe):
    recv = universe.receiver(qual)
    anything = universe.any
    base_recv = seed or V(None)
    get, set_, delete = (("attr", raw, m) for m in ("__get__", "__set__", "__delete__"))
    found = [
        Target(f"{qual}.__dict__[{attr!r}].__get__(receiver)", name, qual, draw.just(get), get,
               prefix=(recv,), base_prefix=(base_recv,), roles=("receiver",),
               free=False, extra=2, probe=False),
        Target(f"{qual}.__dict__[{attr!r}].__get__(None, some_class)", name, qual, draw.just(get),
               get, prefix=(draw.just(V(None)), draw.sampled_from(universe.class_values)),
               base_prefix=(V(None), N(qual)), roles=("fixed", "class"),
               free=False, extra=1, probe=False),
        Target(f"{qual}.__dict__[{attr!r}].__set__(receiver, value)", name, qual, draw.just(set_),
               set_, prefix=(recv, anything), base_prefix=(base_recv, V(1)),
               roles=("receiver", "object"), free=False, extra=1, probe=False),
        Target(f"{qual}.__dict__[{attr!r}].__delete__(receiver)", name, qual, draw.just(delete),
               delete, prefix=(recv,), base_prefix=(base_recv,), roles=("receiver",),
               free=False, extra=1, probe=False),
    ]
    if own is not None:
        found += [
            Target(f"getattr({qual}(), {attr!r})", name, qual, draw.just(N("getattr")),
                   N("getattr"), prefix=(own, draw.just(V(attr))), base_prefix=(seed, V(attr)),
                   roles=("instance", "fixed"), free=False, probe=False),
            Target(f"setattr({qual}(), {attr!r}, value)", name, qual, draw.just(N("setattr")),
                   N("setattr"), prefix=(own, draw.just(V(attr)), anything),
                   base_prefix=(seed, V(attr), V(1)), roles=("instance", "fixed", "object"),
                   free=False, probe=False),
            Target(f"delattr({qual}(), {attr!r})", name, qual, draw.just(N("delattr")),
                   N("delattr"), prefix=(own, draw.just(V(attr))), base_prefix=(seed, V(attr)),
                   roles=("instance", "fixed"), free=False, probe=False),
        ]
    return found


def _protocol_targets(qual, name, attr, own, seed, anything):
    if attr == "__call__":
        return [Target(f"{qual}()(...)", name, qual, own, seed)]
    found = []
    for callee, arity in PROTOCOL.get(attr, ()):
        if arity >= 0:
            prefix = (own,) + (anything,) * arity
            base = (seed,) + (V(1),) * arity
            roles = ("instance",) + ("object",) * arity
            shape = ", ".join(["instance"] + ["x"] * arity)
        else:
            prefix, base, roles, shape = (anything, own), (V(1), seed), ("object", "instance"), \
                "x, instance"
        found.append(Target(f"{callee}({shape}) [{qual}.{attr}]", name, qual, draw.just(N(callee)),
                            N(callee), prefix=prefix, base_prefix=base, roles=roles, free=False,
                            probe=False))
    return found
