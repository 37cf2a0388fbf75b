"""Conversions of std types through tests/ext/hpyrs_conv, compared with what
plain Python does with the same values: same results, same exception types,
and the same messages where Python defines them."""

import sys
from collections import OrderedDict

import pytest
from hpyrs_helpers import raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


def unpack(n, value):
    """What Python's own unpacking of `value` into `n` names raises."""
    try:
        exec(", ".join(f"_{i}" for i in range(n)) + ", = value", {"value": value})
    except ValueError as e:
        return str(e)
    raise AssertionError("unpacking succeeded")


# ---- char ----

def test_char_round_trip(hpyrs_conv):
    for c in ("a", "é", "\0", "€", "\U0001f600", "\uffff"):
        assert hpyrs_conv.echo_char(c) == c


@pytest.mark.parametrize("bad,typename", [("", "str"), ("ab", "str"), (1, "int"),
                                          (b"a", "bytes"), (None, "NoneType")])
def test_char_rejects_like_the_C_format(hpyrs_conv, bad, typename):
    # CPython's "C" argument format: `unicodedata.name("ab")` raises
    # "name() argument 1 must be a unicode character, not str".
    with raises_exactly(TypeError, f"echo_char() argument 'x' must be a unicode character, not {typename}"):
        hpyrs_conv.echo_char(bad)


def test_char_lone_surrogate(hpyrs_conv):
    with pytest.raises(UnicodeEncodeError):
        hpyrs_conv.echo_char("\ud800")


def test_chars_of(hpyrs_conv):
    assert hpyrs_conv.chars_of("añ€") == list(enumerate("añ€"))


# ---- Vec<T> ----

def test_vec_from_any_sequence(hpyrs_conv):
    for seq in ([1, 2, 3], (1, 2, 3), range(1, 4)):
        assert hpyrs_conv.echo_vec_i64(seq) == [1, 2, 3]
    assert hpyrs_conv.echo_vec_i64([]) == []
    assert hpyrs_conv.echo_vec_string(("a", "bé")) == ["a", "bé"]
    assert hpyrs_conv.echo_vec_f64([1, 2.5]) == [1.0, 2.5]

    class Seq:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            if i >= 2:
                raise IndexError(i)
            return i * 10

    assert hpyrs_conv.echo_vec_i64(Seq()) == [0, 10]


@pytest.mark.parametrize("bad,typename", [("abc", "str"), ({1: 2}, "dict")])
def test_vec_refuses_str_and_dict(hpyrs_conv, bad, typename):
    with raises_exactly(TypeError, f"echo_vec_i64() argument 'x' must be sequence, not {typename}"):
        hpyrs_conv.echo_vec_i64(bad)


@pytest.mark.parametrize("bad,typename", [(5, "int"), (None, "NoneType")])
def test_vec_refuses_non_iterables(hpyrs_conv, bad, typename):
    with raises_exactly(TypeError, f"echo_vec_i64() argument 'x' must be iterable, not {typename}"):
        hpyrs_conv.echo_vec_i64(bad)


def test_vec_accepts_other_iterables(hpyrs_conv):
    # sets, generators: through iter/next (test_conv_collections.py has more)
    assert sorted(hpyrs_conv.echo_vec_i64({2, 1})) == [1, 2]
    assert hpyrs_conv.echo_vec_i64(x for x in (1, 2)) == [1, 2]


def test_vec_item_errors_propagate(hpyrs_conv):
    with pytest.raises(TypeError):
        hpyrs_conv.echo_vec_i64([1, "2"])
    with pytest.raises(OverflowError):
        hpyrs_conv.echo_vec_i64([2**64])

    class Bad:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            raise KeyError("from __getitem__")

    with pytest.raises(KeyError, match="from __getitem__"):
        hpyrs_conv.echo_vec_i64(Bad())


def test_nested_and_optional(hpyrs_conv):
    value = [("a", [1, 2]), ("b", [])]
    assert hpyrs_conv.echo_nested(value) == value
    with raises_exactly(TypeError, "echo_nested() argument 'x[1]' must be tuple, not list"):
        hpyrs_conv.echo_nested([("a", [1]), ["b", [2]]])
    with raises_exactly(TypeError, "echo_nested() argument 'x[0][1][2]' must be int, not str"):
        hpyrs_conv.echo_nested([("a", [1, 2, "3"])])
    assert hpyrs_conv.echo_optional_vec(None) is None
    assert hpyrs_conv.echo_optional_vec((4,)) == [4]
    assert hpyrs_conv.echo_vec_optional([1, None, 3]) == [1, None, 3]


# ---- arrays ----

def test_array_round_trip(hpyrs_conv):
    assert hpyrs_conv.echo_array3((1, 2, 3)) == [1, 2, 3]
    assert hpyrs_conv.echo_array3(range(3)) == [0, 1, 2]


@pytest.mark.parametrize("value", [[1, 2], [1, 2, 3, 4], []])
def test_array_length_mismatch_is_unpacking_error(hpyrs_conv, value):
    with raises_exactly(ValueError, unpack(3, value)):
        hpyrs_conv.echo_array3(value)


