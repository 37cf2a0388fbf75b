"""Behaviour of examples/pof, the "plain old functions" example.

Exact messages are the ones hpy-rs's argument parsing promises (they follow
CPython's own wording for Python functions); where the interpreter itself
raises before the extension runs, only the exception type is checked.
"""


import pytest
from hpyrs_helpers import Index, raises_exactly

I64_MAX = 2**63 - 1
I64_MIN = -(2**63)






# ------------------------------------------------------------- the module


def test_module_identity(pof):
    assert pof.__name__ == "pof"
    assert isinstance(pof.__doc__, str) and pof.__doc__.strip()


@pytest.mark.parametrize("name", ["do_nothing", "double", "add_ints", "add_ints_kw"])
def test_functions_have_docstrings(pof, name):
    func = getattr(pof, name)
    assert callable(func)
    assert isinstance(func.__doc__, str) and func.__doc__.strip(), f"{name} has no docstring"


# ------------------------------------------------------------- do_nothing


def test_do_nothing_returns_none(pof):
    assert pof.do_nothing() is None


def test_do_nothing_rejects_arguments(pof):
    with pytest.raises(TypeError, match="do_nothing"):
        pof.do_nothing(1)
    assert pof.do_nothing() is None


# ----------------------------------------------------------------- double


@pytest.mark.parametrize(
    "value, expected",
    [(21, 42), ("ab", "abab"), ([1], [1, 1]), (1.5, 3.0), ((), ()), (-(2**70), -(2**71))],
)
def test_double(pof, value, expected):
    result = pof.double(value)
    assert result == expected
    assert type(result) is type(expected)


def test_double_returns_a_new_list(pof):
    original = [1]
    result = pof.double(original)
    assert result == [1, 1] and result is not original and original == [1]


def test_double_calls_python_add(pof):
    class Twice:
        def __add__(self, other):
            assert other is self
            return "added"

    assert pof.double(Twice()) == "added"


def test_double_propagates_exceptions_from_add(pof):
    class Boom:
        def __add__(self, other):
            raise ZeroDivisionError("from __add__")

    with raises_exactly(ZeroDivisionError, "from __add__"):
        pof.double(Boom())
    assert pof.double(2) == 4


def test_double_unsupported_operand(pof):
    with pytest.raises(TypeError, match="unsupported operand"):
        pof.double(object())
    assert pof.double(2) == 4


@pytest.mark.parametrize("args", [(), (1, 2)])
def test_double_wrong_argument_count(pof, args):
    with pytest.raises(TypeError):
        pof.double(*args)
    assert pof.double(2) == 4


def test_double_many_calls(pof):
    # Enough calls that a handle leaked per call shows up (and fails the test
    # in debug mode) without making the run slow.
    for i in range(2000):
        assert pof.double(i) == 2 * i


# --------------------------------------------------------------- add_ints


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (1, 2, 3),
        (-5, 3, -2),
        (-5, -7, -12),
        (0, 0, 0),
        (I64_MAX, 0, I64_MAX),
        (I64_MIN, 0, I64_MIN),
        (I64_MAX, I64_MIN, -1),
        (True, 2, 3),
    ],
)
def test_add_ints(pof, a, b, expected):
    result = pof.add_ints(a, b)
    assert result == expected and type(result) is int


def test_add_ints_accepts_index(pof):
    assert pof.add_ints(Index(40), 2) == 42
    assert pof.add_ints(2, Index(40)) == 42


ADD_INTS_ERRORS = [
    ((1,), TypeError, "add_ints() missing 1 required positional argument: 'b'"),
    ((1, 2, 3), TypeError, "add_ints() takes 2 positional arguments but 3 were given"),
    (("x", 2), TypeError, "add_ints() argument 'a' must be int, not str"),
    ((1, 2.5), TypeError, "add_ints() argument 'b' must be int, not float"),
    ((1, None), TypeError, "add_ints() argument 'b' must be int, not NoneType"),
]


@pytest.mark.parametrize("args, exc, message", ADD_INTS_ERRORS, ids=[e[-1] for e in ADD_INTS_ERRORS])
def test_add_ints_errors(pof, args, exc, message):
    with raises_exactly(exc, message):
        pof.add_ints(*args)
    assert pof.add_ints(1, 2) == 3


