"""Exceptions declared with `hpy::create_exception!` and listed in
`hpy_module!`'s `exceptions`, and exceptions caught from Python calls
(`HPyErr::catch`: type, value and traceback as handles; re-raised, chained,
matched) through tests/ext/hpyrs_conv."""

import sys
import traceback

import pytest
from hpyrs_helpers import raises_exactly


def test_declared_classes(hpyrs_conv):
    m = hpyrs_conv
    assert issubclass(m.StatsError, ValueError)
    assert m.StatsError.__module__ == "hpyrs_conv"
    assert m.StatsError.__name__ == "StatsError"
    assert m.StatsError.__doc__ == "Raised by the stats probes."
    # the base is created first although listed after
    assert m.EmptyError.__bases__ == (m.StatsError,)
    assert m.TooEmptyError.__bases__ == (m.EmptyError,)
    assert m.TooEmptyError.__doc__ == "An EmptyError."


def test_raise_with_question_mark(hpyrs_conv):
    m = hpyrs_conv
    assert m.stats_mean([1.0, 3.0]) == 2.0
    with raises_exactly(m.StatsError, "mean of an empty sequence"):
        m.stats_mean([])
    with pytest.raises(ValueError):
        m.stats_mean([])
    with raises_exactly(m.EmptyError, "e"):
        m.raise_empty("e", False)
    with raises_exactly(m.TooEmptyError, "t"):
        m.raise_empty("t", True)


def _raiser(exc):
    def f():
        raise exc
    return f


def test_catch_gives_type_value_traceback(hpyrs_conv):
    exc = KeyError("k")
    ty, value, tb, message, cause = hpyrs_conv.catch_info(_raiser(exc))
    assert ty is KeyError
    assert value is exc
    assert message == "'k'"
    assert cause is None
    assert tb is not None
    assert tb is value.__traceback__
    frames = [f.name for f in traceback.extract_tb(tb)]
    assert "f" in frames
    assert hpyrs_conv.catch_info(lambda: 1) is None


def test_catch_error_raised_by_c_code(hpyrs_conv):
    ty, value, _tb, message, _cause = hpyrs_conv.catch_info(lambda: 1 / 0)
    assert ty is ZeroDivisionError
    assert isinstance(value, ZeroDivisionError)
    assert "division" in message
    ty, value, _tb, _m, _c = hpyrs_conv.catch_info(lambda: int("x"))
    assert ty is ValueError


def test_catch_keeps_cause(hpyrs_conv):
    def f():
        try:
            raise KeyError("inner")
        except KeyError as e:
            raise RuntimeError("outer") from e
    ty, value, _tb, _m, cause = hpyrs_conv.catch_info(f)
    assert ty is RuntimeError
    assert isinstance(cause, KeyError)
    assert value.__cause__ is cause


def test_reraise_is_unchanged(hpyrs_conv):
    exc = OSError(2, "gone")
    with pytest.raises(OSError) as info:
        hpyrs_conv.catch_and_reraise(_raiser(exc))
    assert info.value is exc
    assert hpyrs_conv.catch_and_reraise(lambda: 7) == 7


def test_reraise_keeps_traceback(hpyrs_conv):
    if sys.implementation.name == "pypy":
        pytest.skip("PyPy 7.3.19's HPyErr_SetObject starts a new traceback: the frames "
                    "below the re-raise are lost (Caught::traceback still has them)")
    with pytest.raises(KeyError) as info:
        hpyrs_conv.catch_and_reraise(_raiser(KeyError("k")))
    names = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "f" in names, names


def test_chained(hpyrs_conv):
    exc = KeyError("inner")
    with pytest.raises(hpyrs_conv.StatsError) as info:
        hpyrs_conv.chain_stats_error(_raiser(exc), "outer")
    assert str(info.value) == "outer"
    assert info.value.__cause__ is exc
    assert info.value.__suppress_context__
    assert "direct cause" in "".join(
        traceback.format_exception(info.type, info.value, info.tb))
    assert hpyrs_conv.chain_stats_error(lambda: 5, "unused") == 5


def test_matches(hpyrs_conv):
    m = hpyrs_conv
    classify = m.classify
    assert classify(_raiser(KeyError("x")), LookupError) == ((True, False, True),) * 2
    assert classify(_raiser(m.EmptyError("x")), ValueError) == ((True, True, False),) * 2
    assert classify(_raiser(TypeError("x")), (KeyError, TypeError)) == ((True, False, False),) * 2
    assert classify(_raiser(TypeError("x")), (KeyError, (ValueError, TypeError))) == (
        (True, False, False),) * 2
    assert classify(_raiser(TypeError("x")), (KeyError,)) == ((False, False, False),) * 2
    # not a class: no match (Python's `except 5:` would raise TypeError)
    assert classify(_raiser(TypeError("x")), 5) == ((False, False, False),) * 2
    assert classify(lambda: 0, KeyError) is None


@pytest.mark.parametrize("which, cls, expected", [
    ("stats", ValueError, True),
    ("stats", KeyError, False),
    ("key", LookupError, True),
    ("os", FileNotFoundError, True),
    ("os", KeyError, False),
    ("os", OSError, True),
    ("os", (KeyError, (TypeError, FileNotFoundError)), True),
    ("stats", (KeyError, TypeError), False),
    ("value", ValueError, True),
    ("value", 5, False),
])
def test_lazy_matches(hpyrs_conv, which, cls, expected):
    # answered without raising, and the same answer once raised and caught
    assert hpyrs_conv.lazy_matches(which, cls) is expected


def test_catch_lazy(hpyrs_conv):
    m = hpyrs_conv
    assert m.catch_lazy("stats") == (m.StatsError, "from rust")
    ty, msg = m.catch_lazy("os")
    assert ty is FileNotFoundError
    assert msg.startswith("[Errno 2]")
    assert m.catch_lazy("value") == (ValueError, "plain")


def test_catch_leaves_unraisablehook(hpyrs_conv):
    before = sys.unraisablehook
    hpyrs_conv.catch_info(_raiser(KeyError()))
    assert sys.unraisablehook is before


def test_catch_without_unraisablehook(hpyrs_conv):
    saved = sys.unraisablehook
    del sys.unraisablehook
    try:
        ty, value, _tb, message, _c = hpyrs_conv.catch_info(_raiser(KeyError("k")))
        assert not hasattr(sys, "unraisablehook")
    finally:
        sys.unraisablehook = saved
    assert ty is KeyError and message == "'k'"


def test_catch_base_exceptions(hpyrs_conv):
    ty, value, _tb, _m, _c = hpyrs_conv.catch_info(_raiser(SystemExit(3)))
    assert ty is SystemExit and value.code == 3
    ty, _v, _tb, _m, _c = hpyrs_conv.catch_info(_raiser(KeyboardInterrupt))
    assert ty is KeyboardInterrupt
