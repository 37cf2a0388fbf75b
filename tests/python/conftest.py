"""pytest plugin for hpy-rs's integration tests.

Each run tests one *mode*, chosen with ``--hpy-mode``:

* ``cpython``   - extensions built for the CPython ABI (``NAME.cpython-*.so``),
                  imported directly; CPython only.
* ``universal`` - extensions built for the universal ABI (``NAME.hpy0.so`` plus
                  the ``NAME.py`` loader stub), loaded through the HPy host that
                  ``--hpy-host`` selects (see below).
* ``debug``     - the universal build again, loaded with ``HPY=debug``: every test
                  runs inside the host's ``LeakDetector`` and a handle left open
                  fails it; the run also checks that the debug context really was
                  in use.

The host of the universal and debug modes, chosen with ``--hpy-host``:

* ``hpy_rs_universal`` (default on CPython) - hpy-rs's own host, built with
  cargo-hpy for the running interpreter into ``<host target>/hpy-tests/host/``
  and put first on ``sys.path``; ``hpy`` is made unimportable.
* ``hpy.universal`` (PyPy's only choice; on CPython the ``hpy`` package) -
  ``hpy_rs_universal`` is made unimportable.

Blocking the other host is what proves which one loaded each module: the
loader stub can only find the selected one.

The extension crates are built with cargo-hpy into ``target/hpy-tests/cpython/``
or ``target/hpy-tests/universal/<interpreter>/`` the first time a test asks
for them; tests get the imported module through a
session fixture named after it (``def test_x(pof): ...``) or through
``hpy_ext("name")``. See README.md next to this file.

Cross builds: with ``HPY_RS_CARGO_TARGET=<triple>`` the extensions and the
host are built with ``cargo hpy build --target <triple>`` (cargo-hpy runs
natively and cross-compiles) into ``target/hpy-tests/<triple>/...``, for a
run whose interpreter is the target's, e.g. an aarch64 CPython under
qemu-user (scripts/run-tests' aarch64 step).
"""

import dataclasses
import hashlib
import importlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from hpyrs_helpers import VERSION_INDEPENDENT_REASON

ROOT = Path(__file__).resolve().parents[2]
IS_PYPY = sys.implementation.name == "pypy"
MODES = ("cpython", "universal", "debug")
HOSTS = ("hpy_rs_universal", "hpy.universal")


@dataclasses.dataclass(frozen=True)
class Extension:
    """An extension crate under test; the module name is its lib name."""

    manifest: str  # relative to the repository root
    # Called once, right after the import in debug mode, to prove that calls go
    # through the debug context. Returns True if it saw that, False if it saw
    # they do not; None if it could not tell. Without a probe (or when it cannot
    # tell) the proof must come from the module's tests: see DebugEvidence.
    debug_probe: object = None
    # For an extension inside a Python package (cargo-hpy's python-source):
    # the extension's own name in the package (xxhash's "_xxhash"); the key
    # in EXTENSIONS is then the package, which the tests import. Dotted
    # for a deeper place (tsdownsample's "_rust._tsdownsample_rs").
    submodule: str = None
    # Called with the repository root before a build: puts in place what
    # the build needs that is not in git (tsdownsample's original sources,
    # fetched and sha256-checked); raises RuntimeError if it cannot.
    prepare: object = None


class _OpenHandleProbe:
    """``x + x`` on this object records whether the handle that an HPy function
    received for ``x`` is an open debug handle (only the debug context has them)."""

    def __init__(self, generation):
        self.generation = generation
        self.seen_own_debug_handle = None

    def __add__(self, other):
        # DebugHandle.obj may only be read while the handle is open.
        self.seen_own_debug_handle = any(
            h.obj is self for h in _host_debug_internals().get_open_handles(self.generation)
        )
        return 0


def _probe_pof(module):
    probe = _OpenHandleProbe(_host_debug_internals().new_generation())
    try:
        module.double(probe)
    except Exception:
        return None  # double() itself is broken; its tests will say how
    return probe.seen_own_debug_handle


_probe_pof.description = "pof.double() received its argument as an open debug handle"


def _closed_handles_probe(call):
    """A probe for functions that call no Python code: any call through the
    debug context closes at least its argument handles, which changes the
    debug context's queue of closed handles."""

    def probe(module):
        before = DebugEvidence.closed_queue_state()
        try:
            call(module)
        except Exception:
            return None
        # Unchanged means: not debug, or (unlikely) a full queue that evicted
        # and reused exactly the entries it had; so only "changed" is proof.
        return True if DebugEvidence.closed_queue_state() != before else None

    probe.description = "a probe call made the debug context close handles"
    return probe


