"""hpy::Buffer from safe code (tests/ext/hpyrs_soundness, which forbids
`unsafe`): Python code that writes a buffer's memory while a Rust function
holds the buffer is seen by the reads that follow, and never changes a
`&[u8]` the SDK handed out.

The shape probed: read a byte, call back into Python, which writes
`ba[0] = 99`, read the byte again. Where the SDK handed out a `&[u8]` over
a bytearray's own storage, an optimised build returned (1, 1) while the
bytearray held 99: the compiler reused the first read, as a `&[u8]`
promises that nothing writes it. Now only a `bytes` or a copy is a
`&[u8]` (`Buffer::frozen`, `Buffer::with_bytes`), whatever the export's
read-only flag says; lent memory is read through cells."""

import array

import pytest


def writable_inputs():
    """(name, the object handed to the probe, the bytearray behind it)."""
    ba = bytearray(b"\x01\x02\x03")
    yield "bytearray", ba, ba
    ba = bytearray(b"\x01\x02\x03")
    yield "memoryview", memoryview(ba), ba
    ba = bytearray(b"\x01\x02\x03")
    # read-only as a view, writable through the bytearray behind it
    yield "memoryview.toreadonly()", memoryview(ba).toreadonly(), ba


def lends_memory(hpy_mode, hpy_host):
    """Whether this run's host lends an export's memory (otherwise
    hpy::Buffer copies it when the argument is converted): the CPython ABI,
    and the universal ABI through hpy_rs_universal outside debug mode."""
    if hpy_mode == "cpython":
        return True
    return hpy_mode == "universal" and hpy_host.__name__ == "hpy_rs_universal"


@pytest.mark.parametrize("name", [name for name, _, _ in writable_inputs()])
def test_a_write_between_two_reads_is_seen(hpyrs_soundness, hpy_mode, hpy_host, name):
    _, obj, ba = next(x for x in writable_inputs() if x[0] == name)

    def write():
        ba[0] = 99

    kind, first, second = hpyrs_soundness.read_around(obj, write)
    assert ba[0] == 99
    if lends_memory(hpy_mode, hpy_host):
        # Lent memory is never a `&[u8]` (not even a read-only view), and
        # the read after the callback sees its write.
        assert (kind, first, second) == ("cells", 1, 99), name
    else:
        # The host copied the bytes when the argument was converted: the
        # copy is a `&[u8]` that the write does not reach.
        assert (kind, first, second) == ("frozen", 1, 1), name


def test_bytes_are_frozen_in_place(hpyrs_soundness):
    assert hpyrs_soundness.read_around(b"\x01\x02", lambda: None) == ("frozen", 1, 1)


@pytest.mark.parametrize("name", [name for name, _, _ in writable_inputs()])
def test_with_bytes_hands_out_bytes_that_hold_still(hpyrs_soundness, name):
    _, obj, ba = next(x for x in writable_inputs() if x[0] == name)

    def write():
        ba[0] = 99

    assert hpyrs_soundness.with_bytes_around(obj, write) == (1, 1)
    assert ba[0] == 99


def test_reading_without_the_gil(hpyrs_soundness):
    data = bytes(range(256)) * 300
    expected = (sum(data), len(data))
    for obj in (data, bytearray(data), memoryview(bytearray(data)).toreadonly(),
                array.array("B", data)):
        assert hpyrs_soundness.sum_without_gil(obj) == expected, type(obj)


def test_copies_and_cells_agree(hpyrs_soundness):
    data = bytes(range(7))
    for obj in (data, bytearray(data), memoryview(data), memoryview(b"xx" + data)[2:],
                array.array("B", data), b"", bytearray()):
        expected = bytes(obj)
        assert hpyrs_soundness.copies(obj) == (expected,) * 4, type(obj)
    big = bytearray(range(256)) * 4  # copied to the heap by with_bytes (over 512 bytes)
    assert hpyrs_soundness.copies(big) == (bytes(big),) * 4


def test_copy_to_slice_of_the_wrong_length_is_refused(hpyrs_soundness):
    with pytest.raises(hpyrs_soundness.PanicException,
                       match="destination holds 4 bytes, the buffer 3"):
        hpyrs_soundness.copy_to_wrong_length(bytearray(b"abc"))
