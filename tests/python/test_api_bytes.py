"""bytes through hpyrs_api: size, borrowed contents, construction."""

import zlib

import pytest
from hpyrs_helpers import raises_exactly


def test_roundtrip(hpyrs_api):
    for b in (b"", b"abc", b"\x00\xff" * 1000, bytes(range(256))):
        n, copy = hpyrs_api.bytes_roundtrip(b)
        assert n == len(b) and copy == b and type(copy) is bytes

    class MyBytes(bytes):
        pass
    assert hpyrs_api.bytes_roundtrip(MyBytes(b"sub")) == (3, b"sub")


class _LyingBytes(bytes):
    def __len__(self):
        return 2**40


class _RaisingBytes(bytes):
    def __len__(self):
        raise ZeroDivisionError


@pytest.mark.parametrize("cls", [_LyingBytes, _RaisingBytes], ids=["lying", "raising"])
def test_subclass_len_is_not_asked(hpyrs_api, hpyrs_conv, stats, hpy_mode, cls):
    """A bytes subclass's own __len__ (lying or raising) never sizes what is
    read. CPython ABI: the object's stored size is read. Universal ABI:
    PyPy's HPyBytes_GET_SIZE and its debug mode's HPyBytes_AsString call
    len(), so such an object is not borrowed (TypeError naming the fix)
    and is copied through bytes(obj)."""
    b = cls(b"a\0b")
    assert stats.checksum(b) == zlib.adler32(b"a\0b")  # a Vec<u8> copy
    if hpy_mode == "cpython":
        assert hpyrs_conv.bytes_copy(b) == b"a\0b"
        assert hpyrs_api.bytes_roundtrip(b) == (3, b"a\0b")
        assert hpyrs_api.bytes_from_cstr(b) == b"a"
        assert hpyrs_conv.bytes_len(b) == 3
    else:
        borrowing = (hpyrs_api.bytes_roundtrip, hpyrs_api.bytes_from_cstr,
                     hpyrs_conv.bytes_len, hpyrs_conv.bytes_copy)
        for f in borrowing:
            with pytest.raises(TypeError, match=r"its own __len__ .*pass bytes\(obj\)"):
                f(b)


def test_not_bytes(hpyrs_api):
    for x in ("str", bytearray(b"ba"), 1, memoryview(b"m")):
        with raises_exactly(TypeError, "bytes_roundtrip() argument 'b' must be bytes, "
                                       f"not {type(x).__name__}"):
            hpyrs_api.bytes_roundtrip(x)


def test_from_cstr(hpyrs_api):
    assert hpyrs_api.bytes_from_cstr(b"abc") == b"abc"
    assert hpyrs_api.bytes_from_cstr(b"ab\x00cd") == b"ab"
    assert hpyrs_api.bytes_from_cstr(b"") == b""