def _fetch_tsdownsample_original(root):
    script = root / "examples" / "tsdownsample" / "fetch-original"
    proc = subprocess.run([sys.executable, str(script)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`{script}` exited with {proc.returncode}:\n{_tail(proc.stdout)}")


EXTENSIONS = {
    "pof": Extension("examples/pof/Cargo.toml", debug_probe=_probe_pof),
    "hello": Extension("examples/hello/Cargo.toml",
                       debug_probe=_closed_handles_probe(lambda m: m.greet("probe"))),
    "hpyrs_test": Extension("tests/ext/hpyrs_test/Cargo.toml"),
    "hpyrs_conv": Extension("tests/ext/hpyrs_conv/Cargo.toml"),
    "hpyrs_api": Extension("tests/ext/hpyrs_api/Cargo.toml"),
    "hpyrs_classes": Extension("tests/ext/hpyrs_classes/Cargo.toml",
                               debug_probe=_closed_handles_probe(lambda m: m.Vector(3, 4).norm2())),
    "hpyrs_enums": Extension("tests/ext/hpyrs_enums/Cargo.toml"),
    "hpyrs_conveniences": Extension("tests/ext/hpyrs_conveniences/Cargo.toml"),
    "hpyrs_reexport": Extension("tests/ext/hpyrs_reexport/Cargo.toml"),
    "hpyrs_shared": Extension("tests/ext/hpyrs_shared/Cargo.toml"),
    "hpyrs_features": Extension("tests/ext/hpyrs_features/Cargo.toml"),
    "hpyrs_soundness": Extension("tests/ext/hpyrs_soundness/Cargo.toml"),
    "hpyrs_numpy": Extension("tests/ext/hpyrs_numpy/Cargo.toml",
                             debug_probe=_closed_handles_probe(lambda m: m.ramp(1))),
    "rpds": Extension("examples/rpds/Cargo.toml"),
    "simple": Extension("examples/simple/Cargo.toml"),
    "piconumpy": Extension("examples/piconumpy/Cargo.toml"),
    "stats": Extension("examples/stats/Cargo.toml",
                       debug_probe=_closed_handles_probe(lambda m: m.mean([1.0]))),
    "parity": Extension("examples/parity/Cargo.toml",
                        debug_probe=_closed_handles_probe(lambda m: m.Bag([1])[0])),
    "hpyrs_debugcheck": Extension("tests/ext/hpyrs_debugcheck/Cargo.toml",
                                  debug_probe=_closed_handles_probe(lambda m: m.correct(1, "probe"))),
    "kiwisolver": Extension("examples/kiwisolver/Cargo.toml",
                            debug_probe=_closed_handles_probe(lambda m: m.Variable("probe") + 1)),
    "pofpackage": Extension("examples/pofpackage/Cargo.toml", submodule="foo"),
    "xxhash": Extension("examples/xxhash/Cargo.toml", submodule="_xxhash",
                        debug_probe=_closed_handles_probe(lambda m: m.xxh32_intdigest(b"probe"))),
    "ujson": Extension("examples/ujson/Cargo.toml",
                       debug_probe=_closed_handles_probe(lambda m: m.dumps([1, "probe"]))),
    "tsdownsample": Extension(
        "examples/tsdownsample/Cargo.toml", submodule="_rust._tsdownsample_rs",
        prepare=_fetch_tsdownsample_original,
        debug_probe=_closed_handles_probe(
            lambda m: m._rust._tsdownsample_rs.minmax.sequential.downsample_f64(
                __import__("numpy").arange(8.0), 4))),
}

# Upstream test suites, copied unchanged into upstream/<module>/: they import
# the module at the top of each file, so the harness builds and imports OUR
# module (for this run's mode) before such a file is collected.
UPSTREAM = ROOT / "tests" / "python" / "upstream"


# ---------------------------------------------------------------- options


def pytest_addoption(parser):
    group = parser.getgroup("hpy-rs")
    group.addoption(
        "--hpy-mode",
        choices=MODES,
        default=None,
        help="ABI/mode to test: cpython (CPython-ABI build; CPython only), "
        "universal (universal build via the --hpy-host), debug (universal build "
        "with HPY=debug and leak checks). Default: cpython on CPython, "
        "universal on PyPy.",
    )
    group.addoption(
        "--hpy-host",
        choices=HOSTS,
        default=None,
        help="the HPy host that loads universal binaries in the universal and debug "
        "modes: hpy_rs_universal (hpy-rs's own, built for this CPython; the default "
        "on CPython) or hpy.universal (the hpy package on CPython; PyPy's built-in "
        "one, the default there). The other host is made unimportable.",
    )


class State:
    """Everything the plugin knows about this session."""

    def __init__(self, mode, host):
        self.mode = mode
        self.abi = "cpython" if mode == "cpython" else "universal"
        target = _absolute(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
        self.target_dir = target
        # Where cargo builds this session's extensions: CARGO_TARGET_DIR, or
        # for universal binaries $HPY_RS_UNIVERSAL_TARGET_DIR when set
        # (scripts/run-tests: one directory that every interpreter's
        # universal runs share, apart from the CPython-ABI builds, so that
        # PyPy's runs build there while `cargo test` holds the lock of the
        # main target directory).
        universal_dir = os.environ.get("HPY_RS_UNIVERSAL_TARGET_DIR")
        self.build_dir = _absolute(universal_dir) if universal_dir and self.abi == "universal" \
            else target
        # A cross build (HPY_RS_CARGO_TARGET): cargo-hpy is given --target,
        # and the files go apart from this machine's builds of the same
        # interpreter version.
        self.cargo_target = os.environ.get("HPY_RS_CARGO_TARGET") or None
        self.out_dir = target / "hpy-tests" / self.abi
        if self.cargo_target:
            self.out_dir = target / "hpy-tests" / self.cargo_target / self.abi
        if self.abi == "universal":
            # One binary for every interpreter, but a copy per interpreter:
            # a build replaces the files, and runs on different interpreters
            # may go in parallel (scripts/run-tests runs PyPy's that way).
            self.out_dir /= sys.implementation.cache_tag or "%s-%d%d" % (
                sys.implementation.name, *sys.version_info[:2])
        self.hpy_python = _pick_hpy_python()
        self.cargo_hpy = os.environ.get("CARGO_HPY") or None
        self.host = Host(host, self.cargo_target) if host else None
        self.builds = {}  # name -> BuildResult
        self.built_together = False  # _build_together has run
        self.modules = {}  # name -> imported module
        self.debug_evidence = DebugEvidence() if mode == "debug" else None
        self.passed = 0  # tests whose call phase passed
        self.problems = []  # session-level failures, shown in the summary


def _absolute(path):
    path = Path(path)
    return path if path.is_absolute() else ROOT / path


def _pick_hpy_python():
    if os.environ.get("HPY_PYTHON"):
        return os.environ["HPY_PYTHON"]
    if not IS_PYPY:
        return sys.executable
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else None


def pytest_configure(config):
    mode = config.getoption("--hpy-mode") or ("universal" if IS_PYPY else "cpython")
    if IS_PYPY and mode == "cpython":
        raise pytest.UsageError(
            "--hpy-mode=cpython cannot run on PyPy: a CPython-ABI extension only "
            "loads into the CPython it was built for. Use --hpy-mode=universal "
            "or --hpy-mode=debug."
        )
    host = config.getoption("--hpy-host")
    if mode == "cpython" and host:
        raise pytest.UsageError(
            f"--hpy-host={host} applies to --hpy-mode=universal and debug only (in "
            "cpython mode no host is involved)")
    if mode != "cpython":
        host = host or ("hpy.universal" if IS_PYPY else "hpy_rs_universal")
        if IS_PYPY and host == "hpy_rs_universal":
            raise pytest.UsageError(
                "--hpy-host=hpy_rs_universal cannot run on PyPy: hpy_rs_universal is a "
                "CPython extension; PyPy loads universal binaries with its built-in "
                "hpy.universal (--hpy-host=hpy.universal)")
    # The stub reads HPY when it loads a module, so this must happen before
    # any extension is imported. PyPy rejects HPY="" ("MODE -1 not valid"),
    # so outside debug mode the variable is removed, not emptied.
    if mode == "debug":
        os.environ["HPY"] = "debug"
    else:
        os.environ.pop("HPY", None)
    config._hpyrs = State(mode, host)
    _STATE[:] = [config._hpyrs]
    if host:
        config._hpyrs.host.block_the_other()
        if host == "hpy.universal":
            config._hpyrs.host.import_(config._hpyrs)


def _state(config) -> State:
    return config._hpyrs


def pytest_report_header(config):
    st = _state(config)
    impl = sys.implementation.name
    if IS_PYPY:
        impl += " %d.%d.%d" % sys.pypy_version_info[:3]
    lines = [
        f"hpy-rs: interpreter {sys.executable} ({impl}, Python {sys.version.split()[0]})",
        f"hpy-rs: mode {st.mode} (ABI {st.abi}"
        + (", HPY=debug, leak-checked" if st.mode == "debug" else "")
        + f"), extensions built into {st.out_dir}",
        f"hpy-rs: cargo-hpy {st.cargo_hpy or '(built on first use)'}, HPY_PYTHON={st.hpy_python}",
    ]
    if st.cargo_target:
        lines.append(f"hpy-rs: cross-built with --target {st.cargo_target} "
                     f"(HPY_RS_CARGO_TARGET); this interpreter runs on {platform.machine()}")
    if st.host:
        lines.append(f"hpy-rs: host {st.host.describe()}")
    return lines


# ------------------------------------------------------------------ hosts


class Host:
    """The HPy host of a universal or debug run: its name, its modules once
    imported, and (for hpy_rs_universal) where it is built."""

    def __init__(self, name, cargo_target=None):
        self.name = name
        self.cargo_target = cargo_target
        self.other = "hpy_rs_universal" if name == "hpy.universal" else "hpy.universal"
        self.module = None  # the host module (hpy_rs_universal or hpy.universal)
        self.debug = None  # hpy_rs_universal.debug or hpy.debug (LeakDetector, HPyLeakError)
        self.internals = None  # hpy_rs_universal._debug or hpy.universal._debug
        self.error = None  # why the host could not be set up
        self.build = None  # BuildResult of hpy_rs_universal
        if name == "hpy_rs_universal":
            # CPython-ABI builds depend on the Python (hpy-sys's build script
            # reads it), so each version builds in its own target directory:
            # $HPY_RS_HOST_TARGET_DIR (run-tests passes the one its
            # cpython-mode run of this interpreter used), else target/py3.X.
            default = _absolute(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target") / (
                "py%d.%d" % sys.version_info[:2])
            self.target_dir = _absolute(os.environ.get("HPY_RS_HOST_TARGET_DIR") or default)
            self.dir = self.target_dir / "hpy-tests" / (
                "host-" + cargo_target if cargo_target else "host")
            self.file = self.dir / ("hpy_rs_universal" + sysconfig.get_config_var("EXT_SUFFIX"))

    def block_the_other(self):
        """Makes the other host unimportable, so that the loader stub (which
        prefers hpy_rs_universal and falls back to hpy.universal) can only
        use the selected one."""
        top = self.other.split(".")[0]
        if sys.modules.get(top) is not None:
            raise pytest.UsageError(
                f"--hpy-host={self.name}: {top} was imported before the test harness could "
                "block it")
        sys.modules[top] = None

    def describe(self):
        if self.name == "hpy_rs_universal":
            return (f"hpy_rs_universal, built for this interpreter into {self.dir} "
                    f"(cargo target {self.target_dir}); hpy blocked")
        if IS_PYPY:
            return "hpy.universal (PyPy's built-in one)"
        return "hpy.universal (the hpy package); hpy_rs_universal blocked"

    def ready(self, st):
        """Imports the host, building it first if it is hpy_rs_universal;
        returns the error text if that failed."""
        if self.module is None and self.error is None:
            try:
                if self.name == "hpy_rs_universal":
                    self._build(st)
                self.import_(st)
            except (OSError, RuntimeError, ImportError, pytest.UsageError) as e:
                self.error = f"setting up the HPy host {self.name} failed: {e}"
        return self.error

    def _build(self, st):
        start = time.monotonic()
        record = BuildRecord("host", self.target_dir, sys.executable, self.cargo_target or "")
        if record.reuse(self.dir, [self.file]):
            self.build = BuildResult("hpy_rs_universal", [self.file], time.monotonic() - start,
                                     reused_from=record.files[0].parent)
            return
        cargo_hpy = _ensure_cargo_hpy(st)
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.file.exists():  # a stale host must not pass for a fresh build
            self.file.unlink()
        cmd = [cargo_hpy, "hpy", "build", "--manifest-path", str(ROOT / "Cargo.toml"),
               "-p", "hpy-universal", "--python", sys.executable, "--out", str(self.dir)]
        if self.cargo_target:
            cmd += ["--target", self.cargo_target]
        env = dict(os.environ, HPY_PYTHON=sys.executable, CARGO_TARGET_DIR=str(self.target_dir))
        env.pop("HPY", None)
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True)
        if proc.returncode != 0:
            raise RuntimeError(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n"
                               f"{_tail(proc.stdout)}")
        if not self.file.exists():
            raise RuntimeError(f"`{' '.join(cmd)}` succeeded but did not produce {self.file}")
        record.write(self.dir, [self.file])
        self.build = BuildResult("hpy_rs_universal", [self.file], time.monotonic() - start)

    def import_(self, st):
        if self.name == "hpy_rs_universal":
            sys.path.insert(0, str(self.dir))
            # Tests that load an extension in a child interpreter find it too.
            paths = [str(self.dir)] + [p for p in os.environ.get("PYTHONPATH", "").split(
                os.pathsep) if p]
            os.environ["PYTHONPATH"] = os.pathsep.join(paths)
        try:
            self.module = importlib.import_module(self.name)
            if st.mode == "debug":
                debug_name = "hpy_rs_universal" if self.name == "hpy_rs_universal" else "hpy"
                self.debug = importlib.import_module(debug_name + ".debug")
                self.internals = self.module._debug
        except ImportError as e:
            if self.name == "hpy.universal":
                raise pytest.UsageError(
                    f"--hpy-mode={st.mode} --hpy-host=hpy.universal needs hpy.universal, "
                    f"which {sys.executable} cannot import ({e}); on CPython 3.11: pip "
                    "install hpy==0.9.0")
            raise
        if self.name == "hpy_rs_universal":
            origin = Path(self.module.__file__)
            if origin != self.file:
                raise RuntimeError(f"hpy_rs_universal was imported from {origin}, not from "
                                   f"the fresh build {self.file}")

    def check_used_for(self, name):
        """After the stub loaded ``name``: the selected host is the one
        imported, and the other is still blocked."""
        top = self.other.split(".")[0]
        if sys.modules.get(top) is not None:
            raise RuntimeError(f"{name}: {top} is importable although --hpy-host={self.name} "
                               "blocked it")
        if sys.modules.get(self.name) is not self.module:
            raise RuntimeError(f"{name}: sys.modules[{self.name!r}] is not the host the "
                               "harness imported")


def _host_debug_internals():
    """The ``_debug`` module of this run's host (debug mode only)."""
    return _STATE[0].host.internals


# ----------------------------------------------------------------- builds


@dataclasses.dataclass
class BuildResult:
    name: str
    files: list
    seconds: float
    error: str = None  # set when the build failed
    reused_from: Path = None  # set when the files come from an earlier session's build
    together: int = 0  # how many modules one cargo command built with it (_build_together)


class BuildRecord:
    """What this run of scripts/run-tests has built already.

    run-tests sets ``HPY_RS_BUILD_RECORD`` to a fresh directory for the
    whole run, in which it changes no source: a module built once for an
    ABI in one cargo target directory (for the CPython ABI: also for one
    Python) is the same file in every later mode and interpreter, so those
    sessions copy it (or, in the same place, take it as it is) instead of
    asking cargo again; about a second per module and session, 13 modules in
    19 sessions. Without the variable (a run by hand) every session builds.
    """

    def __init__(self, *key):
        folder = os.environ.get("HPY_RS_BUILD_RECORD")
        digest = hashlib.sha256(repr(tuple(str(k) for k in key)).encode()).hexdigest()[:24]
        self.path = Path(folder) / digest if folder else None
        self.files = []

    def reuse(self, out_dir, wanted):
        """Puts the recorded build's files into ``out_dir`` (at the same
        places relative to it: a package's other files, such as xxhash's
        version.py, come along); False if there is no record, its files are
        gone or it lacks one of the ``wanted`` paths, so that a build is due."""
        if self.path is None or not self.path.exists():
            return False
        lines = self.path.read_text().splitlines()
        if not lines:
            return False
        src_dir, rels = Path(lines[0]), [Path(line) for line in lines[1:]]
        self.files = [src_dir / rel for rel in rels]
        if not all(f.exists() for f in self.files):
            return False
        if not {Path(w).relative_to(out_dir) for w in wanted} <= set(rels):
            return False
        for src, rel in zip(self.files, rels):
            dst = out_dir / rel
            if src != dst:
                dst.parent.mkdir(parents=True, exist_ok=True)
                tmp = dst.with_name(dst.name + ".copying")
                shutil.copy2(src, tmp)
                os.replace(tmp, dst)
        return True

    def write(self, out_dir, files):
        if self.path is not None:
            tmp = self.path.with_suffix(".%d" % os.getpid())
            tmp.write_text("".join(f"{line}\n" for line in
                                   [out_dir] + [Path(f).relative_to(out_dir) for f in files]))
            os.replace(tmp, self.path)


def _built_files(st, name, expected):
    """Every file a build put into the output directory for ``name``: the
    expected ones, and for a package all of its directory (not caches)."""
    if not EXTENSIONS[name].submodule:
        # With the type stub cargo-hpy wrote next to the module.
        stub = st.out_dir / f"{name}.pyi"
        return expected + ([stub] if stub.exists() else [])
    package = st.out_dir / name
    return sorted(p for p in package.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".copying"))


def _expected_files(st, name):
    sub = EXTENSIONS[name].submodule
    base, package = (st.out_dir / name / Path(*sub.split(".")),
                     [st.out_dir / name / "__init__.py"]) if sub else (
        st.out_dir / name, [])
    if st.abi == "cpython":
        return [base.with_name(base.name + sysconfig.get_config_var("EXT_SUFFIX"))] + package
    return [base.with_name(base.name + ".hpy0.so"), base.with_name(base.name + ".py")] + package


def _tail(text, lines=40):
    text = text.rstrip().splitlines()
    cut = len(text) > lines
    return "\n".join((["[...]"] if cut else []) + text[-lines:])


def _ensure_cargo_hpy(st):
    if st.cargo_hpy:
        return st.cargo_hpy
    cmd = ["cargo", "build", "-q", "-p", "cargo-hpy"]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed:\n{_tail(proc.stdout)}")
    st.cargo_hpy = str(st.target_dir / "debug" / "cargo-hpy")
    return st.cargo_hpy


def _workspace_packages():
    """The cargo package names of the EXTENSIONS that are members of the
    repository's workspace, by extension name."""
    import tomllib

    with open(ROOT / "Cargo.toml", "rb") as f:
        members = {(ROOT / m).resolve() for m in tomllib.load(f)["workspace"]["members"]}
    packages = {}
    for name, ext in EXTENSIONS.items():
        manifest = (ROOT / ext.manifest).resolve()
        if manifest.parent in members:
            with open(manifest, "rb") as f:
                packages[name] = tomllib.load(f)["package"]["name"]
    return packages


def _build_together(st):
    """With HPY_RS_BUILD_TOGETHER=1 (scripts/run-tests), the session's first
    build makes every workspace extension not built yet for its ABI (and
    Python) in one `cargo hpy build -p ... -p ...`: cargo then compiles hpy
    once with the features all of them ask for, where one command per
    extension compiled it once per feature set, and runs the crates side by
    side (the CPython-ABI extensions of one Python: 184 s of processor time
    and 129 s one by one, 163 s and 85 s together). Not for a cross build
    (HPY_RS_CARGO_TARGET: the aarch64 lane imports five of them). If that
    command fails, the session fails, and each extension is built alone, as
    without the variable, so that each failure is told apart."""
    if st.built_together or os.environ.get("HPY_RS_BUILD_TOGETHER") != "1" or st.cargo_target:
        return
    st.built_together = True
    start = time.monotonic()
    due = {}
    for name, package in _workspace_packages().items():
        record = BuildRecord(st.abi, name, st.build_dir,
                             st.hpy_python if st.abi == "cpython" else "", "")
        expected = _expected_files(st, name)
        # A build that an earlier session recorded is copied here once:
        # kept as this session's, `_build` does not copy it again.
        if record.reuse(st.out_dir, expected):
            st.builds[name] = BuildResult(name, expected, 0.0,
                                          reused_from=record.files[0].parent)
        else:
            due[name] = (package, record)
    if len(due) < 2:
        return
    selection = ["--manifest-path", str(ROOT / "Cargo.toml")]
    for package, _ in due.values():
        selection += ["-p", package]
    try:
        cmd, proc = _cargo_hpy_build(st, selection, [f for name in due
                                                      for f in _expected_files(st, name)])
    except (OSError, RuntimeError):
        return  # (cargo-hpy could not be built: each build says so)
    if proc.returncode != 0:
        # A failure of the session even where every extension then builds
        # alone: the command itself is what run-tests relies on.
        st.problems.append(f"building {len(due)} extensions in one cargo command failed "
                           f"(`{' '.join(cmd)}`, exit status {proc.returncode}); each was "
                           f"built alone:\n{_tail(proc.stdout, 15)}")
        return
    seconds = time.monotonic() - start
    for name, (_, record) in due.items():
        expected = _expected_files(st, name)
        if all(f.exists() for f in expected):
            record.write(st.out_dir, _built_files(st, name, expected))
            st.builds[name] = BuildResult(name, expected, seconds, together=len(due))


def _cargo_hpy_build(st, selection, expected):
    """Runs `cargo-hpy hpy build SELECTION` for the session's ABI, Python
    and target into its output directory, the ``expected`` files deleted
    first (a stale file must not pass for a fresh build); returns the
    command and its finished process."""
    cargo_hpy = _ensure_cargo_hpy(st)
    st.out_dir.mkdir(parents=True, exist_ok=True)
    for f in expected:
        if f.exists():
            f.unlink()
    cmd = [cargo_hpy, "hpy", "build", *selection, "--out", str(st.out_dir)]
    if st.abi == "universal":
        cmd.append("--universal")
    if st.cargo_target:
        cmd += ["--target", st.cargo_target]
    env = dict(os.environ, CARGO_TARGET_DIR=str(st.build_dir))
    if st.hpy_python:
        env["HPY_PYTHON"] = st.hpy_python
    env.pop("HPY", None)
    return cmd, subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True)


