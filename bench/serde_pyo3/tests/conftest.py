"""The differential check of hpy-rs's serde conversion against pythonize
0.29.0's: serde_pyo3 (this crate: PyO3 0.29 and pythonize) and
tests/ext/hpyrs_features (hpy-rs, CPython ABI) are built for the running
CPython and fed the same corpus (test_differential.py). By hand:

    .venv-3.14/bin/python -m pytest bench/serde_pyo3/tests

serde_pyo3 is built with cargo into ``serde-pyo3-tests/`` of
``$CARGO_TARGET_DIR`` (default: the repository's ``target/``);
hpyrs_features with cargo-hpy (``$CARGO_HPY``, else built) into
``serde-pyo3-tests/hpy/``, as bench/pyo3/conv_pyo3/tests/conftest.py does.
Each module is loaded from the file just built (not through ``sys.path``),
so an ``hpyrs_features`` elsewhere cannot stand in for it.
"""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CRATE = ROOT / "bench" / "serde_pyo3"
TARGET_ROOT = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
TARGET = TARGET_ROOT / "serde-pyo3-tests"
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")


def pytest_configure(config):
    if sys.implementation.name != "cpython":
        raise pytest.UsageError("serde_pyo3's tests run on CPython only")


def _run(cmd, cwd, env, what):
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        pytest.fail(f"{what} failed:\n{proc.stdout[-4000:]}", pytrace=False)


def _load(name, path):
    """The extension module `name` from the file `path`."""
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    assert Path(module.__file__) == path
    return module


@pytest.fixture(scope="session")
def pyo3_module():
    """serde_pyo3, freshly built for the running Python and loaded."""
    out = TARGET / "module"
    out.mkdir(parents=True, exist_ok=True)
    dest = out / ("serde_pyo3" + SUFFIX)
    if dest.exists():
        dest.unlink()  # a failed build must not test an old module
    start = time.monotonic()
    env = dict(os.environ, PYO3_PYTHON=sys.executable, CARGO_TARGET_DIR=str(TARGET))
    _run(["cargo", "build", "-p", "serde_pyo3"], CRATE, env, "cargo build -p serde_pyo3")
    dest.write_bytes((TARGET / "debug" / "libserde_pyo3.so").read_bytes())
    print(f"\nserde_pyo3: built in {time.monotonic() - start:.1f}s: {dest}")
    return _load("serde_pyo3", dest)


@pytest.fixture(scope="session")
def hpy_module():
    """hpyrs_features (CPython ABI), freshly built for the running Python."""
    out = TARGET / "hpy"
    out.mkdir(parents=True, exist_ok=True)
    dest = out / ("hpyrs_features" + SUFFIX)
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
    return _load("hpyrs_features", dest)
