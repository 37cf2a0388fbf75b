"""Iterating Python iterables from Rust (`Handle::iter`), collections
extracted from any iterable or mapping, sets and frozensets, paths, byte
buffers, heterogeneous tuples and `hpy::dict!`, through
tests/ext/hpyrs_conv."""

import builtins
import itertools
import os
import pathlib
import sys
from collections import OrderedDict, UserDict

import pytest
from hpyrs_helpers import raises_exactly


def gen(n):
    yield from range(n)


class Raising:
    """An iterable whose __iter__ or __next__ raises."""

    def __init__(self, where, after=0):
        self.where, self.after = where, after

    def __iter__(self):
        if self.where == "iter":
            raise ZeroDivisionError("in __iter__")
        return self

    def __next__(self):
        if self.after == 0:
            raise ZeroDivisionError("in __next__")
        self.after -= 1
        return 1.0


class OldStyle:
    """Iterable through __getitem__ only."""

    def __getitem__(self, i):
        if i >= 3:
            raise IndexError(i)
        return i


# ---- Handle::iter ----

@pytest.mark.parametrize("obj, expected", [
    ([1, 2], [1, 2]),
    ((1, 2), [1, 2]),
    ("ab", ["a", "b"]),
    ({"k": 1, "j": 2}, ["k", "j"]),
    ({3}, [3]),
    (range(3), [0, 1, 2]),
    (b"ab", [97, 98]),
    ([], []),
])
def test_iter_builtin_iterables(hpyrs_conv, obj, expected):
    assert hpyrs_conv.iter_collect(obj) == expected


@pytest.mark.parametrize("r", [
    range(0), range(5), range(3, 20, 4), range(10, -7, -3), range(-5, -1),
    range(2**62, 2**62 + 3), range(2**63 - 3, 2**63 - 1),   # items near isize's end
    range(-2**63, -2**63 + 2), range(5, 2**63 - 1, 2**62),   # next + step overflows
    range(2**63, 2**63 + 2), range(-2**64, -2**64 + 2),       # start over isize
    range(0, 3, 2**63),                                         # step over isize
    range(0, 2**64), range(-2**63, 2**63),                      # longer than sys.maxsize
])
def test_iter_range(hpyrs_conv, r):
    """An exact range, read by arithmetic where the ABI has no iterator
    call, gives what its iterator gives; one whose numbers do not fit an
    isize is read through its iterator."""
    got = hpyrs_conv.iter_collect(r, 4)
    assert got == list(itertools.islice(r, 4))
    assert all(type(x) is int for x in got)
    if r.stop - r.start <= 50:
        assert hpyrs_conv.iter_collect(r) == list(r)


def test_iter_list_changed_while_read(hpyrs_conv):
    """A list that grows or shrinks while it is read gives what Python's
    own `for` over it gives (an exact list is read by index in both ABIs,
    checking its current length at each step)."""
    def python_for(lst, f):
        out = []
        for x in lst:
            out.append(x)
            f(x)
        return out

    for change in (
        lambda lst: (lambda x: lst.append(x + 10) if x < 3 else None),
        lambda lst: (lambda x: lst.pop()),
        lambda lst: (lambda x: lst.clear() if x == 1 else None),
        lambda lst: (lambda x: lst.insert(0, 99) if len(lst) < 8 else None),
    ):
        mine, theirs = [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]
        assert hpyrs_conv.iter_calling(mine, change(mine)) == python_for(theirs, change(theirs))
        assert mine == theirs


@pytest.mark.parametrize("obj, hints", [
    ([7, 8, 9], [3, 2, 1, 0]),
    ((7, 8), [2, 1, 0]),
    (range(2, 8, 2), [3, 2, 1, 0]),
    ({7, 8}, None),          # no length known: a lower bound of 0
    (iter([7, 8]), None),
])
def test_iter_size_hint(hpyrs_conv, obj, hints):
    """`size_hint` says how many items are left where they are known (an
    exact list, tuple or range), so that `collect` allocates once; never
    more than are left."""
    got = hpyrs_conv.iter_size_hints(obj)
    lower = [lo for lo, _ in got]
    if hints is None:
        assert all(lo == 0 for lo in lower[:-1]), got
    else:
        assert lower == hints, got
    for i, (lo, hi) in enumerate(got):
        assert lo <= len(got) - 1 - i
        assert hi is None or hi >= len(got) - 1 - i