def _build(st, name):
    if name in st.builds:
        return st.builds[name]
    ext = EXTENSIONS[name]
    if ext.prepare is None:
        _build_together(st)
        if name in st.builds:
            return st.builds[name]
    expected = _expected_files(st, name)
    start = time.monotonic()
    # A universal build needs no Python; a CPython-ABI one is for HPY_PYTHON.
    record = BuildRecord(st.abi, name, st.build_dir, st.hpy_python if st.abi == "cpython" else "",
                         st.cargo_target or "")
    if record.reuse(st.out_dir, expected):
        result = BuildResult(name, expected, time.monotonic() - start,
                             reused_from=record.files[0].parent)
        st.builds[name] = result
        return result
    try:
        if ext.prepare is not None:
            ext.prepare(ROOT)
        cmd, proc = _cargo_hpy_build(st, ["--manifest-path", str(ROOT / ext.manifest)],
                                     expected)
        if proc.returncode != 0:
            raise RuntimeError(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n"
                               f"{_tail(proc.stdout)}")
        missing = [str(f) for f in expected if not f.exists()]
        if missing:
            raise RuntimeError(f"`{' '.join(cmd)}` succeeded but did not produce "
                               f"{', '.join(missing)}\n{_tail(proc.stdout)}")
        error = None
        record.write(st.out_dir, _built_files(st, name, expected))
    except (OSError, RuntimeError) as e:
        error = f"building extension {name!r} ({st.abi} ABI) failed: {e}"
    result = BuildResult(name, expected, time.monotonic() - start, error)
    st.builds[name] = result
    return result


