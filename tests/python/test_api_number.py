"""The number protocol through hpyrs_api: every binary, in-place and unary
operator, power, index/int/float and the raw integer accessors, compared
with the operator module and the builtins."""

import operator
import sys

import pytest
from hpyrs_helpers import FloatWithIndex, Index, IntFloat, OnlyInt, outcome

IS_PYPY = sys.implementation.name == "pypy"


BINARY = ["add", "sub", "mul", "matmul", "floordiv", "truediv", "mod", "lshift",
          "rshift", "and_", "xor", "or_", "pow"]
INPLACE = ["i" + n.rstrip("_") for n in BINARY]
VALUES = [0, 7, -3, 2**65, 2.5, -0.0, True, "ab", [1], (2,), {1}, None]


@pytest.mark.parametrize("name", BINARY + ["divmod"])
def test_binary(hpyrs_api, name):
    py = divmod if name == "divmod" else getattr(operator, name)
    for a in VALUES:
        for b in VALUES:
            if name in ("lshift", "pow") and isinstance(b, int) and b > 1000:
                continue  # huge results
            assert outcome(hpyrs_api.binary, name, a, b) == outcome(py, a, b), (a, b)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace(hpyrs_api, name):
    py = getattr(operator, name)
    for a in ([1], {1, 2}, 5, 2.0, "s"):
        for b in ([2], {2, 3}, 3, 0.5, "t"):
            x, y = (a.copy() if hasattr(a, "copy") else a), (a.copy() if hasattr(a, "copy") else a)
            got, expected = outcome(hpyrs_api.binary, name, x, b), outcome(py, y, b)
            if IS_PYPY and name == "ipow" and expected[0] == "raised":
                # PyPy words HPy_InPlacePower's error as for pow()
                got, expected = got[:2], expected[:2]
            assert got == expected, (a, b)
            assert x == y  # mutated the same way


def test_inplace_mutates_and_returns_same_object(hpyrs_api):
    l = [1]
    assert hpyrs_api.binary("iadd", l, [2]) is l and l == [1, 2]
    s = {1}
    assert hpyrs_api.binary("ior", s, {5}) is s and s == {1, 5}


def test_matmul(hpyrs_api):
    class M:
        def __matmul__(self, other):
            return ("matmul", other)

        def __imatmul__(self, other):
            return ("imatmul", other)

    assert hpyrs_api.binary("matmul", M(), 1) == ("matmul", 1)
    assert hpyrs_api.binary("imatmul", M(), 2) == ("imatmul", 2)


@pytest.mark.parametrize("name,py", [("neg", operator.neg), ("pos", operator.pos),
                                     ("abs", abs), ("invert", operator.invert),
                                     ("index", operator.index), ("int", int),
                                     ("float", float)])
def test_unary(hpyrs_api, name, py):
    for a in (0, 5, -2**70, 2.75, -0.5, True, "12", "x", None, [1]):
        assert outcome(hpyrs_api.unary, name, a) == outcome(py, a), a


def test_power_with_modulo(hpyrs_api):
    for args in ((2, 10), (2, 10, 7), (3, -1, 7), (2, 0.5), (2, 3, 0), (2.0, 2, 3), (-8, 1 / 3)):
        assert outcome(hpyrs_api.power, *args) == outcome(pow, *args), args
        a = list(args)
        assert outcome(hpyrs_api.inplace_power, *a) == outcome(pow, *args), args
    assert hpyrs_api.power(2, 5, None) == 32


INT_LIMITS = {
    "i32": (-2**31, 2**31 - 1), "u32": (0, 2**32 - 1), "i64": (-2**63, 2**63 - 1),
    "u64": (0, 2**64 - 1), "usize": (0, 2**64 - 1), "isize": (-2**63, 2**63 - 1),
}


@pytest.mark.parametrize("which", INT_LIMITS)
def test_long_accessors(hpyrs_api, which):
    lo, hi = INT_LIMITS[which]
    for v in (lo, hi, 0, 1, 12345):
        assert hpyrs_api.long_as(which, v) == v
    for bad in (lo - 1, hi + 1):
        with pytest.raises(OverflowError):
            hpyrs_api.long_as(which, bad)
    with pytest.raises(TypeError):
        hpyrs_api.long_as(which, "1")
    if which in ("i32", "u32"):
        with pytest.raises(OverflowError, match=f"^Python int too large to convert to C {which[0].replace('i', '')}int32_t$"):
            hpyrs_api.long_as(which, hi + 1)


def test_mask_accessors(hpyrs_api):
    for v in (0, 1, -1, 2**32, 2**32 + 5, -2**40 + 3, 2**64 + 9, -(2**70) - 1):
        assert hpyrs_api.long_as("u32_mask", v) == v % 2**32
        assert hpyrs_api.long_as("u64_mask", v) == v % 2**64


def test_double_accessors(hpyrs_api):
    assert hpyrs_api.long_as("long_f64", 2**53 + 1) == float(2**53 + 1)
    assert hpyrs_api.long_as("long_f64", -5) == -5.0
    with pytest.raises(OverflowError):
        hpyrs_api.long_as("long_f64", 10**400)
    with pytest.raises(TypeError):
        hpyrs_api.long_as("long_f64", 1.5)
    assert hpyrs_api.long_as("f64", 1.25) == 1.25
    assert hpyrs_api.long_as("f64", 3) == 3.0

    class F:
        def __float__(self):
            return 0.5
    assert hpyrs_api.long_as("f64", F()) == 0.5
    with pytest.raises(TypeError):
        hpyrs_api.long_as("f64", "1.5")


def test_accessors_read_index_never_int(hpyrs_api):
    # The accessors CPython reads through __index__ (since 3.10) never use
    # __int__ on any host (PyPy's would, truncating Decimal('1.5') to 1);
    # PyFloat_AsDouble asks __float__, then __index__.
    from decimal import Decimal
    from fractions import Fraction

    for which in ("i32", "i64", "u32_mask", "u64_mask"):
        for bad in (Decimal("1.5"), Fraction(7, 2), OnlyInt()):
            with pytest.raises(TypeError):
                hpyrs_api.long_as(which, bad)
        assert hpyrs_api.long_as(which, FloatWithIndex(1.5)) == 7
    assert hpyrs_api.long_as("f64", Index(6)) == 6.0
    assert hpyrs_api.long_as("f64", IntFloat(3)) == 97.5
    with pytest.raises(TypeError):
        hpyrs_api.long_as("f64", OnlyInt())


def test_void_ptr(hpyrs_api):
    for v in (0, 1, 0xDEADBEEF, 2**64 - 1):
        assert hpyrs_api.long_as("void_ptr", v) == v
    assert hpyrs_api.long_as("void_ptr", -1) == 2**64 - 1
    with pytest.raises(TypeError):
        hpyrs_api.long_as("void_ptr", 1.5)
    with pytest.raises(OverflowError):
        hpyrs_api.long_as("void_ptr", 2**64)
