"""The hpy-rs SDK seen from Python, through tests/ext/hpyrs_test.

Each test checks one SDK promise: conversions in both directions with
CPython's semantics (OverflowError when a value does not fit), optional and
keyword parameters, errors and panics turned into exceptions, handles.
"""

import sys

import pytest
from hpyrs_helpers import FloatWithIndex, Index, IntFloat, OnlyInt, raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


SIGNED = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "i128": 128, "isize": 64}
UNSIGNED = {"u8": 8, "u16": 16, "u32": 32, "u64": 64, "u128": 128, "usize": 64}


@pytest.mark.parametrize("name,bits", SIGNED.items())
def test_signed_round_trip_and_bounds(hpyrs_test, name, bits):
    echo = getattr(hpyrs_test, "echo_" + name)
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    for v in (lo, -1, 0, 1, hi):
        assert echo(v) == v
    assert echo(Index(5)) == 5
    assert echo(True) == 1
    for bad in (hi + 1, lo - 1, 2 ** (bits + 36), -(2 ** (bits + 36))):
        with raises_exactly(OverflowError, f"echo_{name}() argument 'x' is out of range for {name}"):
            echo(bad)
    with raises_exactly(TypeError, f"echo_{name}() argument 'x' must be int, not float"):
        echo(1.0)
    with raises_exactly(TypeError, f"echo_{name}() argument 'x' must be int, not str"):
        echo("1")


@pytest.mark.parametrize("name,bits", UNSIGNED.items())
def test_unsigned_round_trip_and_bounds(hpyrs_test, name, bits):
    echo = getattr(hpyrs_test, "echo_" + name)
    hi = 2**bits - 1
    for v in (0, 1, hi):
        assert echo(v) == v
    assert echo(Index(7)) == 7
    for bad in (-1, hi + 1, -(2**70), 2 ** (bits + 36)):
        with raises_exactly(OverflowError, f"echo_{name}() argument 'x' is out of range for {name}"):
            echo(bad)
    with raises_exactly(TypeError, f"echo_{name}() argument 'x' must be int, not NoneType"):
        echo(None)


def test_128_bit_values_across_the_64_bit_boundary(hpyrs_test):
    values = [2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1, 2**100 + 12345, 2**127 - 1]
    for v in values:
        assert hpyrs_test.echo_i128(v) == v
        assert hpyrs_test.echo_i128(-v) == -v
        assert hpyrs_test.echo_u128(v) == v
        assert hpyrs_test.echo_u128(Index(v)) == v
    assert hpyrs_test.echo_i128(-(2**127)) == -(2**127)
    assert hpyrs_test.echo_i128(Index(-(2**100))) == -(2**100)
    assert hpyrs_test.echo_u128(2**128 - 1) == 2**128 - 1
    for bad in (2**127, -(2**127) - 1):
        with raises_exactly(OverflowError, "echo_i128() argument 'x' is out of range for i128"):
            hpyrs_test.echo_i128(bad)
    for bad in (2**128, -(2**64)):
        with raises_exactly(OverflowError, "echo_u128() argument 'x' is out of range for u128"):
            hpyrs_test.echo_u128(bad)


def test_index_raising_propagates(hpyrs_test):
    class Bad:
        def __index__(self):
            raise KeyError("from __index__")

    with pytest.raises(KeyError, match="from __index__"):
        hpyrs_test.echo_i64(Bad())
    with pytest.raises(KeyError, match="from __index__"):
        hpyrs_test.echo_u64(Bad())
    with pytest.raises(KeyError, match="from __index__"):
        hpyrs_test.echo_i128(Bad())
    with pytest.raises(KeyError, match="from __index__"):
        hpyrs_test.echo_u128(Bad())


@pytest.mark.parametrize("name", [*SIGNED, *UNSIGNED])
def test_integers_take_index_never_int(hpyrs_test, name):
    # CPython's integer conversions (PyLong_AsLong and co., 3.10+) read a
    # non-int through __index__ only; PyPy's HPyLong_AsInt64_t calls
    # __int__, which truncated Decimal('1.5') to 1.
    from decimal import Decimal
    from fractions import Fraction

    echo = getattr(hpyrs_test, "echo_" + name)
    for bad in (Decimal("1.5"), Decimal(1), Fraction(7, 2), OnlyInt(), 2.0):
        with raises_exactly(TypeError, f"echo_{name}() argument 'x' must be int, not {type(bad).__name__}"):
            echo(bad)
    assert echo(FloatWithIndex(2.5)) == 7
    # CPython 3.11-3.14: "__index__ returned non-int (type bool)"; 3.15:
    # "Index.__index__() must return an int, not bool".
    with pytest.warns(DeprecationWarning,
                      match=r"__index__ returned non-int|__index__\(\) must return an int, not"):
        assert echo(Index(True)) == 1