def test_add_ints_rejects_keywords(pof):
    # The interpreter refuses keywords for a positional-only function before
    # the extension runs, so the wording is the interpreter's own.
    with pytest.raises(TypeError):
        pof.add_ints(a=1, b=2)
    with pytest.raises(TypeError):
        pof.add_ints(1, b=2)
    assert pof.add_ints(1, 2) == 3


@pytest.mark.parametrize(
    "args, which",
    [((2**63, 1), "a"), ((1, -(2**63) - 1), "b"), ((2**100, 0), "a")],
    ids=["a=2**63", "b=-2**63-1", "a=2**100"],
)
def test_add_ints_argument_overflow(pof, args, which):
    with pytest.raises(OverflowError) as info:
        pof.add_ints(*args)
    assert f"add_ints() argument '{which}'" in str(info.value)
    assert pof.add_ints(1, 2) == 3


@pytest.mark.parametrize(
    "a, b", [(2**62, 2**62), (I64_MAX, 1), (I64_MIN, -1)], ids=["2**62+2**62", "max+1", "min-1"]
)
def test_add_ints_sum_overflow(pof, a, b):
    with pytest.raises(OverflowError, match="overflow"):
        pof.add_ints(a, b)
    assert pof.add_ints(1, 2) == 3


def test_add_ints_index_raising(pof):
    class Bad:
        def __index__(self):
            raise ValueError("from __index__")

    with raises_exactly(ValueError, "from __index__"):
        pof.add_ints(Bad(), 1)
    assert pof.add_ints(1, 2) == 3


# ------------------------------------------------------------ add_ints_kw


@pytest.mark.parametrize(
    "args, kwargs",
    [((12, 30), {}), ((), {"b": 30, "a": 12}), ((12,), {"b": 30}), ((), {"a": 12, "b": 30})],
)
def test_add_ints_kw(pof, args, kwargs):
    assert pof.add_ints_kw(*args, **kwargs) == 42


def test_add_ints_kw_from_dict(pof):
    assert pof.add_ints_kw(**{"a": 1, "b": 2}) == 3
    assert pof.add_ints_kw(*[1], **{"b": 2}) == 3


def test_add_ints_kw_accepts_index_and_bool(pof):
    assert pof.add_ints_kw(a=Index(41), b=True) == 42


ADD_INTS_KW_ERRORS = [
    ((1,), {"a": 2}, TypeError, "add_ints_kw() got multiple values for argument 'a'"),
    ((1, 2), {"c": 3}, TypeError, "add_ints_kw() got an unexpected keyword argument 'c'"),
    ((1,), {}, TypeError, "add_ints_kw() missing 1 required positional argument: 'b'"),
    ((), {"a": 1}, TypeError, "add_ints_kw() missing 1 required positional argument: 'b'"),
    ((), {}, TypeError, "add_ints_kw() missing 2 required positional arguments: 'a' and 'b'"),
    ((1, 2, 3), {}, TypeError, "add_ints_kw() takes 2 positional arguments but 3 were given"),
    ((), {"a": "x", "b": 1}, TypeError, "add_ints_kw() argument 'a' must be int, not str"),
    ((1,), {"b": 1.0}, TypeError, "add_ints_kw() argument 'b' must be int, not float"),
]


@pytest.mark.parametrize(
    "args, kwargs, exc, message", ADD_INTS_KW_ERRORS, ids=[e[-1] for e in ADD_INTS_KW_ERRORS]
)
def test_add_ints_kw_errors(pof, args, kwargs, exc, message):
    with raises_exactly(exc, message):
        pof.add_ints_kw(*args, **kwargs)
    assert pof.add_ints_kw(b=30, a=12) == 42


def test_add_ints_kw_overflow(pof):
    with pytest.raises(OverflowError) as info:
        pof.add_ints_kw(a=1, b=2**64)
    assert "add_ints_kw() argument 'b'" in str(info.value)
    with pytest.raises(OverflowError, match="overflow"):
        pof.add_ints_kw(a=I64_MAX, b=1)
    assert pof.add_ints_kw(b=30, a=12) == 42
