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
