"""hpy::numpy through tests/ext/hpyrs_numpy: NumPy arrays as ndarray views
(every element type, any strides, 0-d and empty), writes seen by Python,
zero copy checked by address, dtype/ndim/byte-order/read-only/non-array
errors, run-time borrow checking, new arrays from Rust data. Runs in every
mode: views are read in place from the array struct in the CPython ABI and
on hpy_rs_universal's plain context, through a Python helper elsewhere
(debug contexts, PyPy)."""

import sys
import threading

import pytest

from numpy_layouts import layouts

np = pytest.importorskip(
    "numpy", reason="NumPy is not installed in this interpreter (scripts/run-tests env installs it)")

# (function suffix, dtype, values)
ELEMENTS = [
    ("bool", np.bool_, [True, False, True, True, False, False]),
    ("i8", np.int8, [-128, -1, 0, 1, 2, 127]),
    ("i16", np.int16, [-32768, -1, 0, 1, 2, 32767]),
    ("i32", np.int32, [-2**31, -1, 0, 1, 2, 2**31 - 1]),
    ("i64", np.int64, [-2**63, -1, 0, 1, 2, 2**63 - 1]),
    ("u8", np.uint8, [0, 1, 2, 3, 254, 255]),
    ("u16", np.uint16, [0, 1, 2, 3, 65534, 65535]),
    ("u32", np.uint32, [0, 1, 2, 3, 2**32 - 2, 2**32 - 1]),
    ("u64", np.uint64, [0, 1, 2, 3, 2**64 - 2, 2**64 - 1]),
    ("f16", np.float16, [0.0, -1.5, 2.25, 65504.0, -0.0, 0.5]),
    ("f32", np.float32, [0.0, -1.5, 2.25, 3e38, -0.0, 1e-30]),
    ("f64", np.float64, [0.0, -1.5, 2.25, 1e308, -0.0, 5e-324]),
    ("c64", np.complex64, [0j, 1 + 2j, -1.5j, 3.5, 2 - 2j, 1e30 + 1e-30j]),
    ("c128", np.complex128, [0j, 1 + 2j, -1.5j, 3.5, 2 - 2j, 1e300 + 5e-324j]),
]

# Layouts of a 6-item array: name -> function of a contiguous 1-d array.
LAYOUTS = layouts(np)


def as_python(values, suffix):
    return [float(v) if suffix == "f16" else v.item() for v in values]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("suffix,dtype,values", ELEMENTS, ids=[e[0] for e in ELEMENTS])
def test_items_of_every_type_and_layout(hpyrs_numpy, suffix, dtype, values, layout):
    array = LAYOUTS[layout](np.array(values, dtype=dtype))
    got = getattr(hpyrs_numpy, f"items_{suffix}")(array)
    if suffix == "u8":
        assert type(got) is bytes  # hpy-rs's Vec<u8> becomes bytes
        got = list(got)
    assert got == as_python(array.ravel(order="C"), suffix)
    assert len(got) == array.size


def test_shape_as_seen(hpyrs_numpy):
    for layout in LAYOUTS.values():
        a = layout(np.arange(6.0))
        assert hpyrs_numpy.shape_f64(a) == list(a.shape)


def test_subclass_accepted(hpyrs_numpy):
    class Sub(np.ndarray):
        pass

    a = np.arange(4.0).view(Sub)
    assert hpyrs_numpy.items_f64(a) == [0.0, 1.0, 2.0, 3.0]


# ---- zero copy: the view's address is NumPy's memory

def lowest_address(a):
    """The lowest address any item of `a` has."""
    data = a.__array_interface__["data"][0]
    return data + sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s < 0 and n > 1)


@pytest.mark.parametrize("layout", ["contiguous", "reversed", "every other reversed",
                                    "2-d transposed", "2-d both reversed", "2-d column slice"])
def test_views_are_not_copies(hpyrs_numpy, layout):
    base = np.arange(6.0)
    a = LAYOUTS[layout](base)
    assert hpyrs_numpy.address_f64(a) == lowest_address(a)
    assert hpyrs_numpy.address_mut_f64(a) == lowest_address(a)
    assert base.ctypes.data <= hpyrs_numpy.address_f64(a) < base.ctypes.data + base.nbytes


# ---- writes through read-write views

