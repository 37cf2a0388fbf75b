"""The ``HPY`` variable (which mode a universal module is loaded in) read the
same way by three loaders, on the same inputs: stock ``hpy.universal``
0.9.0's ``_load_bootstrap`` (the ``hpy`` package in ``.venv``), the host's
``hpy.universal`` compatibility module (``_load_bootstrap`` of
hpy-universal/python/hpy_rs_universal_compat, over ``hpy_rs_universal``),
and the loader stub cargo-hpy writes next to a universal binary (``import
pof``, on ``hpy_rs_universal``). Each prints the mode it chose through
``HPY_LOG`` (the stub's line is stock's), or the exception it raised.

Runs in the ``--hpy-mode=cpython`` run of CPython 3.11, the one interpreter
with the ``hpy`` package; the others skip, saying so. Also: the host's
``hpy.debug.pytest`` plugin (stock's ``-p hpy.debug.pytest``).
"""

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from test_packaging import ROOT, clean_env, run

COMPAT = ROOT / "hpy-universal" / "python" / "hpy_rs_universal_compat"

INPUTS = [
    None, "", " ", "universal", "debug", "trace", "deb", "d", "u", "t", "DEBUG", "Tra",
    "debugx", "x", "pof:debug", "pof:trace", "pof:universal", "other:debug",
    "pof:debug,other:trace", "other:trace,pof:debug", "pof:deb", "pof:", "pof", ":debug",
    "po:trace", "pofx:debug", "pof:debug,", "pof:x", " pof:debug", "pof :debug",
    "pof: debug", "universal,", "debug,pof:trace", "pof:debug:trace", "other:x,pof:trace",
    "a,pof:trace", "pof:TRACE,pof:debug", "pof:ü", "ü",
]

# Asks hpy.universal's _load_bootstrap to load a file that does not exist,
# for every input: the HPY_LOG line with the mode comes before the load
# fails (nothing is loaded, so no loader's state carries over); an invalid
# HPY raises before it. Prints one JSON line each.
PROBE = """
import contextlib, importlib.machinery, io, json, os, sys
from hpy.universal import _load_bootstrap
path = sys.argv[1]
for value in json.loads(sys.argv[2]):
    env = {"HPY_LOG": "1"} if value is None else {"HPY": value, "HPY_LOG": "1"}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            spec = importlib.machinery.ModuleSpec("pof", None, origin=path)
            _load_bootstrap("pof", "pof", "", path, None, spec, env)
        print(json.dumps("loaded a file that does not exist"))
    except Exception as e:
        print(json.dumps(out.getvalue().strip() or type(e).__name__))
sys.stdout.flush()
# Stock hpy.universal 0.9.0 crashes at interpreter exit after failed loads
# (SIGSEGV, with or without HPY set); the results are all printed by now.
os._exit(0)
"""

STUB_PROBE = """
try:
    import pof
except Exception as e:
    print("raised", type(e).__name__)
"""


def chosen(line):
    """The mode a loader's HPY_LOG line names, or the exception's name."""
    if not line.startswith("Loading 'pof' in HPy universal mode"):
        return line
    return ("debug" if line.endswith("with a debug context") else
            "trace" if line.endswith("with a trace context") else "universal")


RUNS_ONCE = ("the loaders are compared", "the comparison drives .venv's CPython 3.11, with "
             "the hpy package, through subprocesses")
# Whichever CPython runs the tests, the comparison runs .venv's 3.11.
VERSION_INDEPENDENT = True
pytestmark = pytest.mark.usefixtures("only_once")


@pytest.fixture(scope="module")
def stock_python():
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists() or run([python, "-c", "import hpy.universal"], ok=False).returncode:
        pytest.skip("stock hpy 0.9.0 is in .venv only (scripts/run-tests env): nothing "
                    "to compare with here")
    return python