# ------------------------------------------------------------ light runs

# The tests that cost most of a run's time (minutes in debug mode and on
# PyPy) and test nothing that differs between hosts or CPython versions
# beyond what the full runs see: with HPY_RS_LIGHT=1 they are skipped,
# saying which runs have them. scripts/run-tests runs them once per ABI
# and interpreter, where the fuzzer runs: CPython 3.14's cpython mode,
# 3.11's debug mode through hpy_rs_universal (the strictest) and PyPy's
# universal mode; its other runs are light.
# Each entry: (file under tests/python, a part of the test's name or "" for
# the whole file, the modes in which it is heavy, why it is heavy).
HEAVY = [
    ("upstream/xxhash/test_thread_safety.py", "", ("cpython", "universal", "debug"),
     "hashes hundreds of MiB from threads (in debug mode each buffer is a copy)"),
    # In the cpython and universal modes the deep frees stay (a few
    # seconds): every CPython frees them in both ABIs.
    ("test_deep_frees.py", "test_deep_structure_frees", ("debug",),
     "frees structures 10^5 deep, each handle tracked"),
    ("test_conv_features.py", "_property", ("cpython", "universal", "debug"),
     "Hypothesis properties of the optional conversions"),
    # The loops that make and free 5000-20000 objects to see none left
    # behind: about 40 s of PyPy's light debug run, a second elsewhere.
    ("test_classes.py", "test_values_are_dropped", ("debug",),
     "20000 objects made and freed, each handle tracked"),
    ("test_classes.py", "test_no_growth_over_many_objects", ("debug",),
     "20000 objects made and freed, each handle tracked"),
    ("test_piconumpy.py", "_arrays_are_freed", ("debug",),
     "thousands of arrays made and freed, each handle tracked"),
    # The fuzzer's worker pool (every extension imported in debug mode)
    # started for this one check: 14 s in PyPy's debug mode.
    ("test_fuzz.py", "test_known_defect_still_reproduces[PyPy:", ("debug",),
     "starts the fuzzer's worker pool for one PyPy defect"),
]
LIGHT_REASON = ("heavy in {mode} mode ({why}): HPY_RS_LIGHT=1, a light run; scripts/run-tests "
                "runs it in CPython 3.14's cpython mode, 3.11's debug mode through "
                "hpy_rs_universal and PyPy's universal mode")
