"""Lists, tuples, dicts and slices through hpyrs_api."""

import pytest
from hpyrs_helpers import raises_exactly


def test_list(hpyrs_api):
    assert hpyrs_api.list_of(()) == []
    assert hpyrs_api.list_of((1, "a", None)) == [1, "a", None]
    assert type(hpyrs_api.list_of((1,))) is list
    l = [1]
    assert hpyrs_api.list_append(l, l) is None
    assert l[1] is l
    with raises_exactly(TypeError, "list_append() argument 'l' must be list, not tuple"):
        hpyrs_api.list_append((), 1)


def test_tuple(hpyrs_api):
    for items in ([], [1], list(range(8)), list(range(9)), list(range(100))):
        t = hpyrs_api.tuple_of(items)
        assert t == tuple(items) and type(t) is tuple


def test_dict(hpyrs_api):
    d = hpyrs_api.dict_of([(1, 2), ("a", [3])])
    assert d == {1: 2, "a": [3]} and type(d) is dict
    assert hpyrs_api.dict_keys(d) == [1, "a"]
    c = hpyrs_api.dict_copy(d)
    assert c == d and c is not d and c["a"] is d["a"]
    assert hpyrs_api.dict_keys({}) == []
    for f in (hpyrs_api.dict_keys, hpyrs_api.dict_copy):
        with raises_exactly(TypeError, f"{f.__name__}() argument 'd' must be dict, not list"):
            f([])


class SubDict(dict):
    def __getitem__(self, key):
        return ("sub", dict.__getitem__(self, key))


class OwnKeysDict(dict):
    """Its `keys` and `__iter__` name keys it does not hold."""

    def keys(self):
        return ["keys"]

    def __iter__(self):
        return iter(["iter"])


@pytest.mark.parametrize("typed", [False, True])
def test_dict_items_iter(hpyrs_api, typed):
    d = {"a": 1, 2: [3], None: "x", (1, 2): 2.5}
    items = hpyrs_api.dict_items_iter(d, None, typed)
    assert items == list(d.items())
    assert all(k is dk and v is dv for (k, v), (dk, dv) in zip(items, d.items()))
    assert hpyrs_api.dict_items_iter({}, None, typed) == []
    big = {f"k{i}": i for i in range(1000)}
    del big["k500"]  # a hole in the entry table
    assert hpyrs_api.dict_items_iter(big, None, typed) == list(big.items())
    # A subclass is read through its keys and its own __getitem__.
    assert hpyrs_api.dict_items_iter(SubDict(a=1), None, typed) == [("a", ("sub", 1))]
    # ... its own keys, not those its `keys()` or `__iter__` name.
    own = OwnKeysDict(a=1, keys=2, iter=3)
    assert hpyrs_api.dict_items_iter(own, None, typed) == [("a", 1), ("keys", 2), ("iter", 3)]
    with raises_exactly(TypeError, "dict_items_iter() argument 'd' must be dict, not list"):
        hpyrs_api.dict_items_iter([], None, typed)


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("change", ["grow", "shrink", "clear"])
@pytest.mark.parametrize("cls", [dict, SubDict])
def test_dict_items_iter_changed(hpyrs_api, change, cls, typed):
    d = cls(a=1, b=2, c=3)

    def each(k, v):
        if change == "grow":
            d[f"new{len(d)}"] = 0
        elif change == "shrink":
            d.popitem()
        else:
            d.clear()

    with raises_exactly(RuntimeError, "dictionary changed size during iteration"):
        hpyrs_api.dict_items_iter(d, each, typed)


def test_singletons(hpyrs_api):
    """`Context::singleton` borrows the context's constants: stored in a
    list and a dict without a handle of their own (debug mode checks that
    nothing is closed twice or leaked)."""
    for _ in range(3):
        got = hpyrs_api.singletons()
        assert got == [None, True, False, {"t": True, "f": False, "n": None}, True]
        assert got[0] is None and got[1] is True and got[2] is False and got[4] is True
        assert got[3]["t"] is True and got[3]["f"] is False and got[3]["n"] is None


def test_dict_items_iter_raising_callback(hpyrs_api):
    def each(k, v):
        raise KeyError(k)

    with raises_exactly(KeyError, "'a'"):
        hpyrs_api.dict_items_iter({"a": 1}, each)


class SortRefusingList(list):
    def sort(self, *a, **k):
        raise AssertionError("the list type's sort is called, not the subclass's")


def test_list_sort(hpyrs_api):
    l = [3, 1, 2, 1.5]
    assert hpyrs_api.list_sort(l) is None and l == [1, 1.5, 2, 3]
    l = ["b", "a", "c"]
    hpyrs_api.list_sort(l)
    assert l == ["a", "b", "c"]
    s = SortRefusingList([2, 1])
    hpyrs_api.list_sort(s)
    assert list(s) == [1, 2]
    with raises_exactly(TypeError, "'<' not supported between instances of 'str' and 'int'"):
        hpyrs_api.list_sort([1, "a"])
    with raises_exactly(TypeError, "list_sort() argument 'l' must be list, not tuple"):
        hpyrs_api.list_sort((2, 1))


class SubInt(int):
    pass


class SubFloat(float):
    pass


class SubStr(str):
    pass


class SubTuple(tuple):
    pass


