"""The object protocol through hpyrs_api: attributes, items, len, string
forms, hash, truth, rich comparison and type checks, compared with what
plain Python does (same result, same exception type and message)."""

import operator
import sys

import pytest
from hpyrs_helpers import raises_exactly


IS_PYPY = sys.implementation.name == "pypy"


class Obj:
    pass


def same_error(f, g):
    """f() and g() must both raise, with the same exception type and message."""
    with pytest.raises(Exception) as expected:
        f()
    with pytest.raises(Exception) as got:
        g()
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value)


def test_attributes(hpyrs_api):
    m = hpyrs_api
    o = Obj()
    m.set_attr(o, "a", 1)
    m.set_attr_s(o, "b", 2)
    assert (o.a, o.b) == (1, 2)
    assert m.get_attr(o, "a") == 1 and m.get_attr_s(o, "b") == 2
    assert m.has_attr(o, "a") and m.has_attr_s(o, "b")
    assert not m.has_attr(o, "zz") and not m.has_attr_s(o, "zz")
    m.del_attr(o, "a")
    m.del_attr_s(o, "b")
    assert not hasattr(o, "a") and not hasattr(o, "b")
    same_error(lambda: getattr(o, "a"), lambda: m.get_attr(o, "a"))
    same_error(lambda: getattr(o, "a"), lambda: m.get_attr_s(o, "a"))
    same_error(lambda: delattr(o, "a"), lambda: m.del_attr_s(o, "a"))
    with pytest.raises(TypeError):  # worded differently by PyPy's HPy_GetAttr
        m.get_attr(o, 1)
    same_error(lambda: setattr(1, "x", 1), lambda: m.set_attr_s(1, "x", 1))
    # hasattr swallows exceptions raised by the lookup, like Python's
    class Raising:
        def __getattr__(self, name):
            raise RuntimeError("nope")
    assert m.has_attr(Raising(), "x") is False


def test_attribute_names_with_nul(hpyrs_api):
    o = Obj()
    setattr(o, "a\0b", 5)
    assert hpyrs_api.get_attr(o, "a\0b") == 5
    with raises_exactly(ValueError, "embedded null character"):
        hpyrs_api.get_attr_s(o, "a\0b")
    with raises_exactly(ValueError, "embedded null character"):
        hpyrs_api.set_item_s({}, "\0", 1)


def test_long_attribute_name(hpyrs_api):
    o = Obj()
    name = "x" * 1000
    hpyrs_api.set_attr_s(o, name, 3)
    assert getattr(o, name) == 3 and hpyrs_api.get_attr_s(o, name) == 3


def test_items(hpyrs_api):
    m = hpyrs_api
    d = {}
    m.set_item(d, 1, "one")
    m.set_item_s(d, "k", "kay")
    l = [10, 20, 30]
    m.set_item_i(l, 1, 21)
    assert d == {1: "one", "k": "kay"} and l == [10, 21, 30]
    assert m.get_item(d, 1) == "one" and m.get_item_s(d, "k") == "kay"
    assert m.get_item_i(l, -1) == 30 and m.get_item_i((7, 8), 0) == 7
    m.del_item(d, 1)
    m.del_item_s(d, "k")
    m.del_item_i(l, 0)
    assert d == {} and l == [21, 30]
    same_error(lambda: d[1], lambda: m.get_item(d, 1))
    same_error(lambda: d["k"], lambda: m.get_item_s(d, "k"))
    same_error(lambda: l[5], lambda: m.get_item_i(l, 5))
    same_error(lambda: operator.delitem(l, 5), lambda: m.del_item_i(l, 5))
    same_error(lambda: operator.setitem((1,), 0, 2), lambda: m.set_item_i((1,), 0, 2))
    same_error(lambda: operator.getitem(1, 0), lambda: m.get_item_i(1, 0))
    same_error(lambda: d[[]], lambda: m.get_item(d, []))
    # get_item_i goes through __getitem__ with an int
    class Seq:
        def __getitem__(self, i):
            return ("item", i)
    assert m.get_item_i(Seq(), 3) == ("item", 3)
    assert m.get_item_s(Seq(), "x") == ("item", "x")