# Under emulation (a cross build, HPY_RS_CARGO_TARGET: scripts/run-aarch64's
# qemu) these are heavy in every mode: the piconumpy loops took 16 s of the
# aarch64 lane's three runs, where they test nothing about the target.
HEAVY_EMULATED = [
    ("test_piconumpy.py", "_arrays_are_freed", ("cpython", "universal", "debug"),
     "thousands of arrays made and freed, under emulation"),
]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("HPY_RS_LIGHT") != "1":
        return
    here = Path(__file__).resolve().parent
    mode = _state(config).mode
    heavy = HEAVY + (HEAVY_EMULATED if os.environ.get("HPY_RS_CARGO_TARGET") else [])
    for item in items:
        try:
            rel = Path(item.path).resolve().relative_to(here).as_posix()
        except ValueError:
            continue
        for path, part, modes, why in heavy:
            if rel == path and part in item.name and mode in modes:
                item.add_marker(pytest.mark.skip(reason=LIGHT_REASON.format(mode=mode, why=why)))
                break


# Upstream suites whose build costs minutes for every CPython (a light
# run would build them once per version): with HPY_RS_LIGHT=1 they are not
# collected, hence not built, and the run prints a SKIP line saying so; the
# full runs (3.14's cpython mode, 3.11's debug mode through
# hpy_rs_universal, PyPy's universal mode) run them whole.
LIGHT_SKIPPED_SUITES = {
    "tsdownsample": "its 855 functions over downsample_rs take 1.5-4 minutes to build "
                    "per CPython (its tests: seconds)",
}


