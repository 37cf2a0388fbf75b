"""examples/xxhash beyond its upstream suite: hpy::Buffer's input kinds
(each one checked against bytes of the same content), what it refuses, and
that an export is released when the call ends."""

import array
import mmap
import re
import sys

import pytest

DATA = b"hpy-rs buffer \x00\xff" * 5


def test_bytes_like_inputs_hash_as_their_bytes(xxhash):
    expected = xxhash.xxh64_intdigest(DATA, 7)
    inputs = [
        bytearray(DATA),
        memoryview(DATA),
        memoryview(bytearray(DATA)),
        memoryview(DATA)[2:][:-2],  # a contiguous slice of a view
        array.array("B", DATA),
    ]
    for obj in inputs[:3] + [inputs[4]]:
        assert xxhash.xxh64_intdigest(obj, 7) == expected, type(obj)
    assert xxhash.xxh64_intdigest(inputs[3], 7) == xxhash.xxh64_intdigest(DATA[2:-2], 7)
    wide = array.array("i", [1, -2, 3])
    assert xxhash.xxh32_hexdigest(wide) == xxhash.xxh32_hexdigest(wide.tobytes())
    with mmap.mmap(-1, len(DATA)) as m:
        m.write(DATA)
        assert xxhash.xxh3_128_intdigest(m, 7) == xxhash.xxh3_128_intdigest(DATA, 7)


def test_empty_and_large_inputs(xxhash):
    assert xxhash.xxh3_64_intdigest(bytearray()) == xxhash.xxh3_64_intdigest(b"")
    big = bytes(range(256)) * 1024  # 256 KiB: hashed with the GIL released
    h = xxhash.xxh3_128()
    h.update(big)
    h.update(bytearray(big))  # writable: hashed with the GIL held
    assert h.intdigest() == xxhash.xxh3_128_intdigest(big + big)


def test_long_one_shot_xxh64_agrees_with_streaming(xxhash):
    """From 4 KiB the one-shot XXH64 is the xxHash C library's, the
    hashers' xxhash-rust's: both give the same values on either side of
    the boundary, and the original's (values from python-xxhash 4.1.0)."""
    block = bytes(range(256)) * 16  # 4 KiB
    assert xxhash.xxh64_intdigest(block) == 1111936925623318180
    assert xxhash.xxh64_intdigest(block, 2**64 - 1) == 9018077015420332339
    assert xxhash.xxh64_hexdigest(block + b"x", 5) == "f358ac9048d8a9c0"
    for size in (4064, 4095, 4096, 4097, 4127, 1 << 20):
        data = (block * 257)[:size]
        for seed in (0, 1, 2**63 + 11):
            h = xxhash.xxh64(seed=seed)
            h.update(data[:size // 3])
            h.update(data[size // 3:])
            assert xxhash.xxh64_intdigest(data, seed) == h.intdigest(), (size, seed)
            assert xxhash.xxh64_digest(data, seed) == h.digest(), (size, seed)


def test_non_contiguous_memoryview_is_refused(xxhash):
    strided = memoryview(DATA)[::2]
    with pytest.raises(BufferError, match="not C-contiguous"):
        xxhash.xxh32_digest(strided)
    with pytest.raises(BufferError, match="not C-contiguous"):
        xxhash.xxh64().update(strided)


@pytest.mark.parametrize("bad", [12345, 1.5, object(), [1, 2]])
def test_objects_without_the_buffer_protocol_are_a_type_error(xxhash, bad):
    with pytest.raises(TypeError):
        xxhash.xxh64_digest(bad)


def test_str_and_none_messages(xxhash):
    for call in (xxhash.xxh32_digest, xxhash.xxh3_64, xxhash.xxh64().update):
        with pytest.raises(TypeError, match="^Strings must be encoded before hashing$"):
            call("text")
        with pytest.raises(TypeError, match="^" + re.escape(
                "object supporting the buffer API required") + "$"):
            call(None)


def test_the_export_is_released_after_the_call(xxhash):
    b = bytearray(DATA)
    xxhash.xxh64_digest(b)
    xxhash.xxh64(b).update(b)
    b.extend(b"more")  # BufferError if a view were still exported
    assert len(b) == len(DATA) + 4


def test_seeds_wrap_like_the_original(xxhash):
    assert xxhash.xxh32(seed=-1).seed == 2**32 - 1
    assert xxhash.xxh64(seed=-1).seed == 2**64 - 1
    assert xxhash.xxh64(seed=2**200 + 5).seed == 5
    with pytest.raises(TypeError):
        xxhash.xxh64(seed=1.0)


@pytest.mark.skipif(sys.implementation.name == "pypy", reason="sys.getrefcount is CPython's")
def test_no_reference_is_kept(xxhash):
    b = bytearray(DATA)
    before = sys.getrefcount(b)
    for _ in range(10):
        xxhash.xxh3_64_digest(b)
    assert sys.getrefcount(b) == before