def test_write_seen_from_python(hpyrs_numpy):
    a = np.arange(6.0)
    hpyrs_numpy.scale_f64(a, 2.0)
    assert a.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_write_through_strided_view(hpyrs_numpy):
    base = np.arange(12.0).reshape(3, 4)
    hpyrs_numpy.scale_f64(base[::-1, ::2], -1.0)
    assert base.tolist() == [[-0.0, 1.0, -2.0, 3.0], [-4.0, 5.0, -6.0, 7.0], [-8.0, 9.0, -10.0, 11.0]]


def test_write_through_slice(hpyrs_numpy):
    a = np.array([1, 2, 3], dtype=np.int32)
    hpyrs_numpy.increment_slice_i32(a)
    assert a.tolist() == [2, 3, 4]


def test_slice_needs_contiguous(hpyrs_numpy):
    assert hpyrs_numpy.slice_sum_f64(np.arange(4.0)) == 6.0
    assert hpyrs_numpy.slice_sum_f64(np.arange(0.0)) == 0.0
    with pytest.raises(TypeError, match="not contiguous"):
        hpyrs_numpy.slice_sum_f64(np.arange(4.0)[::2])
    with pytest.raises(TypeError, match="not contiguous"):
        hpyrs_numpy.increment_slice_i32(np.arange(4, dtype=np.int32)[::-1])


def test_write_0d_and_empty(hpyrs_numpy):
    a = np.array(3.0)
    hpyrs_numpy.scale_f64(a, 2.0)
    assert a == 6.0
    e = np.zeros((0, 4))
    hpyrs_numpy.scale_f64(e, 2.0)
    assert e.shape == (0, 4)


# ---- refusals

def test_wrong_dtype(hpyrs_numpy):
    with pytest.raises(TypeError, match=r"type mismatch: .*int64.*float64"):
        hpyrs_numpy.items_f64(np.arange(3))
    with pytest.raises(TypeError, match=r"type mismatch: .*float32.*float64"):
        hpyrs_numpy.items_f64(np.arange(3, dtype=np.float32))
    with pytest.raises(TypeError, match=r"type mismatch: .*object"):
        hpyrs_numpy.items_i64(np.array([1, 2], dtype=object))
    with pytest.raises(TypeError, match=r"type mismatch"):
        hpyrs_numpy.items_u8(np.array([b"ab"]))
    with pytest.raises(TypeError, match=r"type mismatch"):
        hpyrs_numpy.items_f64(np.zeros(2, dtype=[("x", "f8")]))
    with pytest.raises(TypeError, match=r"type mismatch"):
        hpyrs_numpy.items_i64(np.array(["2020-01-01"], dtype="datetime64[D]"))


def test_wrong_ndim(hpyrs_numpy):
    with pytest.raises(TypeError, match=r"dimensionality mismatch: .*2 dimensions.*expects 1"):
        hpyrs_numpy.len1(np.zeros((2, 2)))
    with pytest.raises(TypeError, match=r"dimensionality mismatch: .*0 dimensions.*expects 1"):
        hpyrs_numpy.len1(np.array(1.0))
    with pytest.raises(TypeError, match=r"dimensionality mismatch: .*1 dimension,.*expects 2"):
        hpyrs_numpy.shape2(np.zeros(3))
    assert hpyrs_numpy.shape2(np.zeros((2, 5))) == (2, 5)
    assert hpyrs_numpy.len1(np.zeros(7)) == 7


def test_byte_order_refused(hpyrs_numpy):
    swapped = "<" if np.little_endian is False else ">"
    with pytest.raises(TypeError, match="byte order"):
        hpyrs_numpy.items_f64(np.arange(3, dtype=swapped + "f8"))
    with pytest.raises(TypeError, match="byte order"):
        hpyrs_numpy.scale_f64(np.arange(3, dtype=swapped + "f8"), 2.0)
    # One byte has no order.
    assert hpyrs_numpy.items_u8(np.arange(3, dtype=swapped + "u1")) == b"\x00\x01\x02"


def test_read_only_refused_for_writing(hpyrs_numpy):
    a = np.arange(3.0)
    a.flags.writeable = False
    with pytest.raises(TypeError, match="read-only"):
        hpyrs_numpy.scale_f64(a, 2.0)
    assert hpyrs_numpy.items_f64(a) == [0.0, 1.0, 2.0]
    assert a.tolist() == [0.0, 1.0, 2.0]
    b = np.frombuffer(b"\x00" * 16, dtype=np.float64)
    with pytest.raises(TypeError, match="read-only"):
        hpyrs_numpy.scale_f64(b, 2.0)


