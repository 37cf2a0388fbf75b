"""examples/stats (hpy-rs) against the tests it shares with its PyO3 twin,
bench/pyo3/stats_pyo3: the tests are in stats_cases.py."""

import pytest

pytest.register_assert_rewrite("stats_cases")
import stats_cases  # noqa: E402
from stats_cases import *  # noqa: E402,F401,F403 (the shared tests)