class FloatRaises:
    def __float__(self):
        raise TypeError("from __float__")

    def __index__(self):
        return 3


@pytest.mark.parametrize("name", ["f64", "f32"])
def test_floats_take_float_then_index(hpyrs_test, name):
    # PyFloat_AsDouble: a float's value, else __float__, else __index__.
    echo = getattr(hpyrs_test, "echo_" + name)
    assert echo(Index(6)) == 6.0
    assert echo(IntFloat(3)) == 97.5
    assert echo(True) == 1.0
    with raises_exactly(TypeError, "from __float__"):
        echo(FloatRaises())
    with raises_exactly(TypeError, f"echo_{name}() argument 'x' must be float, not OnlyInt"):
        echo(OnlyInt())


def test_floats(hpyrs_test):
    assert hpyrs_test.echo_f64(1.5) == 1.5
    assert hpyrs_test.echo_f64(3) == 3.0 and type(hpyrs_test.echo_f64(3)) is float
    assert hpyrs_test.echo_f64(float("inf")) == float("inf")
    assert hpyrs_test.echo_f32(0.1) == pytest.approx(0.1, rel=1e-7)
    with raises_exactly(TypeError, "echo_f64() argument 'x' must be float, not str"):
        hpyrs_test.echo_f64("1.5")
    with pytest.raises(OverflowError):
        hpyrs_test.echo_f64(10**400)


def test_bool_is_strict(hpyrs_test):
    assert hpyrs_test.echo_bool(True) is True
    assert hpyrs_test.echo_bool(False) is False
    with raises_exactly(TypeError, "echo_bool() argument 'x' must be bool, not int"):
        hpyrs_test.echo_bool(1)


def test_strings(hpyrs_test):
    for s in ("", "abc", "wörld", "日本語", "😀" * 3, "x" * 1000):
        assert hpyrs_test.echo_string(s) == s
    assert hpyrs_test.utf8_len("é😀") == 6
    assert hpyrs_test.repeat_x(0) == ""
    assert hpyrs_test.repeat_x(255) == "x" * 255
    assert hpyrs_test.repeat_x(256) == "x" * 256
    assert hpyrs_test.repeat_x(100_000) == "x" * 100_000
    assert hpyrs_test.with_nul() == "a\0b"
    # ASCII text around the length a short str is made from a stack buffer
    # (NUL-terminated where that is cheaper: PyPy), with a NUL too.
    for n in (62, 63, 64, 65):
        for s in ("y" * n, "\0" + "y" * n, "y" * n + "\0"):
            assert hpyrs_test.echo_string(s) == s
    with raises_exactly(TypeError, "echo_string() argument 'x' must be str, not bytes"):
        hpyrs_test.echo_string(b"abc")
    with pytest.raises(UnicodeEncodeError):
        hpyrs_test.utf8_len("\ud800")
    with raises_exactly(ValueError, f"n is too large: {2**30}"):
        hpyrs_test.repeat_x(2**30)
    with raises_exactly(OverflowError, "repeat_x() argument 'n' is out of range for usize"):
        hpyrs_test.repeat_x(-1)


def test_option(hpyrs_test):
    assert hpyrs_test.echo_optional_i64(None) is None
    assert hpyrs_test.echo_optional_i64(5) == 5
    assert hpyrs_test.maybe(False) is None
    assert hpyrs_test.maybe(True) == 7
    assert hpyrs_test.unit() is None


def test_optional_and_keyword_parameters(hpyrs_test):
    f = hpyrs_test.sum_defaults
    assert f(1) == 111
    assert f(1, 2) == 103
    assert f(1, 2, 3) == 6
    assert f(a=1, c=3) == 14
    assert f(1, c=0, b=0) == 1
    assert f(1, None, None) == 111
    with raises_exactly(TypeError, "sum_defaults() missing 1 required positional argument: 'a'"):
        f(b=1)
    with raises_exactly(TypeError, "sum_defaults() takes from 1 to 3 positional arguments but 4 were given"):
        f(1, 2, 3, 4)
    with raises_exactly(TypeError, "sum_defaults() got multiple values for argument 'c'"):
        f(1, 2, 3, c=4)
    with raises_exactly(TypeError, "sum_defaults() argument 'b' must be int, not str"):
        f(1, b="2")
    assert hpyrs_test.sum_positional(5) == 15
    assert hpyrs_test.sum_positional(5, 1) == 6


