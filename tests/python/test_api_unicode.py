"""str through hpyrs_api: formatting, encoding, decoding, characters,
substrings, wide characters and decoding of encoded objects, compared with
the str and bytes methods."""

import os
import sys

import pytest
from hpyrs_helpers import outcome, raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


def test_from_fmt(hpyrs_api):
    assert hpyrs_api.from_fmt(42, "é\0x", 1 / 3) == "n=42 s=é\0x x=0.33"
    assert hpyrs_api.from_fmt_constant() == "constant text"


TEXTS = ["", "abc", "héllo", "€uro", "\U0001f600", "a\0b", "\udc80"]


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
def test_encode(hpyrs_api, encoding):
    for s in TEXTS:
        got = outcome(hpyrs_api.encode, s, encoding)
        expected = outcome(s.encode, encoding)
        if IS_PYPY and expected[0] == "raised":
            got, expected = got[:2], expected[:2]  # PyPy words the position differently
        assert got == expected, s


def test_to_str(hpyrs_api):
    """`Str::to_str` borrows the UTF-8 of a str and refuses lone
    surrogates, on every host (hpy_rs_universal's plain context takes
    CPython's refusal, others check the text)."""
    for s in TEXTS + ["x" * 1000 + "é", "\U0010ffff"]:
        if "\udc80" in s:
            with pytest.raises(UnicodeEncodeError):
                hpyrs_api.str_utf8(s)
        else:
            assert hpyrs_api.str_utf8(s) == s
    for s in ("a\ud800", "\udfff" * 3, "é\ud83d"):
        with pytest.raises(UnicodeEncodeError):
            hpyrs_api.str_utf8(s)
    # U+D000-U+D7FF share the surrogates' lead byte; a surrogate at every
    # offset around the 32-byte blocks the text is scanned in.
    for n in range(0, 70, 3):
        plain = ("\ud7ffa\ud000" * 30)[:n]
        assert hpyrs_api.str_utf8(plain) == plain
        for lone in ("\ud800", "\udbff", "\udc00", "\udfff"):
            with pytest.raises(UnicodeEncodeError):
                hpyrs_api.str_utf8(plain + lone + plain)


def test_encode_fs(hpyrs_api):
    for s in ("abc", "héllo", "a\udcffb"):
        assert hpyrs_api.encode(s, "fs") == os.fsencode(s)


def test_encode_needs_str(hpyrs_api):
    for which in ("utf-8", "ascii", "latin-1", "fs"):
        with raises_exactly(TypeError, "encode() argument 's' must be str, not bytes"):
            hpyrs_api.encode(b"x", which)


DATA = [b"", b"abc", b"\x7f\x80\xff", b"a\x00b"]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("errors", [None, "strict", "replace", "ignore", "surrogateescape"])
def test_decode(hpyrs_api, encoding, errors):
    for b in DATA:
        got = outcome(hpyrs_api.decode, b, encoding, errors)
        expected = outcome(b.decode, encoding, errors or "strict")
        assert got == expected, b


@pytest.mark.parametrize("maker, texts, refused", [
    # 128 and 129 characters: either side of the universal ABI's stack
    # buffer (a short text made from a NUL-terminated copy); 200 past it.
    ("new_ascii_str", (b"", b"a", b"0123456789abcdef" * 2, b"a\x00b", bytes(range(128)),
                       b"x" * 128, b"y" * 129, b"x" * 200),
     "new_ascii_str: the characters written are not all ASCII"),
    # 128 and 129 bytes: either side of the short text made from a stack copy.
    ("new_str_from_ascii", (b"", b"a", b"a\x00b", bytes(range(128)), b"x" * 128, b"y" * 129,
                            b"z" * 100_000),
     "new_str_from_ascii: the text is not all ASCII"),
])
def test_str_made_from_ascii(hpyrs_api, maker, texts, refused):
    make = getattr(hpyrs_api, maker)
    for b in texts:
        s = make(b)
        assert type(s) is str and s == b.decode("ascii")
        assert hash(s) == hash(b.decode("ascii")) and s.isascii()
    for b in (b"\x80", b"abc\xff", b"\xe9" * 200):
        with raises_exactly(ValueError, refused):
            make(b)


