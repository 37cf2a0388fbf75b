"""examples/piconumpy: a float array type with a Rust-owned buffer."""

import gc

import pytest
from hpyrs_helpers import raises_exactly


def test_array_basics(piconumpy):
    a = piconumpy.array([1.0, 2.0, 3.5])
    assert a.size == 3
    assert len(a) == 3
    assert a.tolist() == [1.0, 2.0, 3.5]
    assert a[0] == 1.0 and a[2] == 3.5 and a[-1] == 3.5
    assert piconumpy.array([]).tolist() == []
    assert piconumpy.array([1, 2]).tolist() == [1.0, 2.0]
    with pytest.raises(AttributeError):
        a.size = 4


def test_arithmetic(piconumpy):
    a = piconumpy.array([1.0, 2.0, 3.0])
    b = piconumpy.array([10.0, 20.0, 30.0])
    assert (a * 2).tolist() == [2.0, 4.0, 6.0]
    assert (2 * a).tolist() == [2.0, 4.0, 6.0]
    assert (a * 0.5).tolist() == [0.5, 1.0, 1.5]
    assert (a + b).tolist() == [11.0, 22.0, 33.0]
    assert (b / 10).tolist() == [1.0, 2.0, 3.0]
    assert a.tolist() == [1.0, 2.0, 3.0]  # operands unchanged
    with raises_exactly(ValueError, "operands could not be added: sizes 3 and 2"):
        a + piconumpy.array([1.0, 2.0])
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        a * "x"


def test_items(piconumpy):
    a = piconumpy.zeros(3)
    a[1] = 5
    a[-1] = 7.5
    assert a.tolist() == [0.0, 5.0, 7.5]
    with raises_exactly(IndexError, "index out of range"):
        a[3]
    with raises_exactly(IndexError, "index out of range"):
        a[-4] = 1.0
    with pytest.raises(TypeError):
        a[0] = "x"


def test_constructors(piconumpy):
    assert piconumpy.zeros(4).tolist() == [0.0] * 4
    assert len(piconumpy.empty(5)) == 5
    with pytest.raises(TypeError):
        piconumpy.array([1.0, "x"])
    with pytest.raises(OverflowError):
        piconumpy.zeros(-1)


def test_many_arrays_are_freed(piconumpy):
    for _ in range(3):
        gc.collect()
    before = len(gc.get_objects())
    for i in range(100_000):
        a = piconumpy.array([float(i), 1.0]) * 2.0
        a[0] = a[1] + 1
    for _ in range(3):
        gc.collect()
    assert len(gc.get_objects()) - before < 100


def test_buffer_protocol(piconumpy):
    import sys

    a = piconumpy.array([1.0, 2.5, 3.0])
    if sys.implementation.name == "pypy":
        # PyPy 7.3.19 shares one HPy_buffer between exports and does not release
        # each view, so hpy-rs refuses to export (a clear error, no crash).
        with raises_exactly(BufferError, "this interpreter's HPy does not release buffers reliably; "
                                         "buffer export is disabled"):
            memoryview(a)
        return
    m = memoryview(a)
    assert (m.format, m.itemsize, m.shape, m.readonly) == ("d", 8, (3,), True)
    assert m.tolist() == [1.0, 2.5, 3.0]
    assert len(bytes(m)) == 24
    # while a view exists the data cannot change under it
    with raises_exactly(RuntimeError, "array object is already borrowed"):
        a[0] = 5.0
    with pytest.raises(TypeError):
        m[0] = 1.0
    m.release()
    a[0] = 5.0
    for _ in range(1000):
        with memoryview(a) as view:
            assert view[0] == 5.0
    a[1] = 7.0
    assert a.tolist() == [5.0, 7.0, 3.0]
