"""Exceptions from Rust through tests/ext/hpyrs_conv: module-defined exception
classes kept in a Global, raising a class given as an object, and `?` on std
errors (each mapped to the class Python would use)."""

import errno
import os

import pytest
from hpyrs_helpers import raises_exactly


def test_module_exception_type(hpyrs_conv):
    ty = hpyrs_conv.conv_error_type()
    assert ty.__name__ == "ConvError"
    assert ty.__module__ == "hpyrs_conv"
    assert ty.__doc__ == "Raised by hpyrs_conv."
    assert issubclass(ty, ValueError)
    with raises_exactly(ty, "lazily raised"):
        hpyrs_conv.raise_conv_error("lazily raised")


def test_unlisted_global_exception_is_system_error(hpyrs_conv):
    with raises_exactly(SystemError, "Global not listed in hpy_module!'s globals"):
        hpyrs_conv.raise_unlisted("x")


def test_raise_given_type(hpyrs_conv):
    class MyError(Exception):
        pass

    with raises_exactly(MyError, "boom"):
        hpyrs_conv.raise_type_msg(MyError, "boom")
    with pytest.raises(KeyError) as info:
        hpyrs_conv.raise_type_value(KeyError, ("k", 2))
    assert info.value.args == ("k", 2)
    with pytest.raises(MyError) as info:
        hpyrs_conv.raise_type_value(MyError, 42)
    assert info.value.args == (42,)
    instance = MyError("as is")
    with pytest.raises(MyError) as info:
        hpyrs_conv.raise_type_value(MyError, instance)
    assert info.value is instance


@pytest.mark.parametrize("text", ["12x", "", "1.5"])
def test_parse_int_error_is_value_error(hpyrs_conv, text):
    with pytest.raises(ValueError):
        int(text)
    with pytest.raises(ValueError):
        hpyrs_conv.parse_int(text)
    # too large for i64: still ValueError (Python itself would not fail)
    with raises_exactly(ValueError, "number too large to fit in target type"):
        hpyrs_conv.parse_int("9" * 30)


def test_parse_float(hpyrs_conv):
    assert hpyrs_conv.parse_float("2.5") == 2.5
    with raises_exactly(ValueError, "invalid float literal"):
        hpyrs_conv.parse_float("x")


def test_try_from_int_error_is_overflow_error(hpyrs_conv):
    assert hpyrs_conv.to_u8(255) == 255
    with raises_exactly(OverflowError, "out of range integral type conversion attempted"):
        hpyrs_conv.to_u8(256)


def test_io_error_with_errno_is_the_errno_subclass(hpyrs_conv, tmp_path):
    missing = str(tmp_path / "missing")
    with pytest.raises(FileNotFoundError) as ours:
        hpyrs_conv.file_size(missing)
    with pytest.raises(FileNotFoundError) as python:
        os.stat(missing)
    assert ours.value.errno == python.value.errno == errno.ENOENT
    assert ours.value.strerror == python.value.strerror
    assert str(ours.value) == f"[Errno {errno.ENOENT}] {python.value.strerror}"
    (tmp_path / "f").write_bytes(b"12345")
    assert hpyrs_conv.file_size(str(tmp_path / "f")) == 5


@pytest.mark.parametrize("kind,exc", [("NotFound", FileNotFoundError),
                                      ("PermissionDenied", PermissionError),
                                      ("TimedOut", TimeoutError),
                                      ("Other", OSError)])
def test_io_error_kinds(hpyrs_conv, kind, exc):
    with pytest.raises(exc) as info:
        hpyrs_conv.io_error_kind(kind)
    assert type(info.value) is exc
    assert str(info.value) == "synthetic io error"


def test_other_errors_are_runtime_errors(hpyrs_conv):
    with raises_exactly(RuntimeError, "custom: oops"):
        hpyrs_conv.custom_error("oops")


def test_or_raise_picks_the_class(hpyrs_conv):
    assert hpyrs_conv.parse_or_raise("7", False) == 7
    with pytest.raises(KeyError):
        hpyrs_conv.parse_or_raise("x", False)
    with raises_exactly(hpyrs_conv.conv_error_type(), "invalid digit found in string"):
        hpyrs_conv.parse_or_raise("x", True)