@pytest.mark.parametrize("obj, kind", [
    (None, "None"), (True, "True"), (False, "False"), (0, "Int"), (-(2**100), "Int"),
    (SubInt(3), "Int"), (1.5, "Float"), (float("nan"), "Float"), (SubFloat(2), "Float"),
    ("", "Str"), ("é", "Str"), (SubStr("x"), "Str"), (b"b", "Bytes"), ([], "List"),
    (SortRefusingList(), "List"), ((), "Tuple"), (SubTuple(), "Tuple"), ({}, "Dict"), (SubDict(), "Dict"),
    (bytearray(), "Other"), (1j, "Other"), (object(), "Other"), (int, "Other"),
    (ValueError(), "Other"), (range(3), "Other"), (set(), "Other"),
    (__import__("decimal").Decimal(1), "Other"),
])
def test_builtin_kind(hpyrs_api, obj, kind):
    assert hpyrs_api.builtin_kind(obj) == kind
    # A guessed kind asked first, right or wrong, changes no answer.
    guessed, sorted_as = hpyrs_api.builtin_kind_guessed(obj)
    assert guessed == [kind] * 11
    assert sorted_as == [kind] * 11
    # `into_builtin` sorts the same way, and its typed handle reads the
    # object without a second check.
    name, read = hpyrs_api.into_builtin(obj)
    assert name == kind
    if kind == "Int":
        assert read == (obj if -2**63 <= obj < 2**63 else None)
    elif kind == "Str":
        assert read == obj
    elif kind == "Bytes":
        assert read == obj
    elif kind in ("List", "Tuple", "Dict"):
        assert read == len(obj)
    elif kind == "Float":
        assert read == obj or (read != read and obj != obj)
    elif kind == "Other":
        assert read is obj
    else:
        assert read is None


class FloatWithDunder(float):
    def __float__(self):
        return 2.5


def test_float_to_f64(hpyrs_api):
    # A float's own value: a subclass's __float__ is not asked.
    for x in (0.0, -1.5, 2.0**60, float("inf"), SubFloat(3.25), FloatWithDunder(1.0)):
        assert hpyrs_api.float_to_f64(x) == float.__float__(x)
    with raises_exactly(TypeError, "float_to_f64() argument 'x' must be float, not int"):
        hpyrs_api.float_to_f64(1)


def test_int_to_i64(hpyrs_api):
    for n in (0, -1, 2**63 - 1, -2**63, SubInt(7), True):
        assert hpyrs_api.int_to_i64(n) == int(n)
    with pytest.raises(OverflowError):
        hpyrs_api.int_to_i64(2**63)
    with raises_exactly(TypeError, "int_to_i64() argument 'i' must be int, not float"):
        hpyrs_api.int_to_i64(1.0)


SLICES = [slice(None), slice(1, 5), slice(None, None, -1), slice(-3, None, 2),
          slice(10, -10, -3), slice(2**70, -2**70)]


def test_slice_unpack(hpyrs_api):
    big = 2**63 - 1
    assert hpyrs_api.slice_unpack(slice(None)) == (0, big, 1)
    assert hpyrs_api.slice_unpack(slice(None, None, -1)) == (big, -big - 1, -1)
    assert hpyrs_api.slice_unpack(slice(1, 5, 2)) == (1, 5, 2)
    assert hpyrs_api.slice_unpack(slice(0, 5, 2**70)) == (0, 5, big)  # clamped, as in C
    assert hpyrs_api.slice_unpack(slice(2**70, -2**70)) == (big, -big - 1, 1)
    with raises_exactly(ValueError, "slice step cannot be zero"):
        hpyrs_api.slice_unpack(slice(1, 2, 0))
    with raises_exactly(TypeError, "slice_unpack() argument 's' must be slice, not range"):
        hpyrs_api.slice_unpack(range(3))
    with pytest.raises(TypeError):
        hpyrs_api.slice_unpack(slice("a", 1))


@pytest.mark.parametrize("s", SLICES)
@pytest.mark.parametrize("n", [0, 1, 7, 20])
def test_slice_indices(hpyrs_api, s, n):
    start, stop, step = s.indices(n)
    assert hpyrs_api.slice_indices(s, n) == (start, stop, step, len(range(start, stop, step)))


# ---- typed handles ----

class SubList(list):
    pass


class Meta(type):
    pass


@pytest.mark.parametrize("obj, kinds", [
    ([], ["List"]), (SubList([1]), ["List"]), ((), ["Tuple"]), ({}, ["Dict"]),
    ("s", ["Str"]), (b"b", ["Bytes"]), (int, ["Type"]), (Meta("M", (), {}), ["Type"]),
    (slice(1), ["Slice"]), (1, []), (None, []), (bytearray(b"x"), []), (range(2), []),
    (object(), []),
])
def test_downcasts(hpyrs_api, obj, kinds):
    assert hpyrs_api.downcasts(obj) == kinds


def test_owned_and_failed_downcasts(hpyrs_api):
    assert hpyrs_api.list_len_owned(SubList([1, 2])) == 2
    with raises_exactly(TypeError, "list_len_owned() argument 'xs' must be list, not tuple"):
        hpyrs_api.list_len_owned((1,))
    assert hpyrs_api.first_of_tuple((7, 8)) == 7
    with raises_exactly(TypeError, "expected tuple, got list"):
        hpyrs_api.first_of_tuple([7])
    with raises_exactly(IndexError, "tuple index out of range"):
        hpyrs_api.first_of_tuple(())


def test_list_and_dict_methods(hpyrs_api):
    l = [1, 2]
    assert hpyrs_api.list_ops(l, -1, "x") == (1, 2) and l == [1, "x"]
    with pytest.raises(IndexError):
        hpyrs_api.list_ops(l, 5, "x")
    d = {"a": 1}
    assert hpyrs_api.dict_get(d, "a") == 1
    assert hpyrs_api.dict_get(d, "b") is None
    with pytest.raises(TypeError):
        hpyrs_api.dict_get(d, [])  # unhashable: raised, not None
    assert hpyrs_api.dict_get(d, "a") == 1  # nothing left set