def test_iter_generators_and_protocols(hpyrs_conv):
    m = hpyrs_conv
    assert m.iter_collect(gen(4)) == [0, 1, 2, 3]
    assert m.iter_collect(OldStyle()) == [0, 1, 2]
    assert m.iter_collect({"a": 1}.items()) == [("a", 1)]
    it = iter([1, 2, 3])
    assert m.iter_collect(it, 2) == [1, 2]
    assert list(it) == [3]  # the iterator was not drained
    # an endless generator, taken from lazily
    def forever():
        while True:
            yield 0
    assert m.iter_collect(forever(), 5) == [0] * 5
    assert m.iter_sum(x / 2 for x in range(5)) == 5.0


def test_iter_errors(hpyrs_conv):
    m = hpyrs_conv
    with raises_exactly(TypeError, "'int' object is not iterable"):
        m.iter_collect(5)
    with raises_exactly(ZeroDivisionError, "in __iter__"):
        m.iter_collect(Raising("iter"))
    with raises_exactly(ZeroDivisionError, "in __next__"):
        m.iter_collect(Raising("next", after=2))
    with pytest.raises(TypeError):
        m.iter_sum(["x"])
    # the iterator ends after an error
    assert m.iter_after_error(Raising("next", after=2)) == (2, "in __next__", 0)
    assert m.iter_after_error([1, 2]) == (2, "", 0)

    def stops_with_value():
        yield 1
        return 5
    assert m.iter_collect(stops_with_value()) == [1]


# ---- Vec / maps / sets from any iterable ----

def test_vec_from_iterables(hpyrs_conv):
    m = hpyrs_conv
    assert m.vec_sum([1.0, 2.0]) == 3.0
    assert m.vec_sum(x * 1.0 for x in range(4)) == 6.0
    assert m.vec_sum({1.5, 2.5}) == 4.0
    assert m.vec_sum(frozenset()) == 0.0
    assert m.vec_sum({"a": 1.0}.values()) == 1.0
    assert m.vec_sum(iter([1, 2])) == 3.0
    assert m.echo_vec_pairs({"a": 1, "b": 2}.items()) == [("a", 1), ("b", 2)]


def test_vec_from_iterable_errors(hpyrs_conv):
    m = hpyrs_conv
    with raises_exactly(TypeError, "vec_sum() argument 'xs' must be iterable, not int"):
        m.vec_sum(5)
    with raises_exactly(TypeError, "vec_sum() argument 'xs' must be sequence, not str"):
        m.vec_sum("12")
    with raises_exactly(TypeError, "vec_sum() argument 'xs[2]' must be float, not str"):
        m.vec_sum(iter([1, 2, "x"]))
    with raises_exactly(ZeroDivisionError, "in __iter__"):
        m.vec_sum(Raising("iter"))
    with raises_exactly(ZeroDivisionError, "in __next__"):
        m.vec_sum(Raising("next", after=3))


def test_maps_from_mappings_and_pairs(hpyrs_conv):
    m = hpyrs_conv
    assert m.map_items({"b": 2, "a": 1}) == [("a", 1), ("b", 2)]
    assert m.map_items(OrderedDict(a=1)) == [("a", 1)]
    assert m.map_items(UserDict(a=1, b=2)) == [("a", 1), ("b", 2)]
    assert m.map_items([("a", 1), ["b", 2]]) == [("a", 1), ("b", 2)]
    assert m.map_items(zip("ab", range(2))) == [("a", 0), ("b", 1)]
    assert m.map_items(x for x in [("k", 9)]) == [("k", 9)]
    assert m.echo_btreemap_si((("z", 1), ("a", 2))) == {"a": 2, "z": 1}