def test_array_type_errors(hpyrs_conv):
    with raises_exactly(TypeError, "echo_array3() argument 'x' must be sequence, not str"):
        hpyrs_conv.echo_array3("abc")
    with raises_exactly(TypeError, "echo_array3() argument 'x[1]' must be int, not NoneType"):
        hpyrs_conv.echo_array3([1, None, 3])


# ---- tuples ----

def test_tuple_round_trip(hpyrs_conv):
    assert hpyrs_conv.echo_tuple1((5,)) == (5,)
    assert hpyrs_conv.echo_tuple2((1, "a")) == (1, "a")
    twelve = tuple(range(12))
    assert hpyrs_conv.echo_tuple12(twelve) == twelve


def test_tuple_requires_a_tuple_of_that_length(hpyrs_conv):
    with raises_exactly(TypeError, "echo_tuple2() argument 'x' must be tuple, not list"):
        hpyrs_conv.echo_tuple2([1, "a"])
    for value in ((1,), (1, "a", 3)):
        with raises_exactly(ValueError, unpack(2, value)):
            hpyrs_conv.echo_tuple2(value)
    with raises_exactly(TypeError, "echo_tuple2() argument 'x[1]' must be str, not int"):
        hpyrs_conv.echo_tuple2((1, 2))
    with raises_exactly(ValueError, unpack(12, tuple(range(11)))):
        hpyrs_conv.echo_tuple12(tuple(range(11)))

    class T(tuple):
        pass

    assert hpyrs_conv.echo_tuple2(T((1, "a"))) == (1, "a")


# ---- dicts ----

def test_hashmap_round_trip(hpyrs_conv):
    d = {"a": 1, "b": -2, "é": 2**62}
    assert hpyrs_conv.echo_hashmap(d) == d
    assert hpyrs_conv.echo_hashmap({}) == {}
    assert hpyrs_conv.echo_hashmap(OrderedDict(x=1)) == {"x": 1}


def test_btreemap_is_sorted(hpyrs_conv):
    d = {3: ["c"], 1: ["a", "b"], 2: []}
    out = hpyrs_conv.echo_btreemap(d)
    assert out == d
    assert list(out) == [1, 2, 3]


def test_dict_errors(hpyrs_conv):
    with raises_exactly(TypeError, "echo_hashmap() argument 'x' must be dict, not int"):
        hpyrs_conv.echo_hashmap(1)
    # what dict() accepts: pairs too (test_conv_collections.py has more)
    assert hpyrs_conv.echo_hashmap([("a", 1)]) == {"a": 1}
    with raises_exactly(TypeError, "echo_hashmap() argument 'x['b']' must be int, not str"):
        hpyrs_conv.echo_hashmap({"a": 1, "b": "2"})
    with pytest.raises(TypeError):
        hpyrs_conv.echo_hashmap({1: 1})


def test_empty_dicts(hpyrs_conv):
    out = hpyrs_conv.empty_dicts(3)
    assert out == [{}, {}, {}]
    assert out[0] is not out[1]


# ---- bytes ----

def test_vec_u8_is_bytes(hpyrs_conv):
    assert hpyrs_conv.echo_vec_u8(b"ab\0c") == b"ab\0c"
    assert hpyrs_conv.echo_vec_u8(b"") == b""
    # any sequence of ints is accepted, and the result is bytes
    assert hpyrs_conv.echo_vec_u8([1, 2, 255]) == bytes([1, 2, 255])
    assert hpyrs_conv.echo_vec_u8(bytearray(b"xy")) == b"xy"
    with raises_exactly(OverflowError, "echo_vec_u8() argument 'x[1]' is out of range for u8"):
        hpyrs_conv.echo_vec_u8([1, 256])
    with raises_exactly(TypeError, "echo_vec_u8() argument 'x' must be sequence, not str"):
        hpyrs_conv.echo_vec_u8("ab")


def test_array_u8_is_bytes(hpyrs_conv):
    assert hpyrs_conv.echo_array_u8(b"abcd") == b"abcd"
    with raises_exactly(ValueError, unpack(4, b"abc")):
        hpyrs_conv.echo_array_u8(b"abc")


def test_borrowed_bytes(hpyrs_conv):
    data = bytes(range(256)) * 10
    assert hpyrs_conv.bytes_len(data) == len(data)
    assert hpyrs_conv.bytes_copy(data) == data
    assert hpyrs_conv.bytes_len(b"") == 0
    for bad, name in ((bytearray(b"a"), "bytearray"), ("a", "str"), (memoryview(b"a"), "memoryview")):
        with raises_exactly(TypeError, f"bytes_len() argument 'b' must be bytes, not {name}"):
            hpyrs_conv.bytes_len(bad)


def test_static_slices(hpyrs_conv):
    assert hpyrs_conv.static_slices() == ([1, 2, 3], b"abc")


def test_handles_in_a_vec(hpyrs_conv):
    assert hpyrs_conv.type_names([1, "a", None, 2.0]) == ["int", "str", "NoneType", "float"]