def test_decode_fs(hpyrs_api):
    for b in (b"abc", "héllo".encode(), b"a\xffb"):
        assert hpyrs_api.decode(b, "fs") == os.fsdecode(b)
        assert hpyrs_api.decode(b, "fs-cstr") == os.fsdecode(b)
    assert hpyrs_api.decode(b"a\x00b", "fs") == "a\x00b"


def test_read_char(hpyrs_api):
    s = "aé€\U0001f600"
    for i, c in enumerate(s):
        assert hpyrs_api.read_char(s, i) == c
    with raises_exactly(IndexError, "string index out of range"):
        hpyrs_api.read_char(s, 4)
    with raises_exactly(ValueError, "character U+DC80 at index 1 is a lone surrogate"):
        hpyrs_api.read_char("x\udc80", 1)
    with raises_exactly(TypeError, "read_char() argument 's' must be str, not list"):
        hpyrs_api.read_char(["a"], 0)


def test_substring(hpyrs_api):
    s = "héllo wörld"
    for start in (0, 1, 5, 11, 20):
        for end in (0, 3, 11, 50):
            assert hpyrs_api.substring(s, start, end) == s[start:end], (start, end)
    with raises_exactly(TypeError, "substring() argument 's' must be str, not bytes"):
        hpyrs_api.substring(b"abc", 0, 1)


def test_from_code_points(hpyrs_api):
    """`Context::new_str_from_code_points`: the same str, and the same
    ValueError for a value above U+10FFFF, in every ABI and mode."""
    for s in ["", "abc", "h\xe9llo", "\u20ac and \U0001f600", "nul\x00inside"]:
        assert hpyrs_api.from_code_points([ord(c) for c in s]) == s
    with raises_exactly(ValueError, "character is not in range(0x110000)"):
        hpyrs_api.from_code_points([0x41, 0x110000])


@pytest.mark.parametrize("text", [
    "", "abc", "a\x00b", "h\xe9llo", "\u20ac and \U0001f600", "nul\x00in\xe9", "x" * 63, "x" * 64,
    "\xe9" * 127, "\xe9" * 128, "\u0646\u0638\u0627\u0645 " * 60, "\U0001f600" * 64, "a\x00\xe9" * 100,
])
def test_new_str(hpyrs_api, text):
    """`Context::new_str`: UTF-8 text a Rust `String` holds made into an
    equal, fresh str, either side of the lengths at which a host changes
    the way it makes it (64 bytes for ASCII, 256 for the rest)."""
    got = hpyrs_api.new_str([ord(c) for c in text])
    assert type(got) is str and got == text
    assert hash(got) == hash(text) and len(got) == len(text)
    with raises_exactly(ValueError, "not a char"):
        hpyrs_api.new_str([0xD800])


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("text", [
    "", "abc", "a\x00b", "h\xe9llo", "\u20ac and \U0001f600", "\U0010ffff\ud7ff\ue000",
    "\u0646\u0638\u0627\u0645 " * 60, "a\x00\xe9" * 100,
])
def test_str_buf(hpyrs_api, text, typed):
    """`StrBuf`: characters pushed one at a time or through `write`, made
    into an equal str by `Context::new_str_from_buf` (code points on
    CPython, UTF-8 on PyPy and in debug mode)."""
    got = hpyrs_api.str_buf([ord(c) for c in text], typed)
    assert type(got) is str and got == text
    assert hash(got) == hash(text) and len(got) == len(text)