def test_maps_errors(hpyrs_conv):
    m = hpyrs_conv
    with raises_exactly(TypeError, "map_items() argument 'm' must be dict, not int"):
        m.map_items(5)
    with raises_exactly(TypeError, "map_items() argument 'm' must be dict, not str"):
        m.map_items("ab")
    with raises_exactly(ValueError,
                        "dictionary update sequence element has length 3; 2 is required"):
        m.map_items([("a", 1, 2)])
    with raises_exactly(ValueError,
                        "dictionary update sequence element has length 1; 2 is required"):
        m.map_items([("a",)])
    with raises_exactly(ValueError,
                        "dictionary update sequence element has length 4; 2 is required"):
        m.map_items([("a", 1, 2, 3)])
    with raises_exactly(ZeroDivisionError, "in __next__"):
        m.map_items([Raising("next", after=1)])
    with raises_exactly(ZeroDivisionError, "in __next__"):
        m.map_items([Raising("next", after=3)])
    with raises_exactly(TypeError, "map_items() argument 'm[0]' must be a (key, value) pair, not int"):
        m.map_items([1])
    with raises_exactly(ZeroDivisionError, "in __next__"):
        m.map_items(Raising("next"))

    class BadMapping:
        def keys(self):
            return ["a"]

        def __getitem__(self, k):
            raise KeyError(k)
    with pytest.raises(KeyError):
        m.map_items(BadMapping())
    with pytest.raises(TypeError):
        m.map_items({"a": "x"})


def test_sets(hpyrs_conv):
    m = hpyrs_conv
    out = m.echo_hashset({1, 2, 3})
    assert type(out) is set and out == {1, 2, 3}
    assert m.echo_hashset(frozenset({4})) == {4}
    assert m.echo_hashset([1, 1, 2]) == {1, 2}
    assert m.echo_hashset(gen(3)) == {0, 1, 2}
    assert m.echo_hashset(set()) == set()
    assert m.echo_btreeset({"b", "a"}) == {"a", "b"}
    out = m.echo_frozenset({3, 1})
    assert type(out) is frozenset and out == frozenset({1, 3})
    with raises_exactly(TypeError, "echo_hashset() argument 'x' must be set or iterable, not int"):
        m.echo_hashset(5)
    with raises_exactly(TypeError, "echo_hashset() argument 'x' must be set or iterable, not str"):
        m.echo_hashset("12")
    with raises_exactly(TypeError, "echo_hashset() argument 'x[1]' must be int, not str"):
        m.echo_hashset([1, "2"])
    with raises_exactly(ZeroDivisionError, "in __next__"):
        m.echo_hashset(Raising("next"))


# ---- bytes ----

def test_byte_vec_from_buffers(hpyrs_conv):
    m = hpyrs_conv
    assert m.byte_vec(b"ab") == b"ab"
    assert m.byte_vec(bytearray(b"\0xy")) == b"\0xy"
    assert m.byte_vec(memoryview(b"hello")[1:3]) == b"el"
    assert m.byte_vec(memoryview(bytearray(b"q"))) == b"q"
    # a memoryview's raw bytes, whatever its format
    raw = memoryview(bytes(range(8))).cast("i")
    assert m.byte_vec(raw) == bytes(range(8))
    assert m.byte_vec([1, 2]) == b"\x01\x02"
    assert m.byte_vec(x for x in (3, 4)) == b"\x03\x04"

    class MyArray(bytearray):
        pass
    assert m.byte_vec(MyArray(b"sub")) == b"sub"
    with raises_exactly(TypeError, "byte_vec() argument 'data' must be sequence, not str"):
        m.byte_vec("ab")
    with raises_exactly(OverflowError, "byte_vec() argument 'data[0]' is out of range for u8"):
        m.byte_vec(x for x in [256])


# ---- paths ----

def test_paths(hpyrs_conv, tmp_path):
    m = hpyrs_conv
    assert m.echo_pathbuf("/a/b") == "/a/b"
    assert m.echo_pathbuf(pathlib.Path("/a/b")) == "/a/b"
    assert m.echo_pathbuf(b"/a/b") == "/a/b"
    assert m.echo_osstring("x y") == "x y"
    assert m.path_join(tmp_path, "f.txt") == str(tmp_path / "f.txt")
    assert m.path_refs() == ("/tmp/x.txt", "/tmp/x.txt")

    class Custom:
        def __fspath__(self):
            return "/custom"
    assert m.echo_pathbuf(Custom()) == "/custom"

    class CustomBytes:
        def __fspath__(self):
            return b"/bytes"
    assert m.echo_pathbuf(CustomBytes()) == "/bytes"


