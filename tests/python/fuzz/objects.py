"""Hostile arguments: objects whose special methods raise or return nonsense,
and subclasses (of builtins and of extension classes) that do the same.

Everything here is made by a call that reads as its own description, e.g.
``hostile("seq", "__len__", returns=2**40)`` (a 3-item sequence that claims
2**40 items) or ``subclass(int, "__index__")(5)`` (an int subclass whose
``__index__`` raises ValueError), so a printed reproducer needs only
``from fuzz.objects import *``.
"""

__all__ = ["FuzzError", "FuzzBaseError", "EXCEPTIONS", "hostile", "subclass",
           "returns_args", "raises_error", "raises_base_error", "reclassed", "resurrected",
           "unsure", "unsure_trie", "reentrant"]

import gc


class FuzzError(Exception):
    """An ordinary exception raised on purpose by a hostile object."""


class FuzzBaseError(BaseException):
    """Not an ``Exception``: what an ``except Exception`` must let through."""


#: The exceptions a hostile special method may raise, by name (the name is
#: what recipes carry). SystemError is left out on purpose: a SystemError is
#: what the fuzzer reports as a defect.
EXCEPTIONS = {
    cls.__name__: cls
    for cls in (ValueError, TypeError, OverflowError, IndexError, KeyError, MemoryError,
                RecursionError, StopIteration, FuzzError, FuzzBaseError)
}


class _Plain:
    """Nothing but the one special method the subclass adds."""


class _Seq:
    """A sequence of the three ints 1, 2, 3."""

    _items = (1, 2, 3)

    def __len__(self):
        return len(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __iter__(self):
        return iter(self._items)

    def __contains__(self, x):
        return x in self._items


class _Num:
    """A number that is 3 through every conversion."""

    def __index__(self):
        return 3

    def __int__(self):
        return 3

    def __float__(self):
        return 3.0

    def __complex__(self):
        return 3j

    def __bool__(self):
        return True

    def __hash__(self):
        return 3

    def __eq__(self, other):
        return other == 3

    def __lt__(self, other):
        return 3 < other

    def __add__(self, other):
        return 3 + other

    __radd__ = __add__

    def __mul__(self, other):
        return 3 * other

    __rmul__ = __mul__


class _Map:
    """A mapping {"a": 1, "b": 2}."""

    _data = {"a": 1, "b": 2}

    def keys(self):
        return list(self._data)

    def items(self):
        return list(self._data.items())

    def values(self):
        return list(self._data.values())

    def __getitem__(self, k):
        return self._data[k]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, k):
        return k in self._data


_KINDS = {"plain": _Plain, "seq": _Seq, "num": _Num, "map": _Map}
_RAISE = object()  # `returns` not given: the special method raises
_SIMPLE = (int, float, complex, str, bytes, bool, type(None))
_CLASSES = {}  # made classes, for arguments that can be keys


def _make_class(name, base, dunder, exc, returns):
    raising = returns is _RAISE
    key = (name, base, dunder, exc, raising or (type(returns), repr(returns)))
    cacheable = raising or type(returns) in _SIMPLE
    if cacheable and key in _CLASSES:
        return _CLASSES[key]
    error = EXCEPTIONS[exc]
    if raising:
        def method(self, *args, **kwargs):
            raise error(f"{type(self).__name__}.{dunder} raises on purpose")
    else:
        def method(self, *args, **kwargs):
            return returns
    namespace = {}
    if dunder:
        method.__name__ = dunder
        namespace[dunder] = method
        if dunder == "__eq__":
            # Defining __eq__ alone would make the class unhashable; keep
            # the base's hash so that only __eq__ misbehaves.
            namespace["__hash__"] = base.__hash__
    cls = type(base)(name, (base,), namespace)
    if cacheable:
        _CLASSES[key] = cls
    return cls


def hostile(kind, dunder=None, exc="ValueError", returns=_RAISE):
    """An object of `kind` ("plain", "seq", "num" or "map") whose `dunder`
    raises `exc` (a name in EXCEPTIONS), or returns `returns` if given."""
    name = f"Hostile{kind.title()}" + (f"_{dunder.strip('_')}" if dunder else "")
    return _make_class(name, _KINDS[kind], dunder, exc, returns)()


