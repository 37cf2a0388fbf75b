"""The differential check of hpy-rs's conversions against PyO3 0.30.1's:
conv_pyo3 (this crate, PyO3) and tests/ext/hpyrs_features (hpy-rs, CPython
ABI) are built for the running CPython and fed the same corpus
(test_differential.py). `scripts/run-tests python` runs it on CPython 3.14;
by hand:

    .venv-3.14/bin/python -m pytest bench/pyo3/conv_pyo3/tests

conv_pyo3 is built with cargo into ``pyo3-tests/`` of ``$CARGO_TARGET_DIR``
(default: the repository's ``target/``), as stats_pyo3's tests do;
hpyrs_features with cargo-hpy (``$CARGO_HPY``, else built) into
``pyo3-tests/hpy/`` (bench/differential_build.py).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
import differential_build as build  # noqa: E402 - bench/ is on sys.path from here

TARGET = build.TARGET_ROOT / "pyo3-tests"


def pytest_configure(config):
    if sys.implementation.name != "cpython":
        raise pytest.UsageError("conv_pyo3's tests run on CPython only")


@pytest.fixture(scope="session")
def pyo3_module():
    """conv_pyo3, freshly built for the running Python and loaded."""
    return build.pyo3_module(build.ROOT / "bench" / "pyo3" / "conv_pyo3", "conv_pyo3", TARGET)


@pytest.fixture(scope="session")
def hpy_module():
    """hpyrs_features (CPython ABI), freshly built for the running Python."""
    return build.hpyrs_features(TARGET / "hpy")
