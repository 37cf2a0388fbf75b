"""Raising, matching and reporting exceptions through hpyrs_api."""

import errno
import os
import subprocess
import sys
import warnings

import pytest
from hpyrs_helpers import raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


class MyError(Exception):
    pass


def test_raise_string(hpyrs_api):
    with raises_exactly(MyError, "custom message é"):
        hpyrs_api.raise_string(MyError, "custom message é")
    with raises_exactly(KeyError, "'k'"):
        hpyrs_api.raise_string(KeyError, "k")
    with pytest.raises(ValueError) as e:
        hpyrs_api.raise_string(ValueError, "with\0nul")
    assert e.value.args == ("with\0nul",)


def test_raise_object(hpyrs_api):
    with pytest.raises(MyError) as e:
        hpyrs_api.raise_object(MyError, (1, 2))
    assert e.value.args in ((1, 2), ((1, 2),))  # a tuple value is the args, as in C
    inst = MyError("inst")
    with pytest.raises(MyError) as e:
        hpyrs_api.raise_object(MyError, inst)
    assert e.value is inst


def test_raise_non_exception_class(hpyrs_api):
    message = "exceptions must derive from BaseException"  # as CPython's `raise int`
    for bad in (int, 5, MyError("instance")):
        with raises_exactly(TypeError, message):
            hpyrs_api.raise_string(bad, "x")
        with raises_exactly(TypeError, message):
            hpyrs_api.raise_object(bad, 1)
        with raises_exactly(TypeError, message):
            hpyrs_api.raise_from_errno(bad, MISSING, "filename", None)


def test_exception_matches(hpyrs_api):
    def raiser(exc):
        def f():
            raise exc
        return f

    m = hpyrs_api.raised_matches
    assert m(raiser(KeyError("k")), LookupError) is True
    assert m(raiser(KeyError("k")), (ValueError, KeyError)) is True
    assert m(raiser(MyError()), MyError) is True
    assert m(raiser(MyError()), ValueError) is False
    assert m(lambda: 1, ValueError) is None


def test_no_memory(hpyrs_api):
    with pytest.raises(MemoryError):
        hpyrs_api.no_memory()


MISSING = "/nonexistent-hpyrs-dir/file.txt"


def test_from_errno(hpyrs_api):
    with pytest.raises(OSError) as e:
        hpyrs_api.raise_from_errno(OSError, MISSING, "plain", None)
    assert type(e.value) is FileNotFoundError and e.value.errno == errno.ENOENT
    assert e.value.strerror == os.strerror(errno.ENOENT) and e.value.filename is None

    with pytest.raises(FileNotFoundError) as e:
        hpyrs_api.raise_from_errno(OSError, MISSING, "filename", None)
    assert e.value.filename == MISSING
    assert str(e.value) == str(FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), MISSING))

    with pytest.raises(FileNotFoundError) as e:
        hpyrs_api.raise_from_errno(OSError, MISSING, "objects", "other")
    assert (e.value.filename, e.value.filename2) == (MISSING, "other")


def test_warn(hpyrs_api):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        hpyrs_api.warn(UserWarning, "careful é", 1)
        hpyrs_api.warn(DeprecationWarning, "old", 2)
    assert [(x.category, str(x.message)) for x in w] == [
        (UserWarning, "careful é"), (DeprecationWarning, "old")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with raises_exactly(UserWarning, "now an error"):
            hpyrs_api.warn(UserWarning, "now an error", 1)


def test_write_unraisable(hpyrs_api):
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        obj = object()
        hpyrs_api.write_unraisable("lost", obj)
        hpyrs_api.write_unraisable("lost again", None)
    finally:
        sys.unraisablehook = old
    assert [(type(u.exc_value), str(u.exc_value)) for u in seen] == [
        (ValueError, "lost"), (ValueError, "lost again")]
    if IS_PYPY:  # PyPy puts the object into the message only
        assert repr(obj) in seen[0].err_msg
    else:
        assert seen[0].object is obj


def test_new_exception_type(hpyrs_api):
    E = hpyrs_api.new_exception_type("mymod.MyErr", None, None, None)
    assert issubclass(E, Exception) and E.__name__ == "MyErr" and E.__module__ == "mymod"
    F = hpyrs_api.new_exception_type("mymod.Sub", "The doc.", E, {"extra": 1})
    assert issubclass(F, E) and F.__doc__ == "The doc." and F.extra == 1
    G = hpyrs_api.new_exception_type("mymod.Multi", None, (KeyError, E), None)
    assert issubclass(G, KeyError) and issubclass(G, E)
    with raises_exactly(TypeError, "new_exception_type() argument 'dict' must be dict, not list"):
        hpyrs_api.new_exception_type("mymod.X", None, None, [])


def test_fatal_error(hpyrs_api, hpy_mode):
    """HPy_FatalError aborts the process: run it in a child interpreter."""
    ext_dir = os.path.dirname(hpyrs_api.__file__)
    env = dict(os.environ)
    env.pop("HPY", None)
    if hpy_mode == "debug":
        env["HPY"] = "debug"
    code = (f"import sys; sys.path.insert(0, {ext_dir!r}); import hpyrs_api; "
            "hpyrs_api.fatal_error('hpyrs fatal test')")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    assert "hpyrs fatal test" in proc.stderr