def test_get_item_i_of_lists_and_tuples(hpyrs_api):
    """An exact list or tuple is read in place (the CPython ABI,
    hpy_rs_universal's plain context): every index, the ends, a list that
    grew or shrank, and subclasses, which answer through __getitem__."""
    m = hpyrs_api
    items = [object(), "s", 2**70, None, 1.5]
    for seq in (list(items), tuple(items)):
        for i in range(-len(items), len(items)):
            assert m.get_item_i(seq, i) is items[i]
        same_error(lambda: seq[len(items)], lambda: m.get_item_i(seq, len(items)))
        same_error(lambda: seq[-len(items) - 1], lambda: m.get_item_i(seq, -len(items) - 1))
    for empty in ([], ()):
        same_error(lambda: empty[0], lambda: m.get_item_i(empty, 0))
    grown = [1]
    grown.extend(range(100))
    assert m.get_item_i(grown, 100) == 99
    del grown[1:]
    same_error(lambda: grown[1], lambda: m.get_item_i(grown, 1))

    class L(list):
        def __getitem__(self, i):
            return ("sub", i)

    class T(tuple):
        def __getitem__(self, i):
            return ("sub", i)

    assert m.get_item_i(L([1]), 0) == ("sub", 0) and m.get_item_i(T((1,)), 0) == ("sub", 0)


def test_contains_and_length(hpyrs_api):
    m = hpyrs_api
    assert m.contains([1, 2], 2) is True and m.contains({"a": 1}, "b") is False
    assert m.contains("abc", "bc") is True
    same_error(lambda: 1 in 5, lambda: m.contains(5, 1))
    same_error(lambda: [] in {}, lambda: m.contains({}, []))
    for x in ([], [1, 2], "héllo", {1: 2}, b"xyz", range(10**6)):
        assert m.length(x) == len(x)
    same_error(lambda: len(5), lambda: m.length(5))

    class BadLen:
        def __len__(self):
            return -1
    same_error(lambda: len(BadLen()), lambda: m.length(BadLen()))


def test_string_forms(hpyrs_api):
    for x in (1, "é\n", [1, "a"], None, b"\x00", Obj):
        assert hpyrs_api.string_forms(x) == (repr(x), str(x), ascii(x))
    assert hpyrs_api.to_bytes(memoryview(b"mv")) == b"mv"
    if IS_PYPY:
        # PyPy's HPy_Bytes only takes __bytes__ and buffers (hpy/DESIGN.md)
        with pytest.raises(TypeError):
            hpyrs_api.to_bytes([1, 2])
    else:
        assert hpyrs_api.to_bytes([1, 2]) == bytes([1, 2])
    assert hpyrs_api.to_bytes(bytearray(b"ab")) == b"ab"
    # PyObject_Bytes words this one differently from bytes("x")
    with pytest.raises(TypeError):
        hpyrs_api.to_bytes("x")
    with pytest.raises(TypeError):
        hpyrs_api.to_bytes(1.5)

    class BadRepr:
        def __repr__(self):
            raise KeyError("r")
    same_error(lambda: repr(BadRepr()), lambda: hpyrs_api.string_forms(BadRepr()))


def test_hash_and_truth(hpyrs_api):
    for x in (0, -1, 2**70, "abc", (1, 2), None, 1.5):
        assert hpyrs_api.hash(x) == hash(x)
    same_error(lambda: hash([]), lambda: hpyrs_api.hash([]))
    for x in (0, 1, "", "a", [], [0], None, 0.0, Obj()):
        assert hpyrs_api.is_true(x) is bool(x)

    class BadBool:
        def __bool__(self):
            raise ValueError("no truth")
    same_error(lambda: bool(BadBool()), lambda: hpyrs_api.is_true(BadBool()))


OPS = {"<": operator.lt, "<=": operator.le, "==": operator.eq,
       "!=": operator.ne, ">": operator.gt, ">=": operator.ge}


@pytest.mark.parametrize("op", OPS)
def test_rich_compare(hpyrs_api, op):
    for a, b in ((1, 2), (2, 2), ("b", "a"), ((1,), (1, 0)), (1.5, 1)):
        assert hpyrs_api.rich_compare(a, b, op) == OPS[op](a, b)
        assert hpyrs_api.rich_compare_bool(a, b, op) is bool(OPS[op](a, b))
    if op not in ("==", "!="):
        same_error(lambda: OPS[op](1, "a"), lambda: hpyrs_api.rich_compare(1, "a", op))
        same_error(lambda: OPS[op](1, "a"), lambda: hpyrs_api.rich_compare_bool(1, "a", op))

    class Weird:
        def __lt__(self, other):
            return "lt-result"
        __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __lt__
    assert hpyrs_api.rich_compare(Weird(), 1, op) == "lt-result"


