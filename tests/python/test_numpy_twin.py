"""hpy::numpy against rust-numpy 0.30.0 on one corpus: tests/ext/hpyrs_numpy
(this run's mode: CPython ABI, or universal / debug through the selected
host) and its twin bench/pyo3/numpy_pyo3 (PyO3 0.30.1 + rust-numpy 0.30.0,
built with cargo for the running CPython by bench/differential_build.py)
get the same arguments: every element type in every layout (0-d, empty,
1-d, 2-d, 3-d; reversed, strided, Fortran order), non-native byte order,
read-only arrays, wrong dtypes and dimensions, non-arrays, array
subclasses, objects with ``__array__``, overlapping views. Both must return
the same value (and leave the argument array the same) or raise the same
exception type. Messages are compared too: where the two libraries word an
error differently, its kind is listed in MESSAGE_DIFFERENCES with the
reason, and each listed kind must still differ (so the list cannot go
stale).

It builds PyO3 and rust-numpy (about a minute), so it runs when asked:
``HPY_RS_NUMPY_TWIN=1`` (scripts/run-tests sets it on CPython 3.14, in
each mode); otherwise it skips, saying so.
"""

import os
import sys
from pathlib import Path

import pytest

from numpy_layouts import layouts

if os.environ.get("HPY_RS_NUMPY_TWIN") != "1":
    pytest.skip("the differential check against rust-numpy builds PyO3: run it with "
                "HPY_RS_NUMPY_TWIN=1 (scripts/run-tests does, on CPython 3.14)",
                allow_module_level=True)
if sys.implementation.name != "cpython":
    pytest.skip("rust-numpy's twin is built for CPython only", allow_module_level=True)

np = pytest.importorskip(
    "numpy", reason="NumPy is not installed in this interpreter (scripts/run-tests env installs it)")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import differential_build as build  # noqa: E402 - bench/ put on sys.path just above


@pytest.fixture(scope="session")
def rust_numpy():
    """bench/pyo3/numpy_pyo3, freshly built for the running CPython."""
    return build.pyo3_module(build.ROOT / "bench" / "pyo3" / "numpy_pyo3", "numpy_pyo3",
                             build.TARGET_ROOT / "pyo3-tests")


ELEMENTS = {
    "bool": (np.bool_, [True, False, True, True, False, False]),
    "i8": (np.int8, [-128, -1, 0, 1, 2, 127]),
    "i16": (np.int16, [-32768, -1, 0, 1, 2, 32767]),
    "i32": (np.int32, [-2**31, -1, 0, 1, 2, 2**31 - 1]),
    "i64": (np.int64, [-2**63, -1, 0, 1, 2, 2**63 - 1]),
    "u8": (np.uint8, [0, 1, 2, 3, 254, 255]),
    "u16": (np.uint16, [0, 1, 2, 3, 65534, 65535]),
    "u32": (np.uint32, [0, 1, 2, 3, 2**32 - 2, 2**32 - 1]),
    "u64": (np.uint64, [0, 1, 2, 3, 2**64 - 2, 2**64 - 1]),
    "f16": (np.float16, [0.0, -1.5, 2.25, 65504.0, -0.0, float("nan")]),
    "f32": (np.float32, [0.0, -1.5, 2.25, 3e38, -0.0, float("inf")]),
    "f64": (np.float64, [0.0, -1.5, 2.25, 1e308, -0.0, 5e-324]),
    "c64": (np.complex64, [0j, 1 + 2j, -1.5j, 3.5, 2 - 2j, 1e30 + 1e-30j]),
    "c128": (np.complex128, [0j, 1 + 2j, -1.5j, 3.5, 2 - 2j, 1e300 + 5e-324j]),
}

LAYOUTS = {
    **layouts(np),
    "3-d strided": lambda a: np.tile(a, 2).reshape(2, 2, 3)[:, ::-1, ::2],
    "read-only": lambda a: _read_only(a),
    "non-native byte order": lambda a: a.astype(a.dtype.newbyteorder("S")),
}


def _read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


class Sub(np.ndarray):
    """An ndarray subclass."""


class HasArray:
    """Not an array, but converts to one (``np.asarray`` would accept it)."""

    def __array__(self, dtype=None, copy=None):
        return np.arange(4.0)


class HasInterface:
    """Exposes memory through ``__array_interface__`` only."""

    def __init__(self):
        self._a = np.arange(4.0)
        self.__array_interface__ = self._a.__array_interface__


