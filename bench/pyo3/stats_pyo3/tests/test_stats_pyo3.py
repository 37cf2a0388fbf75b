"""stats_pyo3 (PyO3) against the tests it shares with examples/stats
(hpy-rs): the tests are in tests/python/stats_cases.py."""

from stats_cases import *  # noqa: F401,F403 (the shared tests)