class FakeArray:
    """Not an ndarray, though it describes memory NumPy would accept."""

    def __init__(self):
        self.__array_interface__ = {"shape": (2,), "typestr": "<f8", "data": (8, False), "version": 3}


@pytest.mark.parametrize("obj", [[1.0, 2.0], (1.0,), 3.0, None, b"12345678", FakeArray(),
                                 memoryview(b"12345678").cast("d")],
                         ids=["list", "tuple", "float", "None", "bytes", "__array_interface__", "memoryview"])
def test_non_arrays_refused(hpyrs_numpy, obj):
    with pytest.raises(TypeError, match=rf"'{type(obj).__name__}' object cannot be converted to "
                                        r"'PyArray<float64, dyn>'"):
        hpyrs_numpy.items_f64(obj)
    with pytest.raises(TypeError, match="cannot be converted"):
        hpyrs_numpy.scale_f64(obj, 1.0)
    with pytest.raises(TypeError, match="cannot be converted"):
        hpyrs_numpy.pyarray_sum(obj)


def test_bool_view_of_other_bytes_refused(hpyrs_numpy):
    bad = np.array([0, 1, 2], dtype=np.uint8).view(np.bool_)
    with pytest.raises(ValueError, match="bytes other than 0 and 1"):
        hpyrs_numpy.items_bool(bad)
    assert hpyrs_numpy.items_bool(bad[:2]) == [False, True]
    assert hpyrs_numpy.items_bool(bad[::-2][1:]) == [False]


def test_unaligned_refused(hpyrs_numpy):
    raw = np.zeros(17, dtype=np.uint8)
    a = raw[1:].view(np.float64)
    assert not a.flags.aligned
    with pytest.raises(TypeError, match="aligned"):
        hpyrs_numpy.items_f64(a)


# ---- borrow checking

def test_same_array_twice_refused(hpyrs_numpy):
    a = np.arange(6.0)
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.copy_into(a, a)
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.copy_into(a[1:], a[:-1])
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.copy_into(a, a.view())
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.copy_into(a.reshape(2, 3)[:, :1], a.reshape(2, 3)[:, 2:])
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_disjoint_views_allowed(hpyrs_numpy):
    a = np.arange(6.0)
    hpyrs_numpy.copy_into(a[:3], a[3:])
    assert a.tolist() == [3.0, 4.0, 5.0, 3.0, 4.0, 5.0]
    b = np.zeros(3)
    hpyrs_numpy.copy_into(b, a[::2])
    assert b.tolist() == [3.0, 5.0, 4.0]


def test_borrow_held_across_calls(hpyrs_numpy):
    a = np.arange(4.0)
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.hold_mut_while(a, lambda: hpyrs_numpy.items_f64(a))
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.hold_mut_while(a, lambda: hpyrs_numpy.scale_f64(a[1:2], 2.0))
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.hold_while(a, lambda: hpyrs_numpy.scale_f64(a, 2.0))
    # Two read-only views at once are fine, and so is other memory.
    assert hpyrs_numpy.hold_while(a, lambda: hpyrs_numpy.items_f64(a)) == (6.0, [0.0, 1.0, 2.0, 3.0])
    b = np.ones(2)
    assert hpyrs_numpy.hold_mut_while(a, lambda: hpyrs_numpy.scale_f64(b, 3.0)) is None
    assert a.tolist() == [7.0] * 4 and b.tolist() == [3.0, 3.0]
    # Every borrow was released: a read-write view works again.
    hpyrs_numpy.scale_f64(a, 2.0)
    assert a.tolist() == [14.0] * 4


def test_registry_published_for_other_extensions(hpyrs_numpy):
    """The first borrow publishes the registry every hpy-rs extension in
    the process uses, as a capsule on numpy."""
    hpyrs_numpy.items_f64(np.arange(2.0))
    registry = np._hpy_rs_borrow_registry
    assert type(registry).__name__ == "PyCapsule"
    assert "hpy_rs.numpy.borrow_registry.v1" in repr(registry)