def test_rich_compare_bool_identity_shortcut(hpyrs_api):
    nan = float("nan")
    # like PyObject_RichCompareBool (and `in`): identity implies equality
    assert hpyrs_api.rich_compare_bool(nan, nan, "==") is True
    assert hpyrs_api.rich_compare(nan, nan, "==") is False


def test_types(hpyrs_api):
    m = hpyrs_api
    assert m.type_check(True, int) and m.type_check(1, object)
    assert not m.type_check(1, str)
    assert m.type_check(Obj(), Obj)
    with raises_exactly(TypeError, "type_check() argument 't' must be type, not int"):
        m.type_check(1, 5)
    assert m.is_subtype(bool, int) and not m.is_subtype(int, bool)
    assert m.is_subtype(KeyError, LookupError)
    with raises_exactly(TypeError, "is_subtype() argument 'a' must be type, not int"):
        m.is_subtype(1, int)
    with raises_exactly(TypeError, "is_subtype() argument 'b' must be type, not str"):
        m.is_subtype(int, "int")
    assert m.type_of(1.5) is float and m.type_of(Obj()) is Obj
    o = Obj()
    assert m.is_(o, o) and not m.is_(o, Obj())


def test_checks(hpyrs_api):
    def expected(x):
        return {
            "number": isinstance(x, (int, float, complex)) or hasattr(type(x), "__index__")
            or hasattr(type(x), "__float__") or hasattr(type(x), "__int__"),
            "callable": callable(x),
            "bytes": isinstance(x, bytes),
            "str": isinstance(x, str),
            "list": isinstance(x, list),
            "dict": isinstance(x, dict),
            "tuple": isinstance(x, tuple),
            "type": isinstance(x, type),
        }

    class MyList(list):
        pass

    class MyStr(str):
        pass

    class MyDict(dict):
        pass

    class MyTuple(tuple):
        pass

    class MyBytes(bytes):
        pass

    for x in (1, 1.5, True, "s", b"b", [1], MyList(), {}, (), len, Obj, Obj(), None,
              MyStr("s"), MyDict(a=1), MyTuple((1,)), MyBytes(b"b"), ValueError(), "é"):
        assert hpyrs_api.checks(x) == expected(x), x


@pytest.mark.skipif(IS_PYPY, reason="PyPy has no reference counts")
def test_handle_counts(hpyrs_api):
    # A duplicate is a reference while it is open and none once closed,
    # whichever way the host counts (hpy_rs_universal's plain context
    # changes counts in place where that cannot free the object).
    obj = Obj()
    before = sys.getrefcount(obj)
    assert hpyrs_api.dup_while(obj, 5, lambda: sys.getrefcount(obj)) >= before + 5
    assert sys.getrefcount(obj) == before
    # Immortal objects (3.12+) stay immortal: their count, which
    # sys.getrefcount reports as a constant, is left alone.
    if sys.version_info >= (3, 12):
        for immortal in (None, True, 1, ""):
            before = sys.getrefcount(immortal)
            seen = hpyrs_api.dup_while(immortal, 3, lambda: sys.getrefcount(immortal))
            assert seen == before and sys.getrefcount(immortal) == before
    # The last handle's close frees the object.
    import weakref

    freed = []
    kept = []

    def factory():
        o = Obj()
        kept.append(weakref.ref(o, lambda _: freed.append(True)))
        return o

    hpyrs_api.close_last(factory, 4)
    assert freed == [True] and kept[0]() is None


def test_dump(hpyrs_api, capfd):
    # `_HPy_Dump` writes to the C-level stderr (file descriptor 2), past
    # sys.stderr: capfd captures the descriptor. CPython's `_PyObject_Dump`
    # and PyPy's `_HPy_Dump` both print the type name and the repr.
    capfd.readouterr()
    obj = [1, "dump-marker"]
    hpyrs_api.dump(obj)
    out, err = capfd.readouterr()
    assert out == ""
    assert "object type name: list\n" in err, err
    assert f"object repr     : {obj!r}\n" in err, err