NON_ARRAYS = {
    "list": lambda: [1.0, 2.0],
    "tuple": lambda: (1.0,),
    "float": lambda: 1.5,
    "int": lambda: 3,
    "None": lambda: None,
    "str": lambda: "abc",
    "bytes": lambda: b"ab",
    "memoryview": lambda: memoryview(np.arange(4.0)),
    "numpy scalar": lambda: np.float64(1.0),
    "object with __array__": HasArray,
    "object with __array_interface__": HasInterface,
    "dtype object": lambda: np.dtype("f8"),
}

# Other arrays: (name, factory).
ODD_ARRAYS = {
    "subclass": lambda: np.arange(6.0).view(Sub),
    "subclass 2-d": lambda: np.arange(6.0).reshape(2, 3).view(Sub),
    "matrix": lambda: np.array([[1.0, 2.0], [3.0, 4.0]]).view(np.matrix),
    "masked array": lambda: np.ma.masked_array(np.arange(4.0), mask=[0, 1, 0, 0]),
    "recarray": lambda: np.rec.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
    "object array": lambda: np.array([1.0, "x"], dtype=object),
    "str array": lambda: np.array(["ab", "c"]),
    "datetime array": lambda: np.array(["2024-01-01"], dtype="datetime64[D]"),
    "structured array": lambda: np.zeros(3, dtype=[("x", "f8")]),
    "float128": lambda: np.arange(3, dtype=np.longdouble),
    "1-d f64 0 items": lambda: np.empty(0),
    "1-d f64 64 items": lambda: np.arange(64.0),
    "0-d f64": lambda: np.array(2.5),
    "4-d f64": lambda: np.ones((1, 2, 1, 2)),
    "i32 contiguous": lambda: np.arange(5, dtype=np.int32),
    "i32 strided": lambda: np.arange(10, dtype=np.int32)[::2],
    "i32 read-only": lambda: _read_only(np.arange(5, dtype=np.int32)),
    "f64 read-only": lambda: _read_only(np.arange(5.0)),
    "f64 strided": lambda: np.arange(10.0)[::-3],
    "f64 fortran": lambda: np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "f64 big-endian": lambda: np.arange(4.0).astype(">f8"),
    "c128 2-d": lambda: (np.arange(6.0) + 1j).reshape(3, 2).T,
    "bool of 0/1": lambda: np.array([0, 1, 1], dtype=np.uint8).view(np.bool_),
}

# The functions both modules have, with the arguments each gets after the
# array; the items_* functions are added below.
FUNCTIONS = {
    "shape_f64": (),
    "scale_f64": (2.0,),
    "increment_slice_i32": (),
    "slice_sum_f64": (),
    "len1": (),
    "shape2": (),
    "sum_nogil": (),
    "reversed": (),
    "copy_c128": (),
    "pyarray_sum": (),
    **{f"items_{suffix}": () for suffix in ELEMENTS},
}


def _corpus():
    """(case id, factory of the argument) pairs; a factory makes a fresh
    argument for each side, so that writes do not leak between them."""
    cases = []
    for suffix, (dtype, values) in ELEMENTS.items():
        for layout, f in LAYOUTS.items():
            cases.append((f"{suffix} {layout}",
                          lambda dtype=dtype, values=values, f=f: f(np.array(values, dtype=dtype))))
    cases += [(name, f) for name, f in ODD_ARRAYS.items()]
    cases += [(name, f) for name, f in NON_ARRAYS.items()]
    return cases


CORPUS = _corpus()


def _describe_value(r):
    if isinstance(r, np.ndarray):
        return ("ndarray", r.dtype.str, r.shape, repr(r.tolist()), r.flags.writeable)
    if isinstance(r, bytes):
        return ("bytes", repr(r))
    return (type(r).__name__, repr(r))


def _kind(message):
    """The kind of error a message reports, in either library's words."""
    m = message.lower()
    for kind, words in [
        ("not an array", ("cannot be converted", "cannot be cast", "not a numpy.ndarray")),
        ("dtype", ("type mismatch",)),
        ("dimensions", ("dimensionality mismatch",)),
        ("byte order", ("byte order",)),
        ("read-only", ("read-only", "readonly", "not writeable")),
        ("not contiguous", ("not contiguous",)),
        ("already borrowed", ("already borrowed",)),
        ("panic", ("attempt to add with overflow",)),
    ]:
        if any(w in m for w in words):
            return kind
    return message


