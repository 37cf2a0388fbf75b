"""python-xxhash 4.1.0's own tests (the sdist's tests/, copied unchanged
but for the pytest-benchmark and pyright files, see SHA256SUMS) run against
the hpy-rs port `examples/xxhash`: the harness (tests/python/conftest.py,
`pytest_collect_file`) imports its build for the run's mode before a file
here is collected. This file adds what is particular to xxhash: the
upstream `test.py`, which pytest's default file pattern leaves out, is
collected too, and every test counts as using the module."""

import os
import sys

import pytest


def pytest_collect_file(file_path, parent):
    if file_path.name == "test.py":
        return pytest.Module.from_parent(parent, path=file_path)
    return None


@pytest.fixture(autouse=True)
def _uses_xxhash(xxhash):
    """Every upstream test uses the port (so the harness counts it), and
    a subinterpreter can find it (see below)."""
    os.environ["HPY_RS_XXHASH_BUILD"] = os.path.dirname(os.path.dirname(xxhash.__file__))
    host = sys.modules.get("hpy_rs_universal")
    if host is not None:  # universal and debug modes: the stub imports it there too
        os.environ["HPY_RS_XXHASH_HOST"] = os.path.dirname(host.__file__)
    yield


# test_interpreters.py imports xxhash inside isolated subinterpreters,
# after putting tests/python/upstream first on their sys.path, where this
# directory is the package named `xxhash`: imported under that name, its
# `__init__.py` loads the port built for this run in its place, from the
# directory the fixture above names in HPY_RS_XXHASH_BUILD (the environment
# is the process's, so the subinterpreters see it, and HPY with it, so the
# port loads in the run's mode there; HPY_RS_XXHASH_HOST names where
# hpy_rs_universal is, which the port's loader stub imports). The port supports such interpreters
# in the CPython ABI and through hpy_rs_universal (universal and debug
# modes: the host keeps its globals and debug state per interpreter,
# hpy-universal/DESIGN.md "Subinterpreters through hpy_rs_universal"). Stock
# hpy.universal (and PyPy's) keeps them process-wide and has no such
# interpreters to offer, so the file is skipped there, with this reason
# (printed by `pytest -rs`), rather than marked as expected failures: on
# 3.13+ most `_interpreters` cases pass without proving anything
# (`run_string` reports an exception instead of raising it), so an xfail
# would hide a test that cannot fail.
INTERPRETERS_REASON = (
    "stock hpy.universal keeps its contexts and globals process-wide: only "
    "the CPython ABI's modules and hpy_rs_universal's load in isolated "
    "subinterpreters (hpy/DESIGN.md 'Subinterpreters')")


def pytest_collection_modifyitems(config, items):
    mode = config.getoption("--hpy-mode") or (
        "universal" if sys.implementation.name == "pypy" else "cpython")
    host = config.getoption("--hpy-host") or (
        "hpy.universal" if sys.implementation.name == "pypy" else "hpy_rs_universal")
    for item in items:
        if "upstream/xxhash/test_interpreters.py" not in item.nodeid:
            continue
        if mode != "cpython" and host != "hpy_rs_universal":
            item.add_marker(pytest.mark.skip(reason=INTERPRETERS_REASON))
