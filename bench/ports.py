"""What bench/kiwi-run and bench/rpds-run share: a real extension from PyPI
against its hpy-rs port under examples/. Venvs holding the original's wheel
and release builds of the port go to bench/build/ (ignored by git); the
port's Cargo builds to $CARGO_TARGET_DIR/bench-3.14 and bench-universal.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "bench" / "build"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
PY314 = ROOT / ".venv-3.14" / "bin" / "python"
PYPY = Path(os.environ.get("HPY_RS_PYPY", Path.home() / ".cache/hpy-pypy/bin/pypy3"))


def run(cmd, **kw):
    print("+", " ".join(map(str, cmd)), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def venv_with_wheel(python, name, requirement, sdist_if_no_wheel=False):
    """bench/build/NAME, a venv of `python` holding the PyPI wheel of
    `requirement` (``--only-binary``: never built from source here, unless
    `sdist_if_no_wheel` and PyPI has no wheel for that interpreter: then
    the pinned release's sdist, built by pip, said so); returns its
    python."""
    venv = BUILD / name
    py = venv / "bin" / "python"
    if not py.exists():
        run([python, "-m", "venv", venv])
    project = requirement.split("==")[0]
    probe = subprocess.run([py, "-m", "pip", "show", "-q", project], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        cmd = [py, "-m", "pip", "install", "-q", "--only-binary", project, requirement]
        if subprocess.run(cmd).returncode != 0:
            if not sdist_if_no_wheel:
                sys.exit(f"no wheel of {requirement} for {python}")
            print(f"ports: no wheel of {requirement} for {python}: building its sdist",
                  file=sys.stderr)
            run([py, "-m", "pip", "install", "-q", "--no-binary", project, requirement])
    return py


def site_packages(python):
    out = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
              stdout=subprocess.PIPE, universal_newlines=True).stdout
    return Path(out.strip())


def cargo_hpy():
    run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=ROOT)
    return TARGET / "debug" / "cargo-hpy"


def build_port(tool, example, out, universal=False, python=None):
    """`cargo hpy build --release` of examples/EXAMPLE into `out`: the
    CPython ABI for `python`, or the universal binary."""
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(TARGET / ("bench-universal" if universal else "bench-3.14"))
    if python:
        env["HPY_PYTHON"] = str(python)
    cmd = [tool, "hpy", "build", "--release", "--manifest-path",
           ROOT / "examples" / example / "Cargo.toml", "--out", out]
    if universal:
        cmd.append("--universal")
    run(cmd, env=env, cwd=ROOT)
    return out


def build_hpyc(src, module, base, abi="universal", build=True):
    """A C HPy module of bench/c/SRC (its setup.py) built with .venv's
    hpy.devel 0.9.0 into BASE: universal, or for the CPython ABI of .venv's
    CPython 3.11 (HPy 0.9's own CPython-ABI runtime predates 3.12); returns
    the binary's path. `build=False` finds an earlier build."""
    if build:
        run([ROOT / ".venv" / "bin" / "python", "setup.py", "-q", "--hpy-abi=" + abi, "build",
             "--build-base", base], cwd=ROOT / "bench" / "c" / src, stdout=subprocess.DEVNULL)
    (so,) = Path(base).glob(f"lib.*/{module}" + (".hpy0.so" if abi == "universal" else ".cpython-*.so"))
    return so


def clean_env(**extra):
    """The environment of a measured process: no PYTHONPATH or HPY mode
    leaking in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HPY", "HPY_LOG")}
    env.update(extra)
    return env


def callgrind(results, prefix, suite, procs, n, host_dir=None):
    """{row: {label: instructions/op}}: one `valgrind --tool=callgrind`
    process of `harness.py callgrind --suite SUITE` per (label, python,
    LABEL=KIND:MODULE:PATH) in `procs` ((I(2N) - I(N)) / N per row). The
    dumps stay in `results` (emptied first of files of this prefix) for
    `bench/hotspots.py --results RESULTS --prefix PREFIX ROW LABEL...`."""
    sys.path.insert(0, str(ROOT / "bench"))
    import report

    results.mkdir(parents=True, exist_ok=True)
    for old in results.glob(prefix + ".*"):
        old.unlink()
    extra = ["--host-dir", str(host_dir)] if host_dir else []
    for i, (label, python, spec) in enumerate(procs):
        base = results / ("%s.%d" % (prefix, i))
        with open("%s.json" % base, "w") as out, open("%s.log" % base, "w") as log:
            run(["valgrind", "--tool=callgrind", "--dump-before=getppid",
                 "--callgrind-out-file=%s.out" % base, python, ROOT / "bench" / "harness.py",
                 "callgrind", "--suite", suite, "-n", str(n), *extra, spec],
                env=clean_env(), cwd=ROOT, stdout=out, stderr=log)
    return report.callgrind_counts(str(results), prefix)