@pytest.mark.skipif(sys.platform == "win32", reason="file names are bytes on POSIX only")
def test_paths_non_utf8(hpyrs_conv):
    m = hpyrs_conv
    if sys.getfilesystemencoding() != "utf-8":
        pytest.skip(f"the file-system encoding is {sys.getfilesystemencoding()}, not utf-8")
    raw = b"caf\xe9/\xff"
    name = os.fsdecode(raw)
    assert "\udce9" in name
    assert m.path_bytes(name) == raw
    assert m.path_bytes(raw) == raw
    assert m.path_from_bytes(raw) == name
    assert m.echo_pathbuf(name) == name
    assert m.path_bytes("é") == "é".encode()


def test_paths_errors(hpyrs_conv):
    m = hpyrs_conv
    with raises_exactly(TypeError,
                        "echo_pathbuf() argument 'x' must be str, bytes or os.PathLike, not int"):
        m.echo_pathbuf(5)
    with raises_exactly(TypeError,
                        "echo_pathbuf() argument 'x' must be str, bytes or os.PathLike, not NoneType"):
        m.echo_pathbuf(None)

    class Raises:
        def __fspath__(self):
            raise ZeroDivisionError("in __fspath__")
    with raises_exactly(ZeroDivisionError, "in __fspath__"):
        m.echo_pathbuf(Raises())

    class Wrong:
        def __fspath__(self):
            return 5
    with pytest.raises(TypeError, match="__fspath__"):
        m.echo_pathbuf(Wrong())
    # a lone surrogate outside surrogateescape's range cannot be encoded
    with pytest.raises(UnicodeEncodeError):
        m.echo_pathbuf("\ud800")


# ---- building from Rust ----

def test_dict_macro(hpyrs_conv):
    out = hpyrs_conv.dict_mixed(3)
    assert out == {"n": 3, "half": 1.5, "name": "n3", "items": [3, 3], "none": None,
                   "pair": (3, "x"), "set": frozenset({1, 2}), 3: "int key"}
    assert list(out) == ["n", "half", "name", "items", "none", "pair", "set", 3]
    assert hpyrs_conv.dict_empty() == {}


def test_mixed_tuple(hpyrs_conv):
    assert hpyrs_conv.mixed_tuple() == (1, 2.5, "three", True, None, b"\x05", None, {7},
                                        "/8", "9", 10, None)


@pytest.mark.skipif(sys.implementation.name == "pypy", reason="no reference counts")
def test_tuple_takes_over_its_items(hpyrs_conv):
    obj = object()
    before = sys.getrefcount(obj)
    pair = hpyrs_conv.pair_of(obj)
    assert pair == (obj, obj)
    assert sys.getrefcount(obj) == before + 2
    del pair
    assert sys.getrefcount(obj) == before


def test_builtins_is_the_dict(hpyrs_conv):
    namespace, length = hpyrs_conv.builtins_probe()
    assert type(namespace) is dict
    assert namespace["len"] is builtins.len
    assert length is builtins.len


class Sized:
    """An iterable (no __getitem__) whose __len__ says `n`, or raises."""

    def __init__(self, n, items=(1, 2)):
        self.n, self.items = n, items

    def __len__(self):
        if isinstance(self.n, Exception):
            raise self.n
        return self.n

    def __iter__(self):
        return iter(self.items)


def test_huge_and_lying_sizes(hpyrs_conv):
    m = hpyrs_conv
    # the announced size is reserved first, as list() does: a MemoryError,
    # not an abort
    with pytest.raises(MemoryError):
        m.echo_hashset(range(2**40))
    with pytest.raises(MemoryError):
        m.echo_hashset(range(2**62))
    with pytest.raises(MemoryError):
        m.echo_btreeset(range(2**40))
    with pytest.raises(MemoryError):
        m.echo_frozenset(range(2**62))
    # len(range(2**64)) itself raises OverflowError, as in list(range(2**64))
    with pytest.raises(OverflowError):
        m.echo_frozenset(range(2**64))
    with pytest.raises(MemoryError):
        m.vec_sum(Sized(2**62))
    with pytest.raises(MemoryError):
        m.echo_hashset(Sized(2**62))
    # an honest or understated size is only a hint
    assert m.vec_sum(Sized(0)) == 3.0
    assert m.echo_hashset(Sized(1, (1, 2, 3))) == {1, 2, 3}
    with raises_exactly(ZeroDivisionError, "in __len__"):
        m.vec_sum(Sized(ZeroDivisionError("in __len__")))
    with pytest.raises(ValueError):
        m.echo_hashset(Sized(-1))
    with pytest.raises(OverflowError):
        m.vec_sum(Sized(2**64))
