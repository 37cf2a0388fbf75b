"""bytes through hpyrs_api: size, borrowed contents, construction."""

import pytest
from hpyrs_helpers import raises_exactly


def test_roundtrip(hpyrs_api):
    for b in (b"", b"abc", b"\x00\xff" * 1000, bytes(range(256))):
        n, copy = hpyrs_api.bytes_roundtrip(b)
        assert n == len(b) and copy == b and type(copy) is bytes

    class MyBytes(bytes):
        pass
    assert hpyrs_api.bytes_roundtrip(MyBytes(b"sub")) == (3, b"sub")


def test_not_bytes(hpyrs_api):
    for x in ("str", bytearray(b"ba"), 1, memoryview(b"m")):
        with raises_exactly(TypeError, "bytes_roundtrip() argument 'b' must be bytes, "
                                       f"not {type(x).__name__}"):
            hpyrs_api.bytes_roundtrip(x)


def test_from_cstr(hpyrs_api):
    assert hpyrs_api.bytes_from_cstr(b"abc") == b"abc"
    assert hpyrs_api.bytes_from_cstr(b"ab\x00cd") == b"ab"
    assert hpyrs_api.bytes_from_cstr(b"") == b""