def test_pyarray_parameter(hpyrs_numpy):
    a = np.arange(4.0)
    assert hpyrs_numpy.pyarray_sum(a) == 6.0
    assert hpyrs_numpy.pyarray_negate(a) is a
    assert a.tolist() == [-0.0, -1.0, -2.0, -3.0]
    with pytest.raises(TypeError, match="type mismatch"):
        hpyrs_numpy.pyarray_sum(np.arange(4))
    ro = np.arange(2.0)
    ro.flags.writeable = False
    with pytest.raises(TypeError, match="read-only"):
        hpyrs_numpy.pyarray_negate(ro)
    with pytest.raises(TypeError, match="already borrowed"):
        hpyrs_numpy.hold_mut_while(a, lambda: hpyrs_numpy.pyarray_sum(a))


# ---- the interpreter released over array data

def test_allow_threads(hpyrs_numpy):
    a = np.arange(100_000.0)
    assert hpyrs_numpy.sum_nogil(a) == a.sum()
    b = np.arange(5.0)[::-1]
    hpyrs_numpy.square_nogil(b)
    assert b.tolist() == [16.0, 9.0, 4.0, 1.0, 0.0]
    results = []
    threads = [threading.Thread(target=lambda: results.append(hpyrs_numpy.sum_nogil(a))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [a.sum()] * 4


# ---- new arrays

def test_from_vec(hpyrs_numpy):
    r = hpyrs_numpy.ramp(5)
    assert type(r) is np.ndarray and r.dtype == np.float64 and r.shape == (5,)
    assert r.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert r.flags.writeable and r.flags.c_contiguous
    assert hpyrs_numpy.ramp(0).shape == (0,)


def test_from_vec_without_copy(hpyrs_numpy):
    """The array uses the Vec's allocation, kept by a capsule as its base,
    in every mode: NumPy's C API gets the objects as PyObject* (a handle is
    one in the CPython ABI and on hpy_rs_universal's plain context; through
    HPy_AsPyObject / HPy_FromPyObject and the interpreter's Py_DecRef,
    found with dlsym, on the others). Where dlsym is not available it is a
    copy into NumPy's own memory (no base)."""
    r = hpyrs_numpy.ramp(1000)
    if sys.platform.startswith(("linux", "darwin")):
        assert type(r.base).__name__ == "PyCapsule" and "hpy_rs.numpy.vec" in repr(r.base)
    else:
        assert r.base is None
    assert r.flags.writeable and r.flags.c_contiguous and r.flags.aligned
    r[1:] += 1.0  # writeable memory, freed with the array
    assert r[:3].tolist() == [0.0, 2.0, 3.0] and r.sum() == sum(range(1000)) + 999
    del r
    assert hpyrs_numpy.ramp(0).base is None  # empty: NumPy's own


def test_zeros(hpyrs_numpy):
    z = hpyrs_numpy.zeros_i64(2, 3, False)
    assert z.dtype == np.int64 and z.shape == (2, 3) and z.flags.c_contiguous
    assert z.tolist() == [[0] * 3] * 2
    f = hpyrs_numpy.zeros_i64(3, 2, True)
    assert f.flags.f_contiguous and not f.flags.c_contiguous and f.tolist() == [[0] * 2] * 3
    assert hpyrs_numpy.zeros_i64(0, 4, False).shape == (0, 4)


def test_from_ndarray_and_views(hpyrs_numpy):
    o = hpyrs_numpy.outer(np.array([1.0, 2.0]), np.array([1.0, 10.0, 100.0]))
    assert o.tolist() == [[1.0, 10.0, 100.0], [2.0, 20.0, 200.0]]
    assert hpyrs_numpy.reversed(np.arange(4.0)).tolist() == [3.0, 2.0, 1.0, 0.0]
    m = np.arange(6.0).reshape(2, 3)
    t = hpyrs_numpy.transposed(m)
    assert t.tolist() == m.T.tolist() and t.flags.c_contiguous
    c = np.array([[1 + 2j, 3j], [-1, 0.5]])[:, ::-1]
    assert hpyrs_numpy.copy_c128(c).tolist() == c.tolist()
    assert hpyrs_numpy.copy_c128(np.array(1j)).tolist() == 1j
    b = hpyrs_numpy.bools(5)
    assert b.dtype == np.bool_ and b.tolist() == [True, False, True, False, True]
