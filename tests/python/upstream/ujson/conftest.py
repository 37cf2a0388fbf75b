"""ujson 6.1.0's own tests run against the hpy-rs port `examples/ujson`:
the harness (tests/python/conftest.py, `pytest_collect_file`) imports its
build for the run's mode before test_ujson.py is collected. This file adds
what is particular to ujson: every test counts as using the module, and
the marker the upstream suite puts on tests its own leak-hunting option
(`--leak-max-loops`, in upstream's conftest.py, which is not copied: the
debug mode's leak detector does that job here) leaves alone."""

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "skip_leak_test: upstream ujson's marker for tests its memory-leak loop skips")


@pytest.fixture(autouse=True)
def _uses_ujson(ujson):
    """Every upstream test uses the port (so the harness counts it)."""
    yield