@pytest.fixture(scope="module")
def pof_universal(stock_python, tmp_path_factory):
    """pof's universal binary and stub, and hpy_rs_universal built for
    .venv's CPython (3.11), in two directories."""
    cargo_hpy = os.environ.get("CARGO_HPY")
    if not cargo_hpy:
        run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=ROOT)
        target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
        cargo_hpy = str((ROOT / target) / "debug" / "cargo-hpy")
    pof = tmp_path_factory.mktemp("pof")
    host = tmp_path_factory.mktemp("host")
    run([cargo_hpy, "hpy", "build", "--universal", "--manifest-path",
         ROOT / "examples" / "pof" / "Cargo.toml", "--out", pof], cwd=ROOT)
    run([cargo_hpy, "hpy", "build", "--universal", "--manifest-path",
         ROOT / "tests" / "ext" / "hpyrs_debugcheck" / "Cargo.toml", "--out", pof], cwd=ROOT)
    run([cargo_hpy, "hpy", "build", "-p", "hpy-universal", "--python", stock_python,
         "--out", host], cwd=ROOT)
    return pof, host


def test_three_loaders_read_hpy_alike(stock_python, pof_universal):
    pof, host = pof_universal
    args = [pof / "nonexistent.hpy0.so", json.dumps(INPUTS)]
    stock = run([stock_python, "-c", PROBE, *args]).stdout.splitlines()
    ours = run([stock_python, "-c", PROBE, *args],
               env=clean_env(PYTHONPATH=f"{COMPAT}:{host}")).stdout.splitlines()
    assert "hpy_rs_universal_compat" in run(
        [stock_python, "-c", "import hpy.universal as u; print(u.__file__)"],
        env=clean_env(PYTHONPATH=f"{COMPAT}:{host}")).stdout
    stub = []
    for value in INPUTS:
        env = clean_env(PYTHONPATH=f"{pof}:{host}", HPY_LOG="1")
        if value is not None:
            env["HPY"] = value
        last = run([stock_python, "-c", STUB_PROBE], env=env).stdout.splitlines()[-1]
        stub.append(last.removeprefix("raised "))
    stock = [chosen(json.loads(line)) for line in stock]
    ours = [chosen(json.loads(line)) for line in ours]
    stub = [chosen(line) for line in stub]
    table = "\n".join(f"{v!r:28} stock={a:10} host={b:10} stub={c}"
                      for v, a, b, c in zip(INPUTS, stock, ours, stub))
    assert len(stock) == len(ours) == len(stub) == len(INPUTS), table
    assert stock == ours == stub, table
    # The inputs reach every outcome.
    assert set(stock) == {"universal", "debug", "trace", "ValueError"}, table
    assert stock[INPUTS.index("")] == "debug" and stock[INPUTS.index("deb")] == "debug"


def test_hpy_debug_pytest_plugin(stock_python, pof_universal, tmp_path):
    # `python -m pytest -p hpy.debug.pytest` with the host's compatibility
    # package (ahead of stock's on PYTHONPATH): a test asking for the
    # hpy_debug fixture fails when it leaks a debug handle, one that does
    # not leak passes.
    pof, host = pof_universal
    tests = tmp_path / "test_leaks.py"
    tests.write_text(textwrap.dedent(f"""
        from importlib.machinery import ModuleSpec

        import hpy.debug.pytest as plugin
        import hpy_rs_universal

        PATH = {str(pof / "hpyrs_debugcheck.hpy0.so")!r}
        spec = ModuleSpec("hpyrs_debugcheck", None, origin=PATH)
        m = hpy_rs_universal.load("hpyrs_debugcheck", PATH, spec,
                                  mode=hpy_rs_universal.MODE_DEBUG)

        def test_plugin_is_the_hosts():
            assert "hpy_rs_universal_compat" in plugin.__file__

        def test_clean(hpy_debug):
            assert m.correct(7, "abc") == (7, 3)

        def test_leaky(hpy_debug):
            m.leak(["leaked"])
    """))
    proc = run([stock_python, "-m", "pytest", "-p", "hpy.debug.pytest", "-q",
                "-p", "no:cacheprovider", tests], ok=False,
               env=clean_env(PYTHONPATH=f"{COMPAT}:{host}"))
    out = proc.stdout + proc.stderr
    # test_leaky itself passes; its teardown is the error.
    assert "3 passed, 1 error" in out, out
    assert "ERROR at teardown of test_leaky" in out and "HPyLeakError" in out, out
    assert "1 unclosed handle" in out and "['leaked']" in out, out
