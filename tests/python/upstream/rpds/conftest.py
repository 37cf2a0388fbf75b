"""rpds-py 2026.9.1's own tests (copied unchanged, see SHA256SUMS) run
against the hpy-rs port `examples/rpds`: the harness (tests/python/conftest.py,
`pytest_collect_file`) imports its build for the run's mode before a file
here is collected. This file adds what is particular to rpds: every test
counts as using the module. (The tests that re-enter the port ran everywhere
but in PyPy's debug mode until issue 36: hpy-rs now marks the debug context
PyPy hands a nested call valid, `Quirk::NestedCallsGetBusyContext`.)"""

import pytest


@pytest.fixture(autouse=True)
def _uses_rpds(rpds):
    """Every upstream test uses the port (so the harness counts it)."""
    yield
