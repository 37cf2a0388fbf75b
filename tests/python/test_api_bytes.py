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


class _HidingMeta(type):
    """A metaclass whose attribute lookup hides the class's own __len__:
    `cls.__len__` (and `cls.__mro__`, `cls.__dict__`) answer as for plain
    bytes, while len() still calls the class's own __len__."""

    def __getattribute__(cls, name):
        if name == "__len__":
            return bytes.__len__
        if name == "__mro__":
            return (bytes, object)
        if name == "__dict__":
            return bytes.__dict__
        return super().__getattribute__(name)


class _HiddenLenBytes(bytes, metaclass=_HidingMeta):
    def __len__(self):
        return 1


def test_subclass_len_hidden_by_metaclass(hpyrs_api, hpyrs_conv, stats, hpy_mode):
    """A bytes subclass whose metaclass hides its own __len__ from attribute
    lookup is still seen to have one: the check reads the type's MRO
    dictionaries, as len() does. Universal ABI: refused like any subclass
    with its own __len__ (PyPy's debug mode would hand out a copy of len()
    = 1 byte, and reading 3 would run past it); CPython ABI: the stored
    3 bytes."""
    b = _HiddenLenBytes(b"a\0b")
    assert len(b) == 1 and _HiddenLenBytes.__len__ is bytes.__len__
    assert stats.checksum(b) == zlib.adler32(b"a\0b")  # a Vec<u8> copy
    if hpy_mode == "cpython":
        assert hpyrs_conv.bytes_copy(b) == b"a\0b"
        assert hpyrs_api.bytes_roundtrip(b) == (3, b"a\0b")
        assert hpyrs_conv.bytes_len(b) == 3
    else:
        for f in (hpyrs_api.bytes_roundtrip, hpyrs_conv.bytes_len, hpyrs_conv.bytes_copy):
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