def outcome(f, make, extra):
    arg = make()
    try:
        r = f(arg, *extra)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 -- PyO3's PanicException is a BaseException
        result = ("raised", type(e).__name__, str(e))
    else:
        result = ("ok",) + _describe_value(r)
    after = _describe_value(arg) if isinstance(arg, np.ndarray) else None
    return result, after


# Kinds of error both raise with the same type but word differently, and why.
MESSAGE_DIFFERENCES = {
    "not an array": "rust-numpy: \"'list' object is not an instance of 'ndarray'\"; hpy-rs: "
                    "\"'list' object cannot be converted to 'PyArray<float64, 1>': it is not a "
                    "numpy.ndarray\" (names the expected array type)",
    "dtype": "rust-numpy: 'type mismatch:\\n from=int64, to=float64'; hpy-rs says the same in "
             "one sentence naming the expected PyArray type",
    "dimensions": "rust-numpy: 'dimensionality mismatch:\\n from=2, to=1'; hpy-rs says the same "
                  "in one sentence naming the expected PyArray type",
    "byte order": "rust-numpy reports '>f8' as a type mismatch ('from=>f8, to=float64'); hpy-rs "
                  "says the byte order is the problem and how to convert the array",
    "read-only": "rust-numpy: 'The given array is not writeable'; hpy-rs: 'the array is read-only: "
                 "a read-write view needs a writeable array'",
    "not contiguous": "rust-numpy: 'The given array is not contiguous or is misaligned.'; hpy-rs: "
                      "'the given array is not contiguous' (misalignment has its own message)",
    "panic": "both raise PanicException with the panic's message (an i32 overflow in these debug "
             "builds); hpy-rs's message also names the function that panicked",
}


def _pairs(hpyrs_numpy, rust_numpy):
    for fname, extra in FUNCTIONS.items():
        for case, make in CORPUS:
            yield (fname, case, outcome(getattr(hpyrs_numpy, fname), make, extra),
                   outcome(getattr(rust_numpy, fname), make, extra))


def test_same_outcomes(hpyrs_numpy, rust_numpy):
    different, seen_kinds, n = [], {}, 0
    for fname, case, (ours, our_after), (theirs, their_after) in _pairs(hpyrs_numpy, rust_numpy):
        n += 1
        if ours[0] == "raised" and theirs[0] == "raised" and ours[1] == theirs[1]:
            if ours[2] != theirs[2]:
                kind = _kind(ours[2])
                seen_kinds.setdefault(kind, (fname, case, ours[2], theirs[2]))
            ours, theirs = ours[:2], theirs[:2]
        if (ours, our_after) != (theirs, their_after):
            different.append(f"{fname}({case}): hpy-rs {ours} {our_after}\n"
                             f"    rust-numpy {theirs} {their_after}")
    assert not different, f"{len(different)} of {n} calls differ:\n" + "\n".join(different[:40])
    unexplained = {k: v for k, v in seen_kinds.items() if k not in MESSAGE_DIFFERENCES}
    assert not unexplained, f"messages that differ, not in MESSAGE_DIFFERENCES: {unexplained}"
    stale = set(MESSAGE_DIFFERENCES) - set(seen_kinds)
    assert not stale, f"MESSAGE_DIFFERENCES lists kinds whose messages no longer differ: {stale}"
    print(f"\n{n} calls, same outcomes; message kinds worded differently: "
          + ", ".join(sorted(seen_kinds)))


def test_overlapping_views(hpyrs_numpy, rust_numpy):
    """Two views of overlapping memory, one of them mutable, are refused by
    both; disjoint or read-only ones are not."""
    cases = {
        "same array": lambda a: (a, a),
        "overlapping slices": lambda a: (a[1:], a[:-1]),
        "view of it": lambda a: (a, a.view()),
        "disjoint halves": lambda a: (a[:3], a[3:]),
        "a copy": lambda a: (a, a.copy()),
    }
    for name, split in cases.items():
        got = []
        for m in (hpyrs_numpy, rust_numpy):
            a = np.arange(6.0)
            dst, src = split(a)
            try:
                m.copy_into(dst, src)
                got.append(("ok", a.tolist()))
            except TypeError as e:
                got.append(("TypeError", _kind(str(e))))
        assert got[0] == got[1], f"{name}: hpy-rs {got[0]}, rust-numpy {got[1]}"


def test_new_arrays(hpyrs_numpy, rust_numpy):
    for n in (0, 1, 16, 64):
        a, b = hpyrs_numpy.ramp(n), rust_numpy.ramp(n)
        assert _describe_value(a) == _describe_value(b)