@pytest.mark.parametrize("units", [
    [], [0x41], [0x645, 0x631, 0x20, 0x62d] * 100, [0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff],
    [0x41, 0xD800, 0x42], [0xDFFF], [0xe9] * 5 + [0xDC00] + [0xe9] * 5, [0] * 3,
])
def test_str_buf_bmp_units(hpyrs_api, units):
    """`StrBuf::push_bmp_units` and `TextSink::push_bmp_from` append
    code units up to the first surrogate, which ends the run and is not
    appended: the str holds exactly the units before it."""
    kept = next((i for i, u in enumerate(units) if 0xD800 <= u < 0xE000), len(units))
    expected = "<" + "".join(map(chr, units[:kept])) + ">"
    got, counts = hpyrs_api.str_buf_bmp(units, False, 0)
    assert (got, counts) == (expected, [kept])
    for run in (1, 3, 64):
        got, counts = hpyrs_api.str_buf_bmp(units, True, run)
        assert got == expected and type(got) is str and len(got) == len(expected)
        # Full runs of `run`, then the run cut short by the end or by the
        # surrogate (whose call appends what came before it).
        full, rest = divmod(kept, run)
        assert counts[:full] == [run] * full and sum(counts) == kept
    with pytest.raises(ValueError, match="not a code unit"):
        hpyrs_api.str_buf_bmp([0x10000], False, 0)


def test_str_buf_bmp_bound_is_not_a_size(hpyrs_api):
    """`push_bmp_from`'s `max` bounds the units appended; room is made
    in steps, so a bound of 2**40 (found by the fuzzer: it used to ask the
    allocator for 3 TiB and abort) appends what `next` gives."""
    units = [0x645, 0x41] * 3000
    got, counts = hpyrs_api.str_buf_bmp(units, True, 2**40)
    assert got == "<" + "".join(map(chr, units)) + ">" and counts == [len(units)]
    with pytest.raises(ValueError, match="a run of no units"):
        hpyrs_api.str_buf_bmp([1], True, 0)


def test_from_wide_char(hpyrs_api):
    for s in TEXTS[:-1]:
        assert hpyrs_api.from_wide_char(s) == s


@pytest.mark.parametrize("obj", [b"abc", b"\xc3\xa9", b"\xff", b"", memoryview(b"mv"), bytearray(b"ba")])
@pytest.mark.parametrize("encoding,errors", [(None, None), ("utf-8", "strict"),
                                             ("latin-1", None), ("utf-8", "replace"),
                                             ("ascii", "ignore")])
def test_from_encoded_object(hpyrs_api, obj, encoding, errors):
    if IS_PYPY and isinstance(obj, bytearray):
        with raises_exactly(TypeError, "decoding bytearray is not supported"):
            hpyrs_api.from_encoded_object(obj, encoding, errors)
        return
    got = outcome(hpyrs_api.from_encoded_object, obj, encoding, errors)
    expected = outcome(str, obj, encoding or "utf-8", errors or "strict")
    if IS_PYPY and expected[0] == "raised":
        got, expected = got[:2], expected[:2]  # PyPy's codecs word reasons differently
    assert got == expected


def test_from_encoded_object_refuses_str_and_non_buffers(hpyrs_api):
    with raises_exactly(TypeError, "decoding str is not supported"):
        hpyrs_api.from_encoded_object("abc", None, None)
    with pytest.raises(TypeError):
        hpyrs_api.from_encoded_object(1, None, None)
    with pytest.raises(LookupError):
        hpyrs_api.from_encoded_object(b"x", "no-such-codec", None)


@pytest.mark.parametrize("text", [
    "é" * 127, "é" * 128, "é" * 129, "نظام " * 60, "\U0001f600" * 64, "a\x00é" * 100, "x" * 255 + "é",
])
def test_long_text_into_str(hpyrs_api, text):
    """A Rust `String` back as a `str` either side of the length from which
    hosts such as PyPy make it through a `bytes` object (256 bytes)."""
    got = hpyrs_api.str_utf8(text)
    assert type(got) is str and got == text and got is not text
    assert hash(got) == hash(text) and len(got) == len(text)
