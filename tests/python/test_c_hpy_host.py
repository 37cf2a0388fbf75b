"""A universal binary written in C with HPy, loaded through hpy_rs_universal.

HPy's own host (`hpy.universal`) has no build past CPython 3.11 and its
classes crash on 3.13+; hpy_rs_universal is meant to load *any* HPy 0.9
universal binary on CPython 3.11-3.15, not only those hpy-rs builds. This
test takes bench/c/simple/simple_hpyc.c (every function and class operation of the
benchmark's `simple` module), builds it once with hpy.devel 0.9.0
(`--hpy-abi=universal`, with the CPython 3.11 of `.venv`, the one Python
that has the `hpy` package), builds hpy_rs_universal for the interpreter
running the tests, and runs the benchmark harness's `check` of the `simple`
workload on the result, classes included, in a child process (a crash must
fail the test, not end the session).

It runs in the `cpython` mode of each CPython (scripts/run-tests runs that
mode on 3.11 and on every .venv-3.X), and skips, saying why, on PyPy (which
has its own host), in the universal and debug modes (the same interpreter
as the cpython-mode run), and where no Python with hpy.devel is found.
Environment: `HPY_DEVEL_PYTHON` (a Python with `hpy==0.9.0` and setuptools;
default `.venv/bin/python`), `CARGO_HPY`, `CARGO_TARGET_DIR`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
LABEL = "C HPy (universal, hpy_rs_universal)"


def _run(cmd, what, **kwargs):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kwargs)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.rstrip().splitlines()[-40:])
        pytest.fail(f"{what}: `{' '.join(map(str, cmd))}` exited with {proc.returncode}:\n{tail}",
                    pytrace=False)
    return proc.stdout


def _hpy_devel_python():
    """A Python that can build with hpy.devel, or None and why not."""
    candidates = [os.environ.get("HPY_DEVEL_PYTHON"), str(ROOT / ".venv" / "bin" / "python"),
                  sys.executable]
    tried = []
    for python in filter(None, candidates):
        if not Path(python).exists():
            tried.append(f"{python} (missing)")
            continue
        probe = subprocess.run([python, "-c", "import hpy.devel, setuptools"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            return python, None
        tried.append(f"{python} (no hpy.devel or setuptools)")
    return None, ("no Python with hpy==0.9.0 to build the C HPy module: tried "
                  + ", ".join(tried) + "; run scripts/ensure-venv or set HPY_DEVEL_PYTHON")


@pytest.fixture(scope="module")
def c_hpy_binary(hpy_mode, tmp_path_factory):
    """bench/c/simple's simple_hpyc built as an HPy universal binary."""
    if sys.implementation.name != "cpython":
        pytest.skip("hpy_rs_universal is a CPython extension (PyPy has its own HPy host)")
    if hpy_mode != "cpython":
        pytest.skip("runs once per interpreter, in its --hpy-mode=cpython run")
    python, why = _hpy_devel_python()
    if python is None:
        pytest.skip(why)
    build = tmp_path_factory.mktemp("c-hpy-universal")
    # The build directory is outside the source tree, so bench/c/simple stays clean.
    _run([python, "setup.py", "-q", "--hpy-abi=universal", "build", "--build-base", str(build)],
         "building bench/c/simple with hpy.devel (--hpy-abi=universal)", cwd=BENCH / "c" / "simple")
    found = sorted(build.glob("lib.*/simple_hpyc.hpy0.so"))
    assert found, f"hpy.devel built no simple_hpyc.hpy0.so under {build}"
    return found[0]