def subclass(base, dunder=None, exc="ValueError", returns=_RAISE):
    """A Python subclass of `base` (a builtin or an extension class) whose
    `dunder` raises `exc` or returns `returns`; a plain subclass if `dunder`
    is None. Instances are made as for `base`: ``subclass(int)(5)``."""
    return _make_class(f"{base.__name__}Sub", base, dunder, exc, returns)


def returns_args(*args, **kwargs):
    """A Python callable that accepts anything."""
    return args


def raises_error(*args, **kwargs):
    """A Python callable that always raises FuzzError."""
    raise FuzzError("raises_error() raises on purpose")


def raises_base_error(*args, **kwargs):
    """A Python callable that always raises FuzzBaseError (not an Exception)."""
    raise FuzzBaseError("raises_base_error() raises on purpose")


def _has_members(cls):
    """Whether `cls` has `#[member]` fields (member descriptors)."""
    return any(type(v).__name__ in ("member_descriptor", "hpy_member_descriptor")
               for k in cls.__mro__ for v in vars(k).values())


def reclassed(obj, cls):
    """`obj` after ``obj.__class__ = cls``, where the interpreter allows it
    (PyPy does between any two HPy classes; CPython refuses): an instance
    of `cls` whose data another class wrote (issue 25, N1). hpy-rs checks
    every receiver against the data; `#[member]` fields, which the
    interpreter reads and writes at their offsets itself, are not covered
    yet (the `#[member]` rework of issue 25, S4/S5, owns them), so the
    class is left as it is where either class has members."""
    if _has_members(type(obj)) or _has_members(cls):
        return obj
    try:
        obj.__class__ = cls
    except TypeError:
        pass
    return obj


def resurrected(cls, nest, *args):
    """An instance of `cls` that its `__del__` kept (in a global `nest()`
    hands back) after the interpreter finalised it (issue 25, N2): PyPy
    destroys its data anyway. A new instance if `__del__` kept nothing."""
    obj = cls(*args)
    del obj
    for _ in range(3):
        gc.collect()
    back = nest()
    return back if back is not None else cls(*args)


class _Unsure:
    """A key whose hash is always 0 and whose ``__eq__`` answers at random
    from a seeded generator: hash tries that count their size by those
    answers (rpds) end up with a size that is not the number of entries
    they yield (issue 36's HashTrieSet.__reduce__ SystemError)."""

    def __init__(self, rng):
        self._rng = rng

    def __hash__(self):
        return 0

    def __eq__(self, other):
        return self._rng.random() < 0.5

    def __repr__(self):
        return "unsure()"


def unsure(seed=0):
    """A key whose ``__eq__`` changes its answer (see _Unsure)."""
    import random

    return _Unsure(random.Random(seed))


def unsure_trie(cls, seed=0):
    """An instance of the hash trie class `cls` (rpds.HashTrieSet or
    HashTrieMap) built from unsure keys until its size and the entries its
    iterator yields differ: the state that a random fuzzer reached twice in
    67 million calls, made at once (a targeted strategy). The last trie
    built if no such state came up in 2000 tries."""
    import random

    rng = random.Random(seed)
    t = cls()
    for _ in range(2000):
        t = cls()
        for i in range(rng.randint(1, 8)):
            k = _Unsure(rng)
            try:
                if rng.random() < 0.6:
                    t = t.insert(k) if "Set" in cls.__name__ else t.insert(k, i)
                else:
                    t = t.discard(k)
            except BaseException:  # rpds panics on some such keys (PanicException)
                pass
        if len(t) != sum(1 for _ in t):
            return t
    return t


class _Reentrant:
    """An object whose ``__hash__``, ``__eq__``, ``__len__`` and
    ``__iter__`` call `f` first: a callback into the module under test
    while it works (re-entrance)."""

    def __init__(self, f):
        self._f = f

    def _call(self):
        try:
            self._f()
        except Exception:
            pass

    def __hash__(self):
        self._call()
        return 7

    def __eq__(self, other):
        self._call()
        return other is self

    def __len__(self):
        self._call()
        return 2

    def __iter__(self):
        self._call()
        return iter((1, 2))

    def __repr__(self):
        return "reentrant(...)"


def reentrant(f):
    """An object that calls `f()` from its special methods (see _Reentrant)."""
    return _Reentrant(f)