def pytest_ignore_collect(collection_path, config):
    if os.environ.get("HPY_RS_LIGHT") != "1":
        return None
    path = Path(collection_path)
    if path.parent != UPSTREAM or path.name not in LIGHT_SKIPPED_SUITES:
        return None
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:
        tr.write_line(f"hpy-rs: SKIP {path.relative_to(ROOT)}: HPY_RS_LIGHT=1, a light run; "
                      f"{LIGHT_SKIPPED_SUITES[path.name]}; the full runs have it", yellow=True)
    return True


def pytest_collect_file(file_path, parent):
    """Before a file of an upstream suite is imported, import the extension
    it tests from our build (a failure is reported as that file's
    collection error)."""
    if file_path.suffix == ".py" and file_path.is_relative_to(UPSTREAM):
        name = file_path.relative_to(UPSTREAM).parts[0]
        if name in EXTENSIONS:
            _load(_state(parent.config), name)
    return None


def _requested_extensions(items):
    names = set()
    for item in items:
        names.update(n for n in getattr(item, "fixturenames", ()) if n in EXTENSIONS)
    return sorted(names)


def pytest_collection_finish(session):
    """Build what the collected tests need up front, so the build output and
    times show once, before the tests, instead of inside the first test."""
    st = _state(session.config)
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    names = _requested_extensions(session.items)
    if st.host and names:
        error = st.host.ready(st)
        if tr is not None:
            if error:
                tr.write_line(f"hpy-rs: {error}", red=True, bold=True)
            elif st.host.build:
                tr.write_line(f"hpy-rs: {_built('the host hpy_rs_universal', st.host.build)}: "
                              f"{st.host.file}")
    for name in names:
        r = _build(st, name)
        if tr is None:
            continue
        if r.error:
            tr.write_line(f"hpy-rs: {r.error}", red=True, bold=True)
        else:
            files = ", ".join(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f)
                              for f in r.files)
            tr.write_line(f"hpy-rs: {_built(f'{name} ({st.abi} ABI)', r)}: {files}")
    _freeze_what_collection_made()


