"""The builds behind the differential checks (bench/pyo3/conv_pyo3/tests,
bench/serde_pyo3/tests, bench/pyo3/stats_pyo3/tests and
tests/python/test_numpy_twin.py): a PyO3 crate built with cargo, and
tests/ext/hpyrs_features (hpy-rs, CPython ABI) with cargo-hpy, each for the
running CPython and loaded from the file just built (not through
``sys.path``), so that no other module of the same name can stand in."""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET_ROOT = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")


def _run(cmd, cwd, env, what):
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        pytest.fail(f"{what} failed:\n{proc.stdout[-4000:]}", pytrace=False)


def load(name, path):
    """The extension module `name` from the file `path`."""
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    assert Path(module.__file__) == path
    return module


def _fresh(out, name):
    out.mkdir(parents=True, exist_ok=True)
    dest = out / (name + SUFFIX)
    if dest.exists():
        dest.unlink()  # a failed build must not test an old module
    return dest


# The twins in bench/pyo3's workspace that the checks test. A build of one
# asks cargo for all of them: resolved together, they share one build of
# PyO3 (with every feature one of them enables: each adds conversions, none
# changes another's), where one crate at a time compiled PyO3 once per
# feature set, three times on one CPython (about 50 s of processor time).
# The checks that run later in the same target directory find them built.
TWINS = ("conv_pyo3", "numpy_pyo3", "stats_pyo3")


def pyo3_module(crate, name, target):
    """The PyO3 crate at `crate` (its library `name`), built with cargo in
    the target directory `target` (with the other TWINS when it is one of
    them) and loaded."""
    dest = _fresh(target / "module", name)
    start = time.monotonic()
    env = dict(os.environ, PYO3_PYTHON=sys.executable, CARGO_TARGET_DIR=str(target))
    together = TWINS if name in TWINS else (name,)
    cmd = ["cargo", "build"] + [arg for crate_name in together for arg in ("-p", crate_name)]
    _run(cmd, crate, env, " ".join(cmd))
    dest.write_bytes((target / "debug" / f"lib{name}.so").read_bytes())
    print(f"\n{name}: built in {time.monotonic() - start:.1f}s: {dest}")
    return load(name, dest)


def hpyrs_features(out):
    """tests/ext/hpyrs_features (CPython ABI), built with cargo-hpy
    (``$CARGO_HPY``, else built) into `out` and loaded."""
    dest = _fresh(out, "hpyrs_features")
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
    return load("hpyrs_features", dest)


def outcome(f, value, describe=None):
    """("ok", describe(result)) or ("raised", the exception type's name);
    `describe` defaults to the result's type name and repr."""
    try:
        r = f(value)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 -- the type is what is compared; PyO3's
        # PanicException derives from BaseException
        return ("raised", type(e).__name__)
    return ("ok",) + (describe(r) if describe else (type(r).__name__, repr(r)))