def test_many_keywords_and_huge_counts(hpyrs_test):
    kwargs = {f"k{i}": i for i in range(300)}
    with raises_exactly(TypeError, "sum_defaults() got an unexpected keyword argument 'k0'"):
        hpyrs_test.sum_defaults(1, **kwargs)
    with raises_exactly(TypeError, "sum_defaults() takes from 1 to 3 positional arguments but 10000 were given"):
        hpyrs_test.sum_defaults(*range(10_000))


def test_errors(hpyrs_test):
    with raises_exactly(ValueError, "bad value"):
        hpyrs_test.raise_value_error("bad value")
    # The message is set as a str object, so a NUL stays a NUL.
    with raises_exactly(ValueError, "with a \0 inside"):
        hpyrs_test.raise_value_error("with a \0 inside")
    with pytest.raises(SystemError, match="without setting an exception"):
        hpyrs_test.error_without_exception()


def test_panic_becomes_exception(hpyrs_test):
    exc = hpyrs_test.PanicException
    assert issubclass(exc, BaseException) and not issubclass(exc, Exception)
    assert exc.__module__ == "hpyrs_test" and exc.__name__ == "PanicException"
    with raises_exactly(exc, "Rust panic in panic_with(): boom"):
        hpyrs_test.panic_with("boom")
    with raises_exactly(exc, "Rust panic in panic_with_number(): (panic payload is not a string)"):
        hpyrs_test.panic_with_number()
    # `except Exception` does not swallow a Rust bug
    try:
        try:
            hpyrs_test.panic_with("deep")
        except Exception:
            raise AssertionError("PanicException must not be an Exception")
    except exc:
        pass
    # The interpreter and the module keep working.
    for _ in range(3):
        with pytest.raises(exc):
            hpyrs_test.panic_with("again")
    assert hpyrs_test.echo_i64(3) == 3


def test_handles(hpyrs_test):
    assert hpyrs_test.identity_checks(object()) == (True, False)
    assert hpyrs_test.identity_checks(None) == (True, True)
    obj = object()
    assert hpyrs_test.same(obj) is obj
    assert hpyrs_test.type_name_of(1) == "int"
    assert hpyrs_test.type_name_of("s") == "str"
    assert hpyrs_test.repr_and_str("a") == ("'a'", "a")
    assert hpyrs_test.int_or_minus_one(12) == 12
    assert hpyrs_test.int_or_minus_one("x") == -1


@pytest.mark.parametrize(
    "name,expected",
    [
        ("None", None),
        ("True", True),
        ("False", False),
        ("NotImplemented", NotImplemented),
        ("Ellipsis", Ellipsis),
        ("TypeError", TypeError),
        ("ValueError", ValueError),
        ("ResourceWarning", ResourceWarning),
        ("BaseObjectType", object),
        ("TypeType", type),
        ("LongType", int),
        ("UnicodeType", str),
        ("ListType", list),
        ("BytesType", bytes),
        ("SliceType", slice),
    ],
)
def test_constants(hpyrs_test, name, expected):
    assert hpyrs_test.constant(name) is expected


def test_builtins_constant(hpyrs_test):
    builtins = hpyrs_test.constant("Builtins")
    import builtins as b

    assert builtins is b.__dict__ or builtins is b


def test_unknown_constant(hpyrs_test):
    with raises_exactly(KeyError, "'no HPy context constant named \"Nope\"'"):
        hpyrs_test.constant("Nope")


def test_exec_hook_ran(hpyrs_test):
    assert hpyrs_test.exec_calls() == 1


def test_call(hpyrs_test):
    # HPy_Call works on every interpreter (PyPy 7.3.19 fills the context's
    # call slots in the other order; hpy-sys detects it).
    assert hpyrs_test.call1(len, "abc") == 3
    assert hpyrs_test.call1(str.upper, "abc") == "ABC"
    with pytest.raises(ZeroDivisionError):
        hpyrs_test.call1(lambda x: 1 / x, 0)
