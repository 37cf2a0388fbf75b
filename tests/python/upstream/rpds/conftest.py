"""Runs rpds-py 2026.9.1's own tests (copied unchanged, see SHA256SUMS)
against the hpy-rs port `examples/rpds`, built and imported by the test
harness (tests/python/conftest.py) for the run's mode: `import rpds` in
these files finds the harness's build, and every test goes through the
harness's per-test checks (the debug mode's leak check among them)."""

import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "conftest.py"


def _harness():
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) and Path(module.__file__).resolve() == HARNESS:
            return module
    raise RuntimeError(f"the test harness {HARNESS} is not loaded")


def pytest_collectstart(collector):
    # Before a test file is imported (its `from rpds import ...`), load
    # the port the way the harness loads every extension.
    if isinstance(collector, pytest.Module) and "rpds" not in sys.modules:
        harness = _harness()
        harness._load(harness._state(collector.config), "rpds")


@pytest.fixture(autouse=True)
def _uses_rpds(rpds):
    """Every upstream test uses the port (so the harness counts it)."""
    yield