def _freeze_what_collection_made():
    """On CPython, moves every object alive once the tests are collected
    (pytest's items, the imported test modules, NumPy's and Hypothesis's
    modules, the extensions the upstream suites imported) out of the
    cyclic collector's reach (`gc.freeze`), after one last collection.
    Many tests run `gc.collect()` (hpyrs_helpers.collect: three at least)
    to see their own objects freed, and each of those walked all of them
    again: a light run of the suite on CPython 3.12 took 147 s of processor
    time with them and 78 s without. The tests' own objects are made
    later, and are collected as before; a frozen object is still freed when
    its reference count drops to zero. PyPy's collector has no such
    generation and walks its whole heap anyway."""
    import gc

    if sys.implementation.name == "cpython":
        gc.collect()
        gc.freeze()


def _built(what, result):
    if result.together:
        return f"built {what} with {result.together - 1} others in one cargo command, " \
               f"in {result.seconds:.1f}s"
    if result.reused_from is None:
        return f"built {what} in {result.seconds:.1f}s"
    return f"reused {what}, built earlier in this run-tests run (in {result.reused_from})"


# ---------------------------------------------------------------- imports


def _load(st, name):
    if name in st.modules:
        return st.modules[name]
    if name not in EXTENSIONS:
        raise KeyError(f"unknown extension {name!r}; known: {', '.join(EXTENSIONS)}")
    if st.host and st.host.ready(st):
        pytest.fail(st.host.error, pytrace=False)
    build = _build(st, name)
    if build.error:
        pytest.fail(build.error, pytrace=False)
    if str(st.out_dir) not in sys.path:
        sys.path.insert(0, str(st.out_dir))
    if EXTENSIONS[name].submodule:
        # Upstream suites of packages run `python -c "import pkg"` in child
        # processes (xxhash's thread-safety tests): they find the build too.
        paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if str(st.out_dir) not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([str(st.out_dir)] + [p for p in paths if p])
    if name in sys.modules:
        raise RuntimeError(f"a module named {name!r} was imported before the test harness "
                           f"loaded it from {st.out_dir}: {sys.modules[name]!r}")
    if st.mode == "debug":
        with st.host.debug.LeakDetector():  # a handle leaked by module init is a failure too
            module = importlib.import_module(name)
    else:
        module = importlib.import_module(name)
    _check_loaded_as_expected(st, name, module)
    if st.mode == "debug":
        st.debug_evidence.on_import(name, module, EXTENSIONS[name].debug_probe)
    st.modules[name] = module
    return module


def _check_loaded_as_expected(st, name, module):
    """The module must come from our build dir, with the ABI of the mode."""
    sub = EXTENSIONS[name].submodule
    if sub:  # the package's directory is in the build dir; its extension in it
        package_dir = Path(module.__file__).parent
        if package_dir != st.out_dir / name:
            raise RuntimeError(f"{name} was loaded from {package_dir}, not from {st.out_dir}")
        module = sys.modules[f"{name}.{sub}"]
        *package, own = sub.split(".")
        return _check_extension_file(st, own, module, st.out_dir / name / Path(*package))
    return _check_extension_file(st, name, module, st.out_dir)


def _check_extension_file(st, name, module, out_dir):
    spec = getattr(module, "__spec__", None)
    origin = Path(getattr(spec, "origin", None) or getattr(module, "__file__", "") or "")
    if origin.parent != out_dir:
        raise RuntimeError(f"{name} was loaded from {origin}, not from {out_dir}")
    if st.abi == "cpython":
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        if not origin.name.endswith(suffix):
            raise RuntimeError(f"{name}: expected a CPython-ABI module ({suffix}), got {origin}")
        for host in HOSTS:
            if sys.modules.get(host) is not None:
                raise RuntimeError(f"{name}: {host} got imported in cpython mode")
    else:
        if origin.name not in (f"{name}.hpy0.so", f"{name}.py"):
            raise RuntimeError(f"{name}: expected the universal build, got {origin}")
        st.host.check_used_for(name)


@pytest.fixture(scope="session")
def hpy_mode(request):
    """The mode of this run: "cpython", "universal" or "debug"."""
    return _state(request.config).mode


