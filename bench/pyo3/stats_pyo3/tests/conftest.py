"""Runs tests/python/stats_cases.py, the tests of examples/stats, against
its PyO3 twin stats_pyo3 (CPython only).

The module is built here with cargo (there is no maturin on this machine)
into ``pyo3-tests/`` of ``$CARGO_TARGET_DIR`` (default: the repository's
``target/``), and its library is copied to ``stats_pyo3<EXT_SUFFIX>``, as
bench/run does for the benchmark modules. `scripts/run-tests python` runs this on CPython 3.11; by hand:

    .venv/bin/python -m pytest bench/pyo3/stats_pyo3/tests
"""

import importlib
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
CRATE = ROOT / "bench" / "pyo3" / "stats_pyo3"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target") / "pyo3-tests"

# The shared tests and their helpers live in tests/python.
sys.path.insert(0, str(ROOT / "tests" / "python"))
pytest.register_assert_rewrite("stats_cases")


def pytest_configure(config):
    if sys.implementation.name != "cpython":
        raise pytest.UsageError("stats_pyo3's tests run on CPython only")


@pytest.fixture(scope="session")
def stats():
    """stats_pyo3, freshly built for the running Python and imported."""
    out = TARGET / "module"
    out.mkdir(parents=True, exist_ok=True)
    dest = out / ("stats_pyo3" + sysconfig.get_config_var("EXT_SUFFIX"))
    if dest.exists():
        dest.unlink()  # a failed build must not test an old module
    start = time.monotonic()
    env = dict(os.environ, PYO3_PYTHON=sys.executable, CARGO_TARGET_DIR=str(TARGET))
    proc = subprocess.run(["cargo", "build", "-p", "stats_pyo3"], cwd=CRATE, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        pytest.fail(f"cargo build -p stats_pyo3 failed:\n{proc.stdout[-4000:]}", pytrace=False)
    dest.write_bytes((TARGET / "debug" / "libstats_pyo3.so").read_bytes())
    print(f"\nstats_pyo3: built in {time.monotonic() - start:.1f}s: {dest}")
    sys.path.insert(0, str(out))
    module = importlib.import_module("stats_pyo3")
    assert Path(module.__file__) == dest
    return module
