"""Shipping a real port: examples/rpds (issue 22, item 6) installed by pip
through hpy-rs's PEP 517 backend (pep517/hpy_rs_build.py, which the example
uses in place) on CPython 3.14 and PyPy 7.3.19, and one `cargo hpy wheel
--universal` wheel installed on both: through hpy-rs's host on CPython, by
PyPy's own HPy on PyPy.

The example depends on a crate from crates.io (`rpds`), so this is the
packaging path of a port with external dependencies. The tests drive the
other interpreter through subprocesses and build each thing once (debug
profile, in the cargo target directory of the run, so pip's build and the
wheel's universal build share cargo's work), in CPython 3.14's
``--hpy-mode=cpython`` run; every other run skips them, saying so. The
PyPy parts use test_packaging's PyPy (``$HPY_RS_PYPY`` or
scripts/setup-pypy's) and skip, saying so, without one.
"""

import sys
import sysconfig
from pathlib import Path

import pytest

from test_packaging import ROOT, clean_env, install_run_uninstall, run
# test_packaging's fixtures, used here by name: cargo-hpy, the fresh venvs,
# and hpy-rs-universal's wheel for this CPython.
from test_packaging import cargo_hpy, cpython_venv, host_wheel, pypy_venv  # noqa: F401

RPDS = ROOT / "examples" / "rpds"

# Exercises what a packaging mistake would break (the module, its classes,
# pickling by module name, the collections.abc registration) and prints the
# module's file and the host that loaded it (none: the CPython ABI).
RUN_RPDS = """
import collections.abc, pickle, sys
import rpds
m = rpds.HashTrieMap({"a": 1}).insert("b", [2])
assert pickle.loads(pickle.dumps(m)) == m, m
assert isinstance(m, collections.abc.Mapping)
assert rpds.HashTrieMap.convert({"x": 1})["x"] == 1
assert list(rpds.List([1, 2]).push_front(0)) == [0, 1, 2]
assert rpds.HashTrieSet([1]) | rpds.HashTrieSet([2]) == rpds.HashTrieSet([1, 2])
assert list(rpds.Queue([1]).enqueue(2)) == [1, 2] and list(rpds.Stack([1]).push(2)) == [2, 1]
hosts = [h for h in ("hpy_rs_universal", "hpy.universal") if h in sys.modules]
print("rpds ok", rpds.__file__, "+".join(hosts) or "none")
"""


@pytest.fixture(scope="module", autouse=True)
def _only_in_the_cpython_314_run(hpy_mode):
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 14) \
            or hpy_mode != "cpython":
        pytest.skip("the rpds packaging tests run once, in CPython 3.14's --hpy-mode=cpython "
                    "run (they drive PyPy through subprocesses)")


def built_wheel(proc, out):
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.parent == out and path.exists(), proc.stdout
    return path


@pytest.fixture(scope="module")
def universal_wheel(cargo_hpy, tmp_path_factory):
    out = tmp_path_factory.mktemp("rpds-wheel")
    return built_wheel(run([cargo_hpy, "hpy", "wheel", "--universal", "--manifest-path",
                            RPDS / "Cargo.toml", "--out", out], cwd=ROOT), out)


def pip_install_rpds(python, cargo_hpy):
    """`pip install examples/rpds` (the backend's default ABI for the
    interpreter), run RUN_RPDS, uninstall; returns what it printed."""
    run([python, "-m", "pip", "install", RPDS, "-C", "hpy-profile=debug"],
        env=clean_env(CARGO_HPY=cargo_hpy))
    try:
        return run([python, "-c", RUN_RPDS]).stdout.strip()
    finally:
        run([python, "-m", "pip", "uninstall", "-y", "rpds-hpy"])


def test_pip_install_on_cpython(cargo_hpy, cpython_venv):
    out = pip_install_rpds(cpython_venv, cargo_hpy)
    assert out.startswith("rpds ok ") and out.endswith(
        "rpds%s none" % sysconfig.get_config_var("EXT_SUFFIX")), out


def test_pip_install_on_pypy(cargo_hpy, pypy_venv):
    out = pip_install_rpds(pypy_venv, cargo_hpy)
    assert out.startswith("rpds ok ") and out.endswith("rpds.hpy0.so hpy.universal"), out


def test_one_universal_wheel_for_cpython_and_pypy(universal_wheel, host_wheel, cpython_venv,
                                                  pypy_venv):
    # No interpreter or ABI tag: the same file for every interpreter.
    assert universal_wheel.name.startswith("rpds_hpy-2026.9.1-py3-none-"), universal_wheel
    [on_cpython, _] = install_run_uninstall(cpython_venv, [universal_wheel, host_wheel],
                                            [RUN_RPDS, "import hpy_rs_universal"])
    assert on_cpython.strip().endswith("rpds.hpy0.so hpy_rs_universal"), on_cpython
    [on_pypy] = install_run_uninstall(pypy_venv, [universal_wheel], [RUN_RPDS])
    assert on_pypy.strip().endswith("rpds.hpy0.so hpy.universal"), on_pypy