@pytest.fixture(scope="session")
def hpy_host(request):
    """The host module that loads universal binaries in this run
    (``hpy_rs_universal`` or ``hpy.universal``), imported; None in cpython mode."""
    st = _state(request.config)
    if st.host is None:
        return None
    if st.host.ready(st):
        pytest.fail(st.host.error, pytrace=False)
    return st.host.module


@pytest.fixture(scope="session")
def hpy_ext(request):
    """``hpy_ext(name)`` builds (once) and imports the extension module ``name``."""
    st = _state(request.config)
    return lambda name: _load(st, name)


def _module_fixture(name):
    @pytest.fixture(scope="session", name=name)
    def fixture(hpy_ext):
        return hpy_ext(name)

    fixture.__doc__ = f"The extension module {name!r}, built and imported for this run's mode."
    return fixture


for _name in EXTENSIONS:
    globals()[f"_fixture_{_name}"] = _module_fixture(_name)


# ------------------------------------------------------------- debug mode


class DebugEvidence:
    """Proof, per extension module, that its calls ran on the debug context.

    A module counts as proven if its probe saw its own argument as an open
    debug handle, or if, during one of the tests that used it, the debug
    context closed handles (its queue of closed handles changed). A module
    imported but never proven fails the session: a "debug" run that quietly
    ran in plain universal mode must not pass.
    """

    def __init__(self):
        self.proven = {}  # name -> how
        self.imported = []

    @staticmethod
    def closed_queue_state():
        closed = _host_debug_internals().get_closed_handles()
        return len(closed), (closed[-1].id if closed else None)

    def on_import(self, name, module, probe):
        self.imported.append(name)
        if probe is None:
            return
        seen = probe(module)
        if seen is False:
            raise RuntimeError(
                f"{name} was loaded with HPY=debug, but its function received a "
                "handle that the debug context does not know: the module is not in debug mode")
        if seen:
            self.proven[name] = getattr(probe, "description", probe.__name__)

    def around_test(self, modules):
        before = self.closed_queue_state()

        def after():
            if self.closed_queue_state() != before:
                for name in modules:
                    self.proven.setdefault(name, "its tests made the debug context close handles")

        return after

    def problems(self):
        return [
            f"{name} was imported with HPY=debug, but nothing showed that its calls went "
            "through the debug context"
            for name in self.imported
            if name not in self.proven
        ]


def _describe_handle(handle):
    # Not repr(handle): PyPy 7.3.19 aborts the process formatting a
    # DebugHandle whose object is a str with a lone surrogate.
    obj = handle.obj
    text = ascii(obj)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"handle 0x{handle.id:x} for {type(obj).__name__} {text}"


@pytest.fixture(scope="module")
def only_once(request, hpy_mode):
    """Skips a module's tests but in the CPython --hpy-mode=cpython run: for
    tests of the checkout itself, or of interpreters driven through
    subprocesses, where one run tests everything. The module (which lists
    this fixture in ``pytestmark = pytest.mark.usefixtures("only_once")``)
    says what runs once and why in ``RUNS_ONCE = (what, why)``, and sets
    ``VERSION_INDEPENDENT = True`` when none of its tests depends on the
    CPython version (run-tests then skips it with the other CPythons)."""
    what, why = request.module.RUNS_ONCE
    if sys.implementation.name != "cpython" or hpy_mode != "cpython":
        pytest.skip(f"{what} once, in the CPython --hpy-mode=cpython run ({why})")
    if (getattr(request.module, "VERSION_INDEPENDENT", False)
            and os.environ.get("HPY_RS_SKIP_VERSION_INDEPENDENT") == "1"):
        pytest.skip(VERSION_INDEPENDENT_REASON)


@pytest.fixture(autouse=True)
def _hpy_debug_leak_check(request):
    """In debug mode, a test that leaves an HPy handle open fails."""
    st = _state(request.config)
    if st.mode != "debug":
        yield
        return
    if st.host.ready(st):
        pytest.fail(st.host.error, pytrace=False)
    already = set(st.modules)
    detector = st.host.debug.LeakDetector()
    detector.start()
    after = st.debug_evidence.around_test(
        [n for n in request.fixturenames if n in EXTENSIONS])
    yield
    after()
    for name in set(st.modules) - already:  # imported by the test itself
        st.debug_evidence.proven.setdefault(name, "its tests made the debug context close handles")
    try:
        detector.stop()
        return
    except st.host.debug.HPyLeakError as e:
        leaks = e.leaks
    shown = 10
    lines = [f"{request.node.nodeid} left {len(leaks)} HPy handle(s) open:"]
    lines += ["    " + _describe_handle(h) for h in leaks[:shown]]
    if len(leaks) > shown:
        lines.append(f"    ... and {len(leaks) - shown} more")
    lines.append(f"({st.host.debug.__name__}.set_handle_stack_trace_limit(N) records where "
                 "they were opened)")
    pytest.fail("\n".join(lines), pytrace=False)


# -------------------------------------------------------------- honesty


_STATE = []  # [State] of the running session, for hooks that get no config


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and _STATE:
        _STATE[0].passed += 1


def pytest_sessionfinish(session, exitstatus):
    st = _state(session.config)
    if st.debug_evidence is not None:
        st.problems += st.debug_evidence.problems()
    if st.problems and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif session.exitstatus == 0 and st.passed == 0:
        st.problems.append("no test passed (all skipped or deselected): treated as "
                           "'no tests ran'")
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    st = _state(config)
    for p in st.problems:
        terminalreporter.write_line(f"hpy-rs: FAILED: {p}", red=True, bold=True)
    if st.debug_evidence is not None:
        for name, how in sorted(st.debug_evidence.proven.items()):
            terminalreporter.write_line(f"hpy-rs: {name} ran in debug mode ({how})")
