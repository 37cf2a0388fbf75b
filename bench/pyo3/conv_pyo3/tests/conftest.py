"""The differential check of hpy-rs's conversions against PyO3 0.30.1's:
conv_pyo3 (this crate, PyO3) and tests/ext/hpyrs_features (hpy-rs, CPython
ABI) are built for the running CPython and fed the same corpus
(test_differential.py). `scripts/run-tests python` runs it on CPython 3.14;
by hand:

    .venv-3.14/bin/python -m pytest bench/pyo3/conv_pyo3/tests

conv_pyo3 is built with cargo into ``pyo3-tests/`` of ``$CARGO_TARGET_DIR``
(default: the repository's ``target/``), as stats_pyo3's tests do;
hpyrs_features with cargo-hpy (``$CARGO_HPY``, else built) into
``pyo3-tests/hpy/``.
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
CRATE = ROOT / "bench" / "pyo3" / "conv_pyo3"
TARGET_ROOT = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
TARGET = TARGET_ROOT / "pyo3-tests"


def pytest_configure(config):
    if sys.implementation.name != "cpython":
        raise pytest.UsageError("conv_pyo3's tests run on CPython only")


def _run(cmd, cwd, env, what):
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        pytest.fail(f"{what} failed:\n{proc.stdout[-4000:]}", pytrace=False)


@pytest.fixture(scope="session")
def pyo3_module():
    """conv_pyo3, freshly built for the running Python and imported."""
    out = TARGET / "module"
    out.mkdir(parents=True, exist_ok=True)
    dest = out / ("conv_pyo3" + sysconfig.get_config_var("EXT_SUFFIX"))
    if dest.exists():
        dest.unlink()  # a failed build must not test an old module
    start = time.monotonic()
    env = dict(os.environ, PYO3_PYTHON=sys.executable, CARGO_TARGET_DIR=str(TARGET))
    _run(["cargo", "build", "-p", "conv_pyo3"], CRATE, env, "cargo build -p conv_pyo3")
    dest.write_bytes((TARGET / "debug" / "libconv_pyo3.so").read_bytes())
    print(f"\nconv_pyo3: built in {time.monotonic() - start:.1f}s: {dest}")
    sys.path.insert(0, str(out))
    module = importlib.import_module("conv_pyo3")
    assert Path(module.__file__) == dest
    return module


@pytest.fixture(scope="session")
def hpy_module():
    """hpyrs_features (CPython ABI), freshly built for the running Python."""
    out = TARGET / "hpy"
    out.mkdir(parents=True, exist_ok=True)
    dest = out / ("hpyrs_features" + sysconfig.get_config_var("EXT_SUFFIX"))
    if dest.exists():
        dest.unlink()
    env = dict(os.environ, HPY_PYTHON=sys.executable, CARGO_TARGET_DIR=str(TARGET_ROOT))
    env.pop("HPY", None)
    cargo_hpy = os.environ.get("CARGO_HPY")
    if not cargo_hpy:
        _run(["cargo", "build", "-p", "cargo-hpy"], ROOT, env, "cargo build -p cargo-hpy")
        cargo_hpy = str(TARGET_ROOT / "debug" / "cargo-hpy")
    start = time.monotonic()
    _run([cargo_hpy, "hpy", "build", "--manifest-path",
          str(ROOT / "tests" / "ext" / "hpyrs_features" / "Cargo.toml"), "--out", str(out)],
         ROOT, env, "cargo hpy build hpyrs_features")
    print(f"\nhpyrs_features: built in {time.monotonic() - start:.1f}s: {dest}")
    sys.path.insert(0, str(out))
    module = importlib.import_module("hpyrs_features")
    assert Path(module.__file__) == dest
    return module
