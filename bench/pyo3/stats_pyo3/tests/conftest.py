"""Runs tests/python/stats_cases.py, the tests of examples/stats, against
its PyO3 twin stats_pyo3 (CPython only).

The module is built with cargo (there is no maturin on this machine) into
``pyo3-tests/`` of ``$CARGO_TARGET_DIR`` (default: the repository's
``target/``), together with the other twins of the differential checks
(bench/differential_build.py, which loads it from the file built).
`scripts/run-tests python` runs this on CPython 3.14, beside those checks;
by hand:

    .venv-3.14/bin/python -m pytest bench/pyo3/stats_pyo3/tests
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
# The shared tests and their helpers live in tests/python; the builder in bench/.
sys.path.insert(0, str(ROOT / "tests" / "python"))
sys.path.insert(0, str(ROOT / "bench"))
pytest.register_assert_rewrite("stats_cases")
import differential_build as build  # noqa: E402 - bench/ is on sys.path from here


def pytest_configure(config):
    if sys.implementation.name != "cpython":
        raise pytest.UsageError("stats_pyo3's tests run on CPython only")


@pytest.fixture(scope="session")
def stats():
    """stats_pyo3, freshly built for the running Python and loaded."""
    return build.pyo3_module(build.ROOT / "bench" / "pyo3" / "stats_pyo3", "stats_pyo3",
                             build.TARGET_ROOT / "pyo3-tests")
