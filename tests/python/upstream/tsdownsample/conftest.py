"""tsdownsample 0.1.5.1's own tests (the sdist's tests/*.py, copied
unchanged, see SHA256SUMS; its pytest-benchmark suite tests/benchmarks/ is
left out) run against the hpy-rs port `examples/tsdownsample`: the harness
(tests/python/conftest.py, `pytest_collect_file`) builds it for the run's
mode and imports its package `tsdownsample` (the original's Python files
with our extension) before a file here is collected. This file adds what
is particular to tsdownsample: the upstream files import their shared
`test_config` as a top-level module, as they do in the original's tests/
directory, so that directory (this one) is put on sys.path; and every test
counts as using the module."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def _uses_tsdownsample(tsdownsample):
    """Every upstream test uses the port (so the harness counts it)."""
    yield