@pytest.fixture(scope="module")
def host_dir(c_hpy_binary):
    """A directory holding hpy_rs_universal built for this interpreter."""
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    if not target.is_absolute():
        target = ROOT / target
    cargo_hpy = os.environ.get("CARGO_HPY")
    if not cargo_hpy:
        _run(["cargo", "build", "-q", "-p", "cargo-hpy"], "building cargo-hpy", cwd=ROOT,
             env=dict(os.environ, CARGO_TARGET_DIR=str(target)))
        cargo_hpy = str(target / "debug" / "cargo-hpy")
    out = target / "hpy-tests" / "host"
    out.mkdir(parents=True, exist_ok=True)
    _run([cargo_hpy, "hpy", "build", "--manifest-path", str(ROOT / "Cargo.toml"),
          "-p", "hpy-universal", "--python", sys.executable, "--out", str(out)],
         "building hpy_rs_universal", cwd=ROOT, env=dict(os.environ, CARGO_TARGET_DIR=str(target)))
    return out


def test_c_hpy_universal_binary_through_hpy_rs_universal(c_hpy_binary, host_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONPATH")}
    out = _run([sys.executable, str(BENCH / "harness.py"), "check", "--host-dir", str(host_dir),
                f"{LABEL}=hpyrs:simple_hpyc:{c_hpy_binary}"],
               f"the harness's check of simple_hpyc through hpy_rs_universal on {sys.executable}",
               env=env)
    # One line: every row ran and computed what the C API module computes,
    # and no class row was left out as unusable on this interpreter.
    assert out.splitlines() == [f"ok: {LABEL}"], out


# Run in a child process: loads the C HPy binary in an isolated
# subinterpreter (its own GIL) through hpy_rs_universal and writes what
# happened to the file named by argv[3], then loads it in the main
# interpreter, where it must work.
SUBINTERPRETER_CHILD = r"""
import importlib.machinery, json, sys
host, path, out = sys.argv[1:4]
sys.path.insert(0, host)
for name in ("_interpreters", "_xxsubinterpreters"):
    try:
        interpreters = __import__(name)
        break
    except ImportError:
        interpreters = None
if interpreters is None:
    raise SystemExit("this CPython has no _interpreters/_xxsubinterpreters module")
code = f'''
import importlib.machinery, json, sys
sys.path.insert(0, {host!r})
import hpy_rs_universal
spec = importlib.machinery.ModuleSpec("simple_hpyc", None, origin={path!r})
try:
    hpy_rs_universal.load("simple_hpyc", {path!r}, spec, mode=hpy_rs_universal.MODE_UNIVERSAL)
    outcome = ["loaded", ""]
except ImportError as e:
    outcome = ["ImportError", str(e)]
except BaseException as e:
    outcome = [type(e).__name__, str(e)]
open({out!r}, "w").write(json.dumps(outcome))
'''
iid = interpreters.create()
failure = interpreters.run_string(iid, code)
interpreters.destroy(iid)
assert failure is None, failure
import hpy_rs_universal
spec = importlib.machinery.ModuleSpec("simple_hpyc", None, origin=path)
module = hpy_rs_universal.load("simple_hpyc", path, spec, mode=hpy_rs_universal.MODE_UNIVERSAL)
print("main:", module.__name__)
"""


def test_c_hpy_binary_is_refused_by_a_subinterpreter(c_hpy_binary, host_dir, tmp_path):
    """A universal binary that does not declare that it works in
    subinterpreters (C HPy's never do: the declaration is hpy-rs's
    `HPyRsSubinterpreters_<name>`) is a clean ImportError in an isolated
    subinterpreter through hpy_rs_universal, as CPython refuses such a
    module of its own; the main interpreter still loads it afterwards."""
    if sys.version_info < (3, 12):
        pytest.skip("per-interpreter GILs (PEP 684) need CPython 3.12+")
    out = tmp_path / "outcome.json"
    env = {k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONPATH")}
    printed = _run([sys.executable, "-c", SUBINTERPRETER_CHILD, str(host_dir), str(c_hpy_binary),
                    str(out)], "loading simple_hpyc in a subinterpreter", env=env)
    kind, text = json.loads(out.read_text())
    assert kind == "ImportError", (kind, text)
    assert "does not support loading in subinterpreters" in text, text
    assert printed.splitlines() == ["main: simple_hpyc"], printed
