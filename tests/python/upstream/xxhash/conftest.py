"""python-xxhash 4.1.0's own tests (the sdist's tests/, copied unchanged
but for the pytest-benchmark and pyright files, see SHA256SUMS) run against
the hpy-rs port `examples/xxhash`: the harness (tests/python/conftest.py,
`pytest_collect_file`) imports its build for the run's mode before a file
here is collected. This file adds what is particular to xxhash: the
upstream `test.py`, which pytest's default file pattern leaves out, is
collected too, and every test counts as using the module."""

import pytest


def pytest_collect_file(file_path, parent):
    if file_path.name == "test.py":
        return pytest.Module.from_parent(parent, path=file_path)
    return None


@pytest.fixture(autouse=True)
def _uses_xxhash(xxhash):
    """Every upstream test uses the port (so the harness counts it)."""
    yield
