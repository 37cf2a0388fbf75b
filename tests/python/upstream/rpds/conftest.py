"""rpds-py 2026.9.1's own tests (copied unchanged, see SHA256SUMS) run
against the hpy-rs port `examples/rpds`: the harness (tests/python/conftest.py,
`pytest_collect_file`) imports its build for the run's mode before a file
here is collected. This file adds what is particular to rpds: every test
counts as using the module, and the tests that PyPy's debug mode cannot run
are skipped there with the reason."""

import sys
from pathlib import Path

import pytest

IS_PYPY = sys.implementation.name == "pypy"

# PyPy 7.3.19's HPy debug mode aborts the process ("Error: Wrong HPy
# Context!") when an HPy function runs while another one is running
# (HPy -> Python -> HPy): it hands the inner call the outer call's context
# and then finds it invalid. A C HPy module does the same (the reproducer
# with pof is in tests/python/test_fuzz.py's known crashes, "PyPy debug
# mode: an HPy call inside an HPy call"). These upstream tests re-enter the
# port (a List of Lists' repr, a map built from a map, ...); they run in
# every other mode, PyPy's plain universal mode included.
# Found by counting nested entries into the port (a thread-local depth in
# the trampoline) over the whole upstream suite on CPython.
REENTRANT = {
    "test_hash_trie_map.py::test_convert_hashtriemap",
    "test_hash_trie_map.py::test_items",
    "test_hash_trie_map.py::test_keys",
    "test_hash_trie_map.py::test_update_with_multiple_arguments",
    "test_hash_trie_set.py::test_discard",
    "test_hash_trie_set.py::test_hashing",
    "test_hash_trie_set.py::test_is_immutable",
    "test_hash_trie_set.py::test_iterable",
    "test_hash_trie_set.py::test_more_eq",
    "test_hash_trie_set.py::test_more_set_comparisons",
    "test_hash_trie_set.py::test_pickle",
    "test_hash_trie_set.py::test_supports_set_comparisons",
    "test_hash_trie_set.py::test_supports_set_operations",
    "test_hash_trie_set.py::test_update",
    "test_hash_trie_set.py::test_update_no_elements",
}

HARNESS = Path(__file__).resolve().parents[2] / "conftest.py"


def _harness():
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) and Path(module.__file__).resolve() == HARNESS:
            return module
    raise RuntimeError(f"the test harness {HARNESS} is not loaded")


def pytest_collection_modifyitems(config, items):
    if not IS_PYPY or _harness()._state(config).mode != "debug":
        return
    reason = ("PyPy 7.3.19's HPy debug mode aborts ('Wrong HPy Context!') when an HPy call "
              "runs inside another; this test re-enters rpds (it runs in PyPy's plain mode)")
    for item in items:
        name = item.nodeid.split("upstream/rpds/", 1)[-1]
        if name in REENTRANT:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _uses_rpds(rpds):
    """Every upstream test uses the port (so the harness counts it)."""
    yield
