"""Per-call cost of hpy::numpy's views and new arrays (tests/ext/hpyrs_numpy,
a release build), against two NumPy calls for scale. Prints ns per call,
the best of 5 runs of 200,000 calls.

    python bench/numpy_calls.py DIR

where DIR holds the built module: `hpyrs_numpy.<EXT_SUFFIX>` (cargo hpy build
--release -p hpyrs_numpy) or `hpyrs_numpy.hpy0.so` and its loader stub
(--universal; run with HPY=debug for debug mode, on PyPy or on a CPython
with hpy_rs_universal importable).
"""

import importlib
import sys
import timeit

sys.path.insert(0, sys.argv[1])
import numpy as np  # noqa: E402

m = importlib.import_module("hpyrs_numpy")
a = np.arange(16.0)
n = 200_000
print(f"{sys.implementation.name} {sys.version.split()[0]}, NumPy {np.__version__}, "
      f"{m.__file__.rsplit('/', 1)[-1]}")
for name, stmt in [("len1(a): a PyReadonlyArray1<f64> view", lambda: m.len1(a)),
                   ("scale_f64(a, 1.0): a PyReadwriteArrayDyn<f64>", lambda: m.scale_f64(a, 1.0)),
                   ("ramp(16): a new array from a Vec", lambda: m.ramp(16)),
                   ("np.empty(16) (NumPy, for scale)", lambda: np.empty(16)),
                   ("a.sum() (NumPy, for scale)", lambda: a.sum())]:
    best = min(timeit.repeat(stmt, number=n, repeat=5))
    print(f"  {name:48s} {best / n * 1e9:7.0f} ns")
