"""The differential check of hpy-rs's serde conversion against pythonize
0.29.0's: serde_pyo3 (this crate: PyO3 0.29 and pythonize) and
tests/ext/hpyrs_features (hpy-rs, CPython ABI) are built for the running
CPython and fed the same corpus (test_differential.py). `scripts/run-tests
python` runs it on CPython 3.14; by hand:

    .venv-3.14/bin/python -m pytest bench/serde_pyo3/tests

serde_pyo3 is built with cargo into ``serde-pyo3-tests/`` of
``$CARGO_TARGET_DIR`` (default: the repository's ``target/``);
hpyrs_features with cargo-hpy (``$CARGO_HPY``, else built) into
``serde-pyo3-tests/hpy/`` (bench/differential_build.py).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import differential_build as build  # noqa: E402 - bench/ is on sys.path from here

TARGET = build.TARGET_ROOT / "serde-pyo3-tests"


def pytest_configure(config):
    if sys.implementation.name != "cpython":
        raise pytest.UsageError("serde_pyo3's tests run on CPython only")


@pytest.fixture(scope="session")
def pyo3_module():
    """serde_pyo3, freshly built for the running Python and loaded."""
    return build.pyo3_module(build.ROOT / "bench" / "serde_pyo3", "serde_pyo3", TARGET)


@pytest.fixture(scope="session")
def hpy_module():
    """hpyrs_features (CPython ABI), freshly built for the running Python."""
    return build.hpyrs_features(TARGET / "hpy")
