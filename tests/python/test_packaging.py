"""Shipping extensions: `cargo hpy wheel`, `cargo hpy develop`, `pip install DIR`
through the PEP 517 backend (the shim cargo-hpy/python/hpy_rs_build.py, linked as
pep517/hpy_rs_build.py, whose engine is `cargo hpy pep517`), on fresh
CPython and PyPy virtualenvs, and the error messages users meet on the way.
A new project (`cargo hpy new`) is built and tested in both ABIs, installed
with `pip install .` from nothing but the hpy-rs-build wheel
(scripts/build-backend-wheel, given to pip with --no-index --find-links), and
round-tripped through `cargo hpy sdist` on CPython and PyPy.
Universal wheels load on CPython through hpy-rs's host, the distribution
hpy-rs-universal (crate hpy-universal), whose CPython-ABI wheel is built and
installed here for the running CPython; the loader stub's choice between
hosts is tested with fake hosts.

These tests drive other interpreters through subprocesses, so they run once
per CPython: in its ``--hpy-mode=cpython`` run (the other runs skip them,
saying so). scripts/run-tests runs all of them with CPython 3.11; with
3.12-3.15 (``HPY_RS_SKIP_VERSION_INDEPENDENT=1``) only those whose outcome
depends on the CPython: its CPython-ABI wheels, `cargo hpy develop` and
`pip install` in the CPython ABI, the host's wheel, the loader stub; the
rest (PyPy, universal-only commands, metadata, new projects, and universal
wheels installed with the host, which tests/ship installs from an index on
every CPython) skip, naming the run that had them. The PyPy parts use ``$HPY_RS_PYPY``, else the PyPy that
scripts/setup-pypy installs; without one they skip with that reason.
"""

import atexit
import base64
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

import pytest

from hpyrs_helpers import VERSION_INDEPENDENT_REASON, pypy_path

ROOT = Path(__file__).resolve().parents[2]
POF = ROOT / "examples" / "pof"
POFPACKAGE = ROOT / "examples" / "pofpackage"
PLATFORM_TAG = sysconfig.get_platform().replace("-", "_").replace(".", "_")


def expected_platform_tag(extension: bytes) -> str:
    """The tag cargo-hpy should give a wheel holding this extension: on Linux
    manylinux_2_X for the newest glibc symbol version the file names (found
    here by a plain byte search, not by the ELF walk cargo-hpy does)."""
    if not PLATFORM_TAG.startswith("linux_"):
        return PLATFORM_TAG
    minors = [int(m) for m in re.findall(rb"GLIBC_2\.(\d+)", extension)]
    return "manylinux_2_%d_%s" % (max([17] + minors), PLATFORM_TAG[len("linux_"):])
CP_TAG = "cp%d%d" % sys.version_info[:2]

RUN_POF = """
import pof, sys
assert pof.add_ints(1, 2) == 3, pof.add_ints(1, 2)
assert pof.double("ab") == "abab"
assert pof.__name__ == "pof"
print("pof ok", pof.__file__)
"""

# Prints the module's file and the host that loaded it (none: CPython ABI).
RUN_POFPACKAGE = """
import sys
import pofpackage
import pofpackage.foo
assert pofpackage.foo.hello() == "hello from pofpackage.foo", pofpackage.foo.hello()
assert pofpackage.foo.__name__ == "pofpackage.foo", pofpackage.foo.__name__
assert pofpackage.shout() == "HELLO FROM POFPACKAGE.FOO!"
hosts = [h for h in ("hpy_rs_universal", "hpy.universal") if h in sys.modules]
print("pofpackage ok", pofpackage.foo.__file__, "+".join(hosts) or "none")
"""


RUNS_ONCE = ("packaging tests run", "they test CPython and PyPy through subprocesses")
pytestmark = pytest.mark.usefixtures("only_once")


# ------------------------------------------------------------------ helpers


# A test that does not depend on the CPython running it: scripts/run-tests
# runs it with CPython 3.11 and skips it (before its fixtures are set up)
# with the other CPythons.
version_independent = pytest.mark.skipif(
    os.environ.get("HPY_RS_SKIP_VERSION_INDEPENDENT") == "1", reason=VERSION_INDEPENDENT_REASON)
# A test of what run-tests' ship step (tests/ship) also does on every
# CPython it set up, from a package index: it runs with CPython 3.11 only.
covered_by_ship = pytest.mark.skipif(
    os.environ.get("HPY_RS_SKIP_VERSION_INDEPENDENT") == "1",
    reason="run-tests' ship step installs the universal wheels with the host's wheel from a "
           "package index on this CPython (tests/ship); run-tests ran this test with CPython 3.11")


def clean_env(**extra):
    """The environment for a subprocess: no virtualenv, PYTHONPATH or HPY
    leaking in from the test run."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "HPY", "HPY_LOG",
                        "PIP_REQUIRE_VIRTUALENV", "PYTHONSAFEPATH", "HPY_PYTHON",
                        "PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_INDEX_URL",
                        "PIP_EXTRA_INDEX_URL")
           # Upload credentials (cargo hpy upload reads them) stay out too.
           and not k.startswith(("TWINE_", "HPY_RS_USERNAME", "HPY_RS_PASSWORD",
                                 "HPY_RS_REPOSITORY"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def run(cmd, ok=True, **kwargs):
    kwargs.setdefault("env", clean_env())
    kwargs.setdefault("cwd", "/")
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, **kwargs)
    if ok and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited with {proc.returncode}:\n"
                    f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr[-4000:]}",
                    pytrace=False)
    return proc


@pytest.fixture(scope="module")
def cargo_hpy():
    if os.environ.get("CARGO_HPY"):
        return os.environ["CARGO_HPY"]
    run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=ROOT)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return str((ROOT / target) / "debug" / "cargo-hpy")


@pytest.fixture(scope="module")
def host_wheel(cargo_hpy, tmp_path_factory):
    """hpy-rs-universal's wheel for this CPython (`cargo hpy wheel -p
    hpy-universal`), built in the cargo target directory of this Python's
    CPython-ABI builds ($CARGO_TARGET_DIR, per version under run-tests)."""
    out = tmp_path_factory.mktemp("host-wheel")
    proc = run([cargo_hpy, "hpy", "wheel", "-p", "hpy-universal", "--python", sys.executable,
                "--out", out], cwd=ROOT)
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.parent == out and path.exists(), proc.stdout
    return path


class Wheels:
    """The example wheels, each built on first use: ``wheels[crate, abi]``.
    A universal wheel does not depend on the CPython that builds it (it is
    ``py3-none``), so under scripts/run-tests (``HPY_RS_BUILD_RECORD``) the
    first session's file is copied by the later ones instead of rebuilt."""

    def __init__(self, cargo_hpy, out):
        self.cargo_hpy, self.out, self.built = cargo_hpy, out, {}

    def __getitem__(self, key):
        if key not in self.built:
            self.built[key] = self._reuse(*key) or self._build(*key)
        return self.built[key]

    def _record(self, crate):
        folder = os.environ.get("HPY_RS_BUILD_RECORD")
        return Path(folder) / "universal-wheels" / crate if folder else None

    def _reuse(self, crate, abi):
        record = self._record(crate)
        found = sorted(record.glob("*.whl")) if abi == "universal" and record else []
        if len(found) != 1:
            return None
        (self.out / abi).mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(found[0], self.out / abi))

    def _build(self, crate, abi):
        cmd = [self.cargo_hpy, "hpy", "wheel", "--manifest-path",
               ROOT / "examples" / crate / "Cargo.toml", "--out", self.out / abi]
        cmd += ["--universal"] if abi == "universal" else ["--python", sys.executable]
        proc = run(cmd, cwd=ROOT)
        path = Path(proc.stdout.strip().splitlines()[-1])
        assert path.parent == self.out / abi and path.exists(), proc.stdout
        record = self._record(crate)
        if abi == "universal" and record:
            record.mkdir(parents=True, exist_ok=True)
            tmp = record / (path.name + ".%d" % os.getpid())
            shutil.copy2(path, tmp)
            os.replace(tmp, record / path.name)
        return path


@pytest.fixture(scope="module")
def wheels(cargo_hpy, tmp_path_factory):
    """The wheels of pof and pofpackage: {(crate, abi): path}, built lazily."""
    return Wheels(cargo_hpy, tmp_path_factory.mktemp("wheels"))


# One virtualenv per interpreter, made by `python -m venv` the first time
# make_venv is asked for that interpreter in a test process (see make_venv).
_VENV_TEMPLATES = {}


def _remove_venv_templates():
    for template in _VENV_TEMPLATES.values():
        shutil.rmtree(template.parent, ignore_errors=True)


atexit.register(_remove_venv_templates)


def make_venv(python, where):
    """A new virtualenv of `python` at `where`, with pip, as `python -m venv`
    makes it. The first of each interpreter is made by `python -m venv`
    (about 5 s of processor time, nearly all of it ensurepip installing
    pip); the later ones are copies of that one, symbolic links kept (its
    `python` still links to the same interpreter, and a virtualenv is found
    from its pyvenv.cfg, wherever it is). A copy's own scripts (bin/pip,
    bin/activate) name the first one's path: the tests run `python -m pip`."""
    key = str(python)
    if key not in _VENV_TEMPLATES:
        template = Path(tempfile.mkdtemp(prefix="hpyrs-venv-")) / "venv"
        run([python, "-m", "venv", template])
        _VENV_TEMPLATES[key] = template
    shutil.copytree(_VENV_TEMPLATES[key], where, symlinks=True)
    exe = Path(where) / "bin" / "python"
    assert exe.exists()
    return exe


def site_packages(python):
    return Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                    ).stdout.strip())


def record_paths(wheel):
    with zipfile.ZipFile(wheel) as z:
        record = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
        return [line.split(",")[0] for line in z.read(record).decode().splitlines() if line]


def install_run_uninstall(python, wheel_list, script_per_wheel, env=None):
    """pip install the wheels, run each script, uninstall, and check that
    no file of any wheel is left in site-packages."""
    run([python, "-m", "pip", "install", *wheel_list], env=env or clean_env())
    outputs = [run([python, "-c", script], env=env or clean_env()).stdout
               for script in script_per_wheel]
    names = [Path(w).name.split("-")[0] for w in wheel_list]
    run([python, "-m", "pip", "uninstall", "-y", *names])
    site = site_packages(python)
    left = [p for w in wheel_list for p in record_paths(w) if (site / p).exists()]
    assert not left, f"left behind after pip uninstall: {left}"
    for name in names:
        # pip leaves the empty directory of a namespace package behind (the
        # host's hpy_rs_universal_compat/, whose hpy/ has no __init__.py):
        # no file is left, which is what counts.
        left = [p for p in site.glob(f"{name}*")
                if not (p.is_dir() and not any(q.is_file() for q in p.rglob("*")))]
        assert not left, left
    return outputs


# -------------------------------------------------------------- the wheels


@version_independent
def test_universal_wheel_is_valid(wheels):
    wheel = wheels["pofpackage", "universal"]
    with zipfile.ZipFile(wheel) as z:
        tag = expected_platform_tag(z.read("pofpackage/foo.hpy0.so"))
    assert wheel.name == f"pofpackage-0.1.0-py3-none-{tag}.whl"
    with zipfile.ZipFile(wheel) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert sorted(names) == sorted([
            "pofpackage/__init__.py", "pofpackage/greeting.py",
            "pofpackage/foo.hpy0.so", "pofpackage/foo.py",
            # The type stub, read from the universal binary (no Python).
            "pofpackage/foo.pyi", "pofpackage/py.typed",
            "pofpackage-0.1.0.dist-info/METADATA", "pofpackage-0.1.0.dist-info/WHEEL",
            "pofpackage-0.1.0.dist-info/RECORD", "pofpackage-0.1.0.dist-info/entry_points.txt",
        ])
        info = "pofpackage-0.1.0.dist-info/"
        wheel_file = z.read(info + "WHEEL").decode()
        assert "Root-Is-Purelib: false\n" in wheel_file
        assert f"Tag: py3-none-{tag}\n" in wheel_file
        metadata = z.read(info + "METADATA").decode()
        assert metadata.startswith("Metadata-Version: 2.4\nName: pofpackage\nVersion: 0.1.0\n")
        assert ('Requires-Dist: hpy-rs-universal>=0.1; '
                'platform_python_implementation == "CPython"\n' in metadata)
        # The host, and the extra's pytest.
        assert metadata.count("Requires-Dist") == 2
        record = z.read(info + "RECORD").decode().splitlines()
        assert len(record) == len(names)
        for line in record:
            path, digest, size = line.split(",")
            if path == info + "RECORD":
                assert (digest, size) == ("", "")
                continue
            data = z.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode(), path
            assert int(size) == len(data), path
        # Compressed (deflate): the extension to well under its size.
        for info_entry in z.infolist():
            assert info_entry.compress_type == zipfile.ZIP_DEFLATED, info_entry.filename
        binary = z.getinfo("pofpackage/foo.hpy0.so")
        assert binary.compress_size < binary.file_size // 2, binary


def test_host_wheel_is_a_cpython_extension_wheel(host_wheel):
    extension = "hpy_rs_universal" + sysconfig.get_config_var("EXT_SUFFIX")
    with zipfile.ZipFile(host_wheel) as z:
        tag = expected_platform_tag(z.read(extension))
        assert host_wheel.name == f"hpy_rs_universal-0.1.0-{CP_TAG}-{CP_TAG}-{tag}.whl"
        info = "hpy_rs_universal-0.1.0.dist-info/"
        # The extension, the dist-info, and the Python sources of the crate's
        # python/ directory (the compatibility `hpy` modules, found through
        # the .pth only when no real `hpy` is installed), each once.
        python_dir = ROOT / "hpy-universal" / "python"
        sources = [p.relative_to(python_dir).as_posix() for p in python_dir.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts]
        assert "hpy_rs_universal_compat/hpy/universal.py" in sources
        # Its type stubs (from hpy_module!), beside the module and as the
        # stub-only package mypy finds for a top-level module.
        stubs = ["hpy_rs_universal.pyi", "hpy_rs_universal-stubs/__init__.pyi"]
        assert sorted(z.namelist()) == sorted(
            [extension, info + "METADATA", info + "WHEEL", info + "RECORD", *sources, *stubs])
        metadata = z.read(info + "METADATA").decode()
    assert metadata.startswith("Metadata-Version: 2.4\nName: hpy-rs-universal\nVersion: 0.1.0\n")
    assert "Requires-Python: >=3.11\n" in metadata
    assert "Requires-Dist" not in metadata


def test_cpython_wheel_is_tagged_for_this_python(wheels):
    wheel = wheels["pofpackage", "cpython"]
    extension = "pofpackage/foo" + sysconfig.get_config_var("EXT_SUFFIX")
    with zipfile.ZipFile(wheel) as z:
        tag = expected_platform_tag(z.read(extension))
    assert wheel.name == f"pofpackage-0.1.0-{CP_TAG}-{CP_TAG}-{tag}.whl"
    with zipfile.ZipFile(wheel) as z:
        assert extension in z.namelist()
        assert "pofpackage/foo.py" not in z.namelist()
        stub = z.read("pofpackage/foo.pyi").decode()
        assert stub.startswith("# Written by cargo-hpy"), stub
        assert "\ndef hello() -> str:" in stub, stub
        assert z.read("pofpackage/py.typed") == b""
        metadata = z.read("pofpackage-0.1.0.dist-info/METADATA").decode()
        # No host: only the `test` extra's requirement.
        assert [line for line in metadata.splitlines() if line.startswith("Requires-Dist")] \
            == ['Requires-Dist: pytest; extra == "test"']


@pytest.fixture(scope="module")
def cpython_venv(tmp_path_factory):
    return make_venv(sys.executable, tmp_path_factory.mktemp("cpython") / "venv")


@pytest.fixture(scope="module")
def pypy_venv(tmp_path_factory):
    pypy = pypy_path()
    if pypy is None:
        pytest.skip("no PyPy with HPy (or HPY_RS_NO_PYPY=1): set HPY_RS_PYPY=/path/to/pypy3 "
                    "(PyPy 7.3.19+ with HPy 0.9) or run scripts/setup-pypy")
    return make_venv(pypy, tmp_path_factory.mktemp("pypy") / "venv")


@covered_by_ship
def test_universal_wheels_on_fresh_cpython(wheels, host_wheel, cpython_venv):
    # One pip command: the universal wheels require hpy-rs-universal on
    # CPython, which pip takes from the host's wheel given with them.
    out = install_run_uninstall(
        cpython_venv,
        [wheels["pof", "universal"], wheels["pofpackage", "universal"], host_wheel],
        [RUN_POF, RUN_POFPACKAGE, "import hpy_rs_universal as h; print(h.__file__)"])
    assert "pof.hpy0.so" in out[0]
    assert out[1].strip().endswith("foo.hpy0.so hpy_rs_universal")
    assert Path(out[2].strip()).parent == site_packages(cpython_venv)
    assert not list(site_packages(cpython_venv).glob("hpy")), "the hpy package got installed"


@version_independent
def test_universal_wheelhouse_with_the_host(cargo_hpy, host_wheel, wheels, tmp_path):
    # `--universal --with-host`: the universal wheel and hpy-rs-universal's
    # wheel for this CPython in one directory, so that pip finds both.
    out = tmp_path / "wheelhouse"
    run([cargo_hpy, "hpy", "wheel", "--universal", "--with-host", "-i", sys.executable,
         "--manifest-path", POF / "Cargo.toml", "--out", out], cwd=ROOT)
    names = sorted(p.name for p in out.iterdir())
    assert [n.split("-")[0] for n in names] == ["hpy_rs_universal", "pof"], names
    assert f"-{CP_TAG}-{CP_TAG}-" in names[0] and "-py3-none-" in names[1], names
    venv = make_venv(sys.executable, tmp_path / "venv")
    run([venv, "-m", "pip", "install", "--no-index", "--find-links", out, "pof"])
    proc = run([venv, "-c", RUN_POF + "print(sorted(m for m in sys.modules if 'hpy' in m))"])
    assert "pof ok" in proc.stdout and "hpy_rs_universal" in proc.stdout, proc.stdout
    assert proc.stdout.split("pof ok ")[1].split()[0].endswith("pof.hpy0.so"), proc.stdout


@version_independent
def test_universal_wheels_on_fresh_pypy(wheels, pypy_venv):
    out = install_run_uninstall(
        pypy_venv, [wheels["pof", "universal"], wheels["pofpackage", "universal"]],
        [RUN_POF, RUN_POFPACKAGE])
    assert "pof.hpy0.so" in out[0]
    assert out[1].strip().endswith("foo.hpy0.so hpy.universal")
    # The marker kept pip from installing a host: PyPy has its own.
    site = site_packages(pypy_venv)
    assert not (site / "hpy").exists() and not list(site.glob("hpy_rs_universal*"))


@version_independent
def test_universal_wheel_in_debug_mode(wheels, host_wheel, cpython_venv):
    script = ("from hpy_rs_universal import _debug\n"
              "from hpy_rs_universal.debug import LeakDetector\n"
              "with LeakDetector():\n"
              "    import pof\n"
              "    closed = len(_debug.get_closed_handles())\n"
              "    assert pof.add_ints(20, 22) == 42\n"
              "    assert len(_debug.get_closed_handles()) > closed, 'not in debug mode'\n"
              "print('debug ok')\n")
    run([cpython_venv, "-m", "pip", "install", wheels["pof", "universal"], host_wheel])
    try:
        out = run([cpython_venv, "-c", script], env=clean_env(HPY="debug")).stdout
        assert "debug ok" in out
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "pof", "hpy-rs-universal"])


def test_cpython_wheel_on_fresh_cpython(wheels, cpython_venv):
    out = install_run_uninstall(cpython_venv, [wheels["pofpackage", "cpython"]],
                                [RUN_POFPACKAGE])
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    assert out[0].strip().endswith(f"foo{suffix} none")


# ----------------------------------------------------------- error messages


@version_independent
def test_cpython_wheel_refused_by_pypy(wheels, pypy_venv):
    proc = run([pypy_venv, "-m", "pip", "install", wheels["pofpackage", "cpython"]], ok=False)
    assert proc.returncode != 0
    assert "is not a supported wheel on this platform" in proc.stderr


@version_independent
def test_a_top_level_modules_wheel_carries_its_stub_twice(wheels):
    # pof.pyi next to the module (editors, pyright), and the stub-only
    # package pof-stubs (PEP 561), which is where mypy reads an installed
    # single-file module's stub.
    with zipfile.ZipFile(wheels["pof", "universal"]) as z:
        stub = z.read("pof.pyi")
        assert z.read("pof-stubs/__init__.pyi") == stub
        assert "py.typed" not in "".join(z.namelist())
    assert stub.startswith(b"# Written by cargo-hpy"), stub
    assert b"\nclass Point:" in stub, stub


def test_universal_module_without_a_host(wheels, tmp_path):
    with zipfile.ZipFile(wheels["pof", "universal"]) as z:
        z.extractall(tmp_path)
    script = "import sys; sys.modules['hpy'] = sys.modules['hpy_rs_universal'] = None; import pof"
    proc = run([sys.executable, "-c", script], ok=False,
               env=clean_env(PYTHONPATH=str(tmp_path)))
    assert proc.returncode == 1
    # One error line, no chained traceback of the failed host imports.
    assert proc.stderr.strip().splitlines()[-1] == (
        "ImportError: module pof is an HPy universal binary; on CPython it needs an HPy "
        "host: pip install hpy-rs-universal (hpy-rs's host, one wheel for CPython "
        "3.11-3.15; from a checkout: cargo hpy develop --release -p hpy-universal)")
    assert proc.stderr.count("Traceback") == 1, proc.stderr


# A host module with the API the stub uses; LOAD is the body of load().
FAKE_HOST = """
MODE_UNIVERSAL, MODE_DEBUG, MODE_TRACE = 0, 1, 2
def get_version():
    return ({version!r}, "fake")
def load(name, path, spec, mode=0):
{load}
"""
LOAD_RECORDS = """\
    import types
    module = types.ModuleType(spec.name)
    module.loaded_by, module.mode = __name__, mode
    return module"""
LOAD_FAILS = """\
    raise RuntimeError("HPy extension module %r: ABI version mismatch" % name)"""


def fake_hosts(where, hosts, version="0.9.0", load=LOAD_RECORDS):
    """Writes fake hosts under ``where``: "hpy_rs_universal" and/or
    "hpy.universal"; returns ``where``. Real hosts installed for this
    Python stay out of reach: the fakes come first on PYTHONPATH, and
    import_pof blocks a host that has no fake."""
    where.mkdir(parents=True, exist_ok=True)
    text = FAKE_HOST.format(version=version, load=load)
    if "hpy_rs_universal" in hosts:
        (where / "hpy_rs_universal.py").write_text(text)
    if "hpy.universal" in hosts:
        (where / "hpy").mkdir(exist_ok=True)
        (where / "hpy" / "__init__.py").write_text("")
        (where / "hpy" / "universal.py").write_text(text)
    return where


@pytest.fixture(scope="module")
def pof_site(wheels, tmp_path_factory):
    """The universal pof wheel unpacked: the stub and the binary."""
    site = tmp_path_factory.mktemp("pof-site")
    with zipfile.ZipFile(wheels["pof", "universal"]) as z:
        z.extractall(site)
    return site


def import_pof(fakes, pof_site, env=None, script="import pof; print(pof.loaded_by, pof.mode)"):
    block = ["hpy_rs_universal"] if not (fakes / "hpy_rs_universal.py").exists() else []
    block += ["hpy"] if not (fakes / "hpy").exists() else []
    prelude = "import sys\n" + "".join(f"sys.modules[{b!r}] = None\n" for b in block)
    return run([sys.executable, "-c", prelude + script], ok=False,
               env=clean_env(PYTHONPATH=f"{fakes}:{pof_site}", **(env or {})))


@pytest.mark.parametrize("hosts, used", [
    (["hpy_rs_universal", "hpy.universal"], "hpy_rs_universal"),
    (["hpy_rs_universal"], "hpy_rs_universal"),
    (["hpy.universal"], "hpy.universal"),
])
def test_stub_prefers_hpy_rs_universal(pof_site, tmp_path, hosts, used):
    proc = import_pof(fake_hosts(tmp_path, hosts), pof_site)
    assert proc.stdout.split() == [used, "0"], proc.stderr


@pytest.mark.parametrize("host", ["hpy_rs_universal", "hpy.universal"])
@pytest.mark.parametrize("setting, mode", [
    # As stock hpy reads HPY (tests/python/test_hpy_mode.py compares them).
    ("debug", 1), ("trace", 2), ("universal", 0), ("", 1), ("deb", 1), ("U", 0),
    ("pof:debug", 1), ("other:trace,pof:Debug", 1), ("pof:", 1),
])
def test_stub_passes_the_hpy_mode_to_either_host(pof_site, tmp_path, host, setting, mode):
    proc = import_pof(fake_hosts(tmp_path, [host]), pof_site, env={"HPY": setting})
    assert proc.stdout.split() == [host, str(mode)], proc.stderr


def test_stub_does_not_hide_a_broken_hpy_rs_universal(pof_site, tmp_path):
    # Installed but failing to import (here: a missing dependency of its
    # own) is reported, not skipped for hpy.universal.
    fakes = fake_hosts(tmp_path, ["hpy.universal"])
    (fakes / "hpy_rs_universal.py").write_text("import no_such_dependency\n")
    proc = import_pof(fakes, pof_site)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: No module named 'no_such_dependency'"), proc.stderr


def test_stub_passes_on_the_modules_own_exceptions(pof_site, tmp_path):
    # An exception from the module's exec is the module's: unchanged, no
    # advice to rebuild.
    load = "    raise RuntimeError('pof: exec failed')"
    proc = import_pof(fake_hosts(tmp_path, ["hpy_rs_universal"], load=load), pof_site)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == "RuntimeError: pof: exec failed"
    assert "rebuild" not in proc.stderr


@pytest.mark.parametrize("version, message", [
    ("0.8.0", "ImportError: module pof needs HPy 0.9 or newer, but this interpreter's "
              "hpy.universal is version 0.8.0: pip install hpy-rs-universal (hpy-rs's host; "
              "from a checkout: cargo hpy develop --release -p hpy-universal) or pip install "
              "'hpy>=0.9'"),
    ("0.9.0", "ImportError: could not load the HPy universal module pof from "),
])
def test_hpy_version_mismatch(pof_site, tmp_path, version, message):
    fakes = fake_hosts(tmp_path, ["hpy.universal"], version=version, load=LOAD_FAILS)
    proc = import_pof(fakes, pof_site, script="import pof")
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr
    if version == "0.9.0":
        assert "with hpy.universal 0.9.0: HPy extension module 'pof': ABI version mismatch" \
            in proc.stderr
        assert "rebuild it with `cargo hpy build --universal`" in proc.stderr


def test_backend_without_rust(tmp_path):
    path = os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin")
                           if not (Path(p) / "cargo").exists())
    env = clean_env(PATH=path, PYTHONPATH=str(POFPACKAGE / "build-backend"))
    env.pop("CARGO", None)
    env.pop("CARGO_HPY", None)
    script = f"import hpy_rs_build; hpy_rs_build.build_wheel({str(tmp_path)!r})"
    proc = run([sys.executable, "-c", script], ok=False, cwd=POFPACKAGE, env=env)
    assert proc.returncode != 0
    assert "hpy_rs_build: cargo not found" in proc.stderr, proc.stderr
    assert "Install Rust from https://rustup.rs" in proc.stderr


def test_backend_rejects_unknown_abi():
    env = clean_env(PYTHONPATH=str(POFPACKAGE / "build-backend"))
    script = "import hpy_rs_build; hpy_rs_build.build_wheel('.', {'hpy-abi': 'abi3'})"
    proc = run([sys.executable, "-c", script], ok=False, cwd=POFPACKAGE, env=env)
    assert "config setting hpy-abi='abi3' is not one of auto, universal, cpython" in proc.stderr


@pytest.mark.parametrize("tool, settings, expected", [
    ("", {}, ["--cpython", "--python", "PY", "--profile", "release"]),
    ('abi = "universal"\nprofile = "fast"\n', {},
     ["--universal"]),  # cargo-hpy applies the profile itself
    ('abi = "universal"\n', {"hpy-abi": "cpython", "hpy-profile": "debug"},
     ["--cpython", "--python", "PY", "--profile", "dev"]),
    ("", {"hpy-features": ["a,b", "c"], "build-args": "--locked -F 'x y'"},
     ["--cpython", "--python", "PY", "--profile", "release", "--features", "a,b",
      "--features", "c", "--locked", "-F", "x y"]),
    ("", {"hpy-featurs": "a", "zz": "1"},
     "error: hpy_rs_build: unknown config settings 'hpy-featurs', 'zz' (known: hpy-abi, "
     "hpy-profile, hpy-features, build-args)"),
])
def test_backend_settings(cargo_hpy, tmp_path, tool, settings, expected):
    # pip's -C settings and [tool.hpy-rs] become cargo hpy wheel's options
    # (decided by `cargo hpy pep517`, the backend's engine, which prints
    # them with its wheel-arguments hook); an unknown setting is refused by
    # name.
    import json
    (tmp_path / "Cargo.toml").write_text("[package]\nname = 'x'\n")
    (tmp_path / "pyproject.toml").write_text("[tool.hpy-rs]\n" + tool)
    proc = run([cargo_hpy, "hpy", "pep517", "wheel-arguments", "--python", sys.executable,
                "--config-settings", json.dumps(settings)], cwd=tmp_path, ok=False)
    if isinstance(expected, str):
        assert proc.returncode == 1
        assert "cargo-hpy: " + expected in proc.stderr, proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        arguments = json.loads(proc.stdout)
        assert arguments[:3] == ["wheel", "--manifest-path", str(tmp_path / "Cargo.toml")]
        assert arguments[3:] == [sys.executable if a == "PY" else a for a in expected]


# ------------------------------------------------------ develop, pip install .


@pytest.fixture(scope="module")
def host_venv(cargo_hpy, tmp_path_factory):
    """A fresh CPython virtualenv into which `cargo hpy develop -p
    hpy-universal` installed hpy-rs's host (the way a developer of this
    repository gets it), without --python: the active virtualenv."""
    venv = make_venv(sys.executable, tmp_path_factory.mktemp("host") / "venv")
    run([cargo_hpy, "hpy", "develop", "-p", "hpy-universal"], cwd=ROOT,
        env=clean_env(VIRTUAL_ENV=str(venv.parent.parent)))
    return venv


def test_cargo_hpy_develop_installs_the_host(host_venv):
    script = ("import hpy_rs_universal as h, importlib.metadata as md\n"
              "print(h.__file__, md.version('hpy-rs-universal'), h.get_version()[0])\n")
    file, version, hpy_version = run([host_venv, "-c", script]).stdout.split()
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    assert Path(file) == site_packages(host_venv) / f"hpy_rs_universal{suffix}"
    assert (version, hpy_version) == ("0.1.0", "0.9.0")


@pytest.mark.parametrize("abi", [pytest.param("universal", marks=version_independent),
                                 "cpython"])
def test_cargo_hpy_develop(cargo_hpy, cpython_venv, host_venv, abi):
    venv = host_venv if abi == "universal" else cpython_venv
    cmd = [cargo_hpy, "hpy", "develop", "--manifest-path", POFPACKAGE / "Cargo.toml"]
    if abi == "universal":
        cmd.append("--universal")
    # Without --python: the active virtualenv is the target.
    proc = run(cmd, cwd=ROOT, env=clean_env(VIRTUAL_ENV=str(venv.parent.parent)))
    assert "could not install its dependencies" not in proc.stderr, proc.stderr  # the host did
    try:
        out = run([venv, "-c", RUN_POFPACKAGE]).stdout
        ending = ("foo.hpy0.so hpy_rs_universal" if abi == "universal"
                  else "foo%s none" % sysconfig.get_config_var("EXT_SUFFIX"))
        assert out.strip().endswith(ending), out
    finally:
        run([venv, "-m", "pip", "uninstall", "-y", "pofpackage"])


@version_independent
def test_cargo_hpy_develop_universal_without_the_host(cargo_hpy, cpython_venv):
    # The dependency hpy-rs-universal is not on the package index: pip
    # installs the module without it, cargo-hpy says how to get the host, and
    # importing the module says what to install.
    proc = run([cargo_hpy, "hpy", "develop", "--universal", "--python", cpython_venv,
                "--manifest-path", POF / "Cargo.toml"], cwd=ROOT)
    try:
        imported = run([cpython_venv, "-c", "import pof"], ok=False)
        if imported.returncode == 0:
            pytest.skip("the package index has a hpy-rs-universal, and pip installed it")
        assert ("a universal module on CPython needs hpy-rs-universal: build and install it "
                "from hpy-rs with `cargo hpy develop --release -p hpy-universal --python "
                f"{cpython_venv}`") in proc.stderr, proc.stderr
        assert imported.stderr.strip().splitlines()[-1].startswith(
            "ImportError: module pof is an HPy universal binary; on CPython it needs an HPy "
            "host: pip install hpy-rs-universal"), imported.stderr
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "pof"])


@version_independent
def test_cargo_hpy_develop_pypy(cargo_hpy, pypy_venv):
    run([cargo_hpy, "hpy", "develop", "--universal", "--python", pypy_venv,
         "--manifest-path", POF / "Cargo.toml"], cwd=ROOT)
    try:
        assert "pof ok" in run([pypy_venv, "-c", RUN_POF]).stdout
    finally:
        run([pypy_venv, "-m", "pip", "uninstall", "-y", "pof"])


@version_independent
def test_cargo_hpy_develop_refuses_cpython_abi_for_pypy(cargo_hpy, pypy_venv):
    proc = run([cargo_hpy, "hpy", "develop", "--python", pypy_venv,
                "--manifest-path", POF / "Cargo.toml"], cwd=ROOT, ok=False)
    assert proc.returncode == 1
    assert "is pypy, not CPython: a CPython-ABI module only loads into the CPython" in proc.stderr


@version_independent
def test_cargo_hpy_develop_of_the_host_for_pypy_says_none_is_needed(cargo_hpy, pypy_venv):
    proc = run([cargo_hpy, "hpy", "develop", "-p", "hpy-universal", "--python", pypy_venv],
               cwd=ROOT, ok=False)
    assert proc.returncode == 1
    assert "is pypy, which needs no host" in proc.stderr, proc.stderr
    assert f"cargo hpy develop --universal --python {pypy_venv}" in proc.stderr, proc.stderr


def test_cargo_hpy_develop_needs_an_environment(cargo_hpy):
    proc = run([cargo_hpy, "hpy", "develop", "--manifest-path", POF / "Cargo.toml"],
               cwd=ROOT, ok=False)
    assert proc.returncode == 1
    assert "no virtualenv is active (VIRTUAL_ENV is not set)" in proc.stderr


@pytest.mark.parametrize("abi", [pytest.param("universal", marks=version_independent),
                                 "cpython"])
def test_pip_install_through_the_backend(cargo_hpy, cpython_venv, host_venv, abi):
    # The universal wheel's dependency on hpy-rs-universal is met by the host
    # installed in host_venv.
    venv = host_venv if abi == "universal" else cpython_venv
    run([venv, "-m", "pip", "install", POFPACKAGE,
         "-C", f"hpy-abi={abi}", "-C", "hpy-profile=debug"],
        env=clean_env(CARGO_HPY=cargo_hpy))
    try:
        out = run([venv, "-c", RUN_POFPACKAGE]).stdout
        assert out.strip().endswith("foo.hpy0.so hpy_rs_universal" if abi == "universal"
                                    else "foo%s none" % sysconfig.get_config_var("EXT_SUFFIX"))
    finally:
        run([venv, "-m", "pip", "uninstall", "-y", "pofpackage"])


def test_every_interpreter_is_checked_before_building(cargo_hpy, tmp_path):
    # The second interpreter does not exist: nothing is built, and the
    # message names it. A version finds python3.X on PATH (the running
    # interpreter's directory first: 3.12+ are not on the machine's PATH).
    env = clean_env()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    proc = run([cargo_hpy, "hpy", "wheel", "--manifest-path", POF / "Cargo.toml", "--out",
                tmp_path, "-i", "%d.%d" % sys.version_info[:2], "-i", "/nonexistent/python3"],
               ok=False, cwd=ROOT, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "could not run the Python interpreter `/nonexistent/python3`" in proc.stderr
    assert "Compiling" not in proc.stderr and not list(tmp_path.iterdir())
    proc = run([cargo_hpy, "hpy", "build", "--universal", "--python", sys.executable,
                "--manifest-path", POF / "Cargo.toml"], ok=False, cwd=ROOT)
    assert "builds one binary without Python" in proc.stderr, proc.stderr


@version_independent
def test_a_cross_build_is_checked_before_cargo_runs(cargo_hpy, tmp_path):
    # This machine's Python cannot name a CPython-ABI module for another
    # architecture, and musl has no manylinux tag: both refused, saying why,
    # before anything is compiled (no cross tools needed to get there).
    other = "x86_64" if platform.machine() == "aarch64" else "aarch64"
    triple = f"{other}-unknown-linux-gnu"
    proc = run([cargo_hpy, "hpy", "build", "--python", sys.executable, "--target", triple,
                "--manifest-path", POF / "Cargo.toml", "--out", tmp_path], ok=False, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert f"is a Python for {platform.machine()}, but the build is for {triple}" in proc.stderr
    assert "Compiling" not in proc.stderr and not list(tmp_path.iterdir())
    proc = run([cargo_hpy, "hpy", "wheel", "--universal", "--target", "x86_64-unknown-linux-musl",
                "--manifest-path", POF / "Cargo.toml", "--out", tmp_path], ok=False, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert "has no musllinux tags" in proc.stderr
    assert "Compiling" not in proc.stderr and not list(tmp_path.iterdir())


@version_independent
def test_one_wheel_per_interpreter(cargo_hpy, tmp_path):
    # `cargo hpy wheel -i A -i B`: one CPython-ABI wheel for each, tagged
    # for it, in one command. Run once (with 3.11 and the first other
    # CPython set up by scripts/ensure-venvs): it tests cargo-hpy's loop
    # over interpreters, not the second one.
    versions = ["3.14", "3.13", "3.12", "3.15"] if sys.version_info[:2] == (3, 11) else ["3.11"]
    candidates = [ROOT / (".venv" if v == "3.11" else ".venv-" + v) / "bin" / "python"
                  for v in versions]
    other = next((c for c in candidates if c.exists()), None)
    if other is None:
        pytest.skip("needs a second CPython version: none of "
                    f"{', '.join(str(c) for c in candidates)} exists (scripts/ensure-venvs)")
    other_tag = run([other, "-c", "import sys; print('cp%d%d' % sys.version_info[:2])"]
                    ).stdout.strip()
    proc = run([cargo_hpy, "hpy", "wheel", "--manifest-path", POF / "Cargo.toml",
                "--out", tmp_path, "-i", sys.executable, "--python", other,
                "--target-dir", tmp_path / "target"], cwd=ROOT)
    paths = [Path(p) for p in proc.stdout.split()]
    assert [p.name.split("-")[2] for p in paths] == [CP_TAG, other_tag], proc.stdout
    assert all(p.exists() and p.parent == tmp_path for p in paths)


# ------------------------------------- cargo hpy new, the backend wheel, sdist

# Runs every test_* function of a test file without pytest (the fresh
# virtualenvs have no pytest); prints how many ran.
RUN_TESTS = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("generated_tests", sys.argv[1])
tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)
ran = [name for name, f in sorted(vars(tests).items()) if name.startswith("test_") and not f()]
print("passed", len(ran))
"""


def shared_target_dir():
    """The repository's cargo target directory: a generated project is its
    own workspace, but builds against the same hpy crates there."""
    return Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")


@pytest.fixture(scope="module")
def new_project(cargo_hpy, tmp_path_factory):
    """`cargo hpy new demo-ext --class`, plus a feature `shout` for the
    pass-through test."""
    where = tmp_path_factory.mktemp("new") / "demo-ext"
    proc = run([cargo_hpy, "hpy", "new", where, "--class"])
    assert "created `demo-ext` (module `demo_ext`, with a class)" in proc.stderr
    names = sorted(str(p.relative_to(where)) for p in where.rglob("*") if p.is_file())
    assert names == [".gitignore", "Cargo.toml", "README.md", "pyproject.toml",
                     "src/lib.rs", "tests/test_module.py"]
    manifest = where / "Cargo.toml"
    text = manifest.read_text()
    assert '\n[features]\n' in text and 'universal = ["hpy/universal"]' in text
    manifest.write_text(text.replace('\n[features]\n', '\n[features]\nshout = []\n'))
    lib = where / "src" / "lib.rs"
    text = lib.read_text()
    assert 'format!("Hello, {name}!")' in text
    lib.write_text(text.replace('format!("Hello, {name}!")',
                                'if cfg!(feature = "shout") { format!("HELLO, {name}!") } '
                                'else { format!("Hello, {name}!") }'))
    return where


def test_cargo_hpy_new_refuses_an_existing_directory(cargo_hpy, new_project):
    proc = run([cargo_hpy, "hpy", "new", new_project], ok=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"cargo-hpy: error: destination `{new_project}` already exists"


@pytest.fixture(scope="module")
def new_project_build(cargo_hpy, new_project, tmp_path_factory):
    """Builds the project with `cargo hpy build` for an ABI (once each);
    returns the output directory."""
    out = tmp_path_factory.mktemp("new-out")
    built = {}

    def build(abi):
        if abi not in built:
            cmd = [cargo_hpy, "hpy", "build", "--manifest-path", new_project / "Cargo.toml",
                   "--target-dir", shared_target_dir(), "--out", out / abi]
            cmd += ["--universal"] if abi == "universal" else ["--python", sys.executable]
            run(cmd)
            built[abi] = out / abi
        return built[abi]
    return build


def test_new_project_passes_its_test_in_the_cpython_abi(new_project, new_project_build):
    proc = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                new_project / "tests"],
               env=clean_env(PYTHONPATH=str(new_project_build("cpython"))))
    assert "3 passed" in proc.stdout, proc.stdout


@version_independent
def test_new_project_passes_its_test_in_the_universal_abi(new_project, new_project_build,
                                                         host_venv):
    # On CPython through hpy-rs's host, installed in host_venv.
    proc = run([host_venv, "-c", RUN_TESTS, new_project / "tests" / "test_module.py"],
               env=clean_env(PYTHONPATH=str(new_project_build("universal"))))
    assert proc.stdout.split() == ["passed", "3"], proc.stdout


@version_independent
def test_new_project_passes_its_test_on_pypy(new_project, new_project_build):
    pypy = pypy_path()
    if pypy is None:
        pytest.skip("no PyPy with HPy (or HPY_RS_NO_PYPY=1): set HPY_RS_PYPY or run "
                    "scripts/setup-pypy")
    proc = run([pypy, "-c", RUN_TESTS, new_project / "tests" / "test_module.py"],
               env=clean_env(PYTHONPATH=str(new_project_build("universal"))))
    assert proc.stdout.split() == ["passed", "3"], proc.stdout


@version_independent
def test_features_pass_through_to_cargo(cargo_hpy, new_project, new_project_build, tmp_path):
    # Without the feature greet() is polite; `-F shout` (cargo's spelling,
    # passed on) changes it, and `-v` reaches cargo too (it lists rustc runs).
    check = "import demo_ext; print(demo_ext.greet('you'))"
    without = run([sys.executable, "-c", check],
                  env=clean_env(PYTHONPATH=str(new_project_build("cpython"))))
    assert without.stdout.strip() == "Hello, you!"
    proc = run([cargo_hpy, "hpy", "build", "--manifest-path", new_project / "Cargo.toml",
                "--target-dir", shared_target_dir(), "--out", tmp_path,
                "--python", sys.executable, "-F", "shout", "-v"])
    assert "Fresh hpy" in proc.stderr or "Running `" in proc.stderr, proc.stderr[-2000:]
    with_feature = run([sys.executable, "-c", check], env=clean_env(PYTHONPATH=str(tmp_path)))
    assert with_feature.stdout.strip() == "HELLO, you!"


def test_cargo_errors_are_one_message(cargo_hpy, new_project):
    proc = run([cargo_hpy, "hpy", "build", "--manifest-path", new_project / "Cargo.toml",
                "--python", sys.executable, "-F", "no-such-feature"], ok=False)
    assert proc.returncode == 101
    assert "no-such-feature" in proc.stderr
    assert "panicked" not in proc.stderr and "RUST_BACKTRACE" not in proc.stderr


@version_independent
def test_several_packages_refuse_a_table_with_build_options(cargo_hpy, tmp_path):
    # `cargo hpy build -p A -p B` builds the packages in one cargo command,
    # with one set of build options: a [tool.hpy-rs] table that sets one
    # (here features) is refused before anything is built, naming its file;
    # tables that set only what stays each package's own (the module name)
    # are not. (The packages are no extensions: the refusal comes before
    # cargo is asked to build them.)
    ws = tmp_path / "ws"
    tables = {"a": 'features = ["x"]', "b": 'module = "bee"', "c": 'module = "sea"'}
    for name, table in tables.items():
        (ws / name / "src").mkdir(parents=True)
        (ws / name / "src" / "lib.rs").write_text("")
        (ws / name / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n'
            '[features]\nx = []\n')
        (ws / name / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "0.1.0"\n\n[tool.hpy-rs]\n{table}\n')
    (ws / "Cargo.toml").write_text('[workspace]\nmembers = ["a", "b", "c"]\nresolver = "2"\n')

    def build(*packages):
        selection = [arg for p in packages for arg in ("-p", p)]
        return run([cargo_hpy, "hpy", "build", "--manifest-path", ws / "Cargo.toml",
                    *selection, "--python", sys.executable, "--out", tmp_path / "out",
                    "--target-dir", tmp_path / "target"], ok=False)

    refused = build("a", "b")
    assert refused.returncode != 0
    assert f"[tool.hpy-rs] of {ws / 'a' / 'pyproject.toml'} sets build options" \
        in refused.stderr, refused.stderr
    assert "b/pyproject.toml" not in refused.stderr, refused.stderr
    assert not (tmp_path / "target").exists(), "cargo was run before the refusal"
    # b and c pass that check (and then fail as what they are: packages
    # with no hpy module in them).
    other = build("b", "c")
    assert "sets build options" not in other.stderr, other.stderr
    assert "has no cdylib target" in other.stderr, other.stderr


@version_independent
def test_a_handle_kept_in_a_thread_local_gets_advice(cargo_hpy, new_project, tmp_path):
    # rustc's own error for this mistake (E0521, "must outlive 'static")
    # cannot be reworded from the library; cargo hpy adds what to write.
    project = tmp_path / "demo-ext"
    shutil.copytree(new_project, project, ignore=shutil.ignore_patterns("target"))
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text() + """
thread_local! {
    static KEPT: std::cell::RefCell<Option<hpy::Handle<'static>>> =
        const { std::cell::RefCell::new(None) };
}

pub fn keep<'ctx>(x: &hpy::Handle<'ctx>) {
    KEPT.with(|slot| *slot.borrow_mut() = Some(x.dup()));
}
""")
    proc = run([cargo_hpy, "hpy", "build", "--manifest-path", project / "Cargo.toml",
                "--target-dir", shared_target_dir(), "--out", tmp_path / "out",
                "--python", sys.executable], ok=False)
    assert proc.returncode == 101, proc.stderr[-3000:]
    assert "error[E0521]" in proc.stderr, proc.stderr[-3000:]
    advice = proc.stderr[proc.stderr.index("error[E0521]"):]
    assert "hpy-rs: " in advice and "`hpy::Global`" in advice, proc.stderr[-3000:]


def test_build_copies_the_python_source(cargo_hpy, tmp_path):
    run([cargo_hpy, "hpy", "build", "--manifest-path", POFPACKAGE / "Cargo.toml",
         "--python", sys.executable, "--out", tmp_path], cwd=ROOT)
    proc = run([sys.executable, "-c", RUN_POFPACKAGE], env=clean_env(PYTHONPATH=str(tmp_path)))
    assert "pofpackage ok" in proc.stdout
    assert (tmp_path / "pofpackage" / "__init__.py").read_bytes() == \
        (POFPACKAGE / "python" / "pofpackage" / "__init__.py").read_bytes()


@pytest.fixture(scope="module")
def backend_wheel_dir(cargo_hpy, tmp_path_factory):
    """A directory holding only the hpy-rs-build wheel, from
    scripts/build-backend-wheel with the cargo-hpy these tests run."""
    out = tmp_path_factory.mktemp("backend-wheel")
    proc = run([ROOT / "scripts" / "build-backend-wheel", out, "--binary", cargo_hpy], cwd=ROOT)
    wheel = Path(proc.stdout.strip().splitlines()[-1])
    # Tagged for the binary inside: manylinux when cargo-hpy finds it qualifies.
    tag = run([cargo_hpy, "hpy", "platform-tag", cargo_hpy]).stdout.strip()
    assert tag.startswith(("manylinux_2_", "linux_")), tag
    assert wheel.parent == out and wheel.name == f"hpy_rs_build-0.1.0-py3-none-{tag}.whl"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        mode = z.getinfo("hpy_rs_build/bin/cargo-hpy").external_attr >> 16
    assert "hpy_rs_build/__init__.py" in names
    assert mode & 0o111, "cargo-hpy is not executable in the wheel"
    assert "hpy_rs_build-0.1.0.data/scripts/cargo-hpy" in names
    return out


@version_independent
def test_installing_the_backend_wheel_gives_cargo_hpy(backend_wheel_dir, tmp_path):
    # `pip install hpy-rs-build` (here from a wheelhouse) puts cargo-hpy on
    # the environment's PATH: `cargo hpy` works with nothing built.
    venv = make_venv(sys.executable, tmp_path / "venv")
    run([venv, "-m", "pip", "install", "-q", "--no-index", "--find-links", backend_wheel_dir,
         "hpy-rs-build"])
    script = venv.parent / "cargo-hpy"
    assert os.access(script, os.X_OK), script
    env = clean_env(PATH=f"{venv.parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("CARGO_HPY", None)
    proc = run(["cargo", "hpy", "--version"], env=env)
    assert proc.stdout.startswith("cargo-hpy 0.1.0"), proc.stdout


def backend_env():
    """pip with only the backend wheel as a package source, cargo-hpy taken
    from it (not $CARGO_HPY), and cargo's build output shared with the tests."""
    env = clean_env(CARGO_TARGET_DIR=str(shared_target_dir()))
    env.pop("CARGO_HPY", None)
    return env


@version_independent
def test_pip_install_of_a_new_project_with_only_the_backend_wheel(
        new_project, backend_wheel_dir, cpython_venv):
    proc = run([cpython_venv, "-m", "pip", "install", "-v", "--no-index", "--find-links",
                backend_wheel_dir, "-C", "hpy-profile=debug", "."],
               cwd=new_project, env=backend_env())
    # The backend ran the cargo-hpy of its own wheel, in pip's build environment.
    assert re.search(r"hpy_rs_build: running \S*/hpy_rs_build/bin/cargo-hpy hpy pep517 build-wheel",
                     proc.stdout + proc.stderr), proc.stdout[-3000:]
    try:
        out = run([cpython_venv, "-c", RUN_TESTS, new_project / "tests" / "test_module.py"])
        assert out.stdout.split() == ["passed", "3"]
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        assert (site_packages(cpython_venv) / f"demo_ext{suffix}").exists()
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "demo-ext"])


@version_independent
def test_editable_install_rebuilt_by_develop(cargo_hpy, new_project, backend_wheel_dir,
                                             cpython_venv):
    # PEP 660: `pip install -e` builds into the cargo target directory and
    # installs a .pth naming it; `cargo hpy develop` rebuilds there (here
    # with the feature that changes greet()), and the next import sees it.
    env = backend_env()
    run([cpython_venv, "-m", "pip", "install", "--no-index", "--find-links",
         backend_wheel_dir, "-C", "hpy-profile=debug", "-e", "."], cwd=new_project, env=env)
    check = "import demo_ext; print(demo_ext.greet('you'), demo_ext.__file__)"
    try:
        pth = site_packages(cpython_venv) / "_hpy_rs_editable_demo_ext.pth"
        editable_dir = Path(pth.read_text().strip())
        assert editable_dir.parent == shared_target_dir() / "hpy" / "editable"
        out = run([cpython_venv, "-c", check]).stdout.split()
        assert out[:2] == ["Hello,", "you!"] and Path(out[2]).parent == editable_dir, out
        proc = run([cargo_hpy, "hpy", "develop", "--python", cpython_venv, "-F", "shout"],
                   cwd=new_project, env=env)
        assert "rebuilt the editable install" in proc.stderr, proc.stderr[-2000:]
        assert run([cpython_venv, "-c", check]).stdout.split()[:2] == ["HELLO,", "you!"]
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "demo-ext"])
    assert not pth.exists()


@pytest.fixture(scope="module")
def new_project_sdist(cargo_hpy, new_project, new_project_build, tmp_path_factory):
    # After a build: the project has a Cargo.lock, which the sdist keeps.
    new_project_build("cpython")
    out = tmp_path_factory.mktemp("sdist")
    proc = run([cargo_hpy, "hpy", "sdist", "--manifest-path", new_project / "Cargo.toml",
                "--out", out])
    path = Path(proc.stdout.strip())
    assert path == out / "demo_ext-0.1.0.tar.gz"
    return path


def test_sdist_contents(new_project_sdist):
    import tarfile
    with tarfile.open(new_project_sdist) as tar:
        names = sorted(tar.getnames())
        read = lambda name: tar.extractfile("demo_ext-0.1.0/" + name).read().decode()
        pkg_info = read("PKG-INFO")
        manifests = {n: read(n) for n in ("Cargo.toml", "hpy-rs-vendor/hpy-rs/Cargo.toml")}
    own = sorted("demo_ext-0.1.0/" + n for n in [
        "PKG-INFO", ".gitignore", "Cargo.lock", "Cargo.toml", "README.md", "pyproject.toml",
        "src/lib.rs", "tests/test_module.py"])
    assert [n for n in names if "/hpy-rs-vendor/" not in n] == own
    # hpy and the crates it needs are copied in, without their tests.
    vendored = {n.split("/")[2] for n in names if "/hpy-rs-vendor/" in n}
    assert vendored == {"hpy-rs", "hpy-sys", "hpy-macros", "hpy-macros-backend",
                        "hpy-build-config"}, vendored
    assert not [n for n in names if "/hpy-rs-vendor/hpy-rs/tests/" in n]
    # No path of this machine is left: the copy is found relatively, and
    # the workspace's inherited version is written out.
    assert 'path = "hpy-rs-vendor/hpy-rs"' in manifests["Cargo.toml"], manifests["Cargo.toml"]
    for text in manifests.values():
        assert str(ROOT) not in text and "workspace = true" not in text, text
    assert 'version = "0.1.0"' in manifests["hpy-rs-vendor/hpy-rs/Cargo.toml"]
    assert pkg_info.startswith("Metadata-Version: 2.4\nName: demo-ext\nVersion: 0.1.0\n")


@version_independent
@pytest.mark.parametrize("interpreter", ["cpython", "pypy"])
def test_sdist_round_trip(backend_wheel_dir, interpreter, cpython_venv, tmp_path_factory,
                          request):
    # pip unpacks the sdist, builds it through hpy-rs-build (the CPython ABI
    # on CPython, universal on PyPy) and installs the wheel. On CPython the
    # sdist of a project made with the hpy-rs-build wheel's cargo-hpy, whose
    # tool and sources are gone (see tool_project_sdist); on PyPy that of
    # the project made by this checkout's cargo-hpy.
    if interpreter == "pypy":
        if pypy_path() is None:
            pytest.skip("no PyPy with HPy (or HPY_RS_NO_PYPY=1): set HPY_RS_PYPY or run "
                        "scripts/setup-pypy")
        venv = make_venv(pypy_path(), tmp_path_factory.mktemp("sdist-pypy") / "venv")
        sdist, module = request.getfixturevalue("new_project_sdist"), "demo_ext"
    else:
        venv = cpython_venv
        sdist, module = request.getfixturevalue("tool_project_sdist")[0], "demo_tool"
    # Only the .tar.gz and the backend wheel, in a directory of their own
    # that shares no path with the directories that made the sdist: it must
    # build with no hpy-rs checkout and no tool installation (its crates
    # are inside).
    fresh = tmp_path_factory.mktemp(f"sdist-only-{interpreter}")
    shutil.copy(sdist, fresh)
    for wheel in Path(backend_wheel_dir).glob("*.whl"):
        shutil.copy(wheel, fresh)
    run([venv, "-m", "pip", "install", "--no-index", "--find-links", ".",
         "-C", "hpy-profile=debug", sdist.name], cwd=fresh, env=backend_env())
    try:
        script = (f"import {module} as m; assert m.add(2, 3) == 5; "
                  "assert m.Counter(1).increment() == 2; print(m.__file__)")
        out = run([venv, "-c", script]).stdout.strip()
        assert out.endswith(f"{module}.hpy0.so" if interpreter == "pypy" else
                            module + sysconfig.get_config_var("EXT_SUFFIX")), out
    finally:
        run([venv, "-m", "pip", "uninstall", "-y", module.replace("_", "-")])


# ------------------------------------------ sdists name no path outside them

# Keys of a manifest whose string values are paths (besides every `path`).
PATH_KEYS = {"readme", "license-file", "build", "workspace"}


def paths_outside(root):
    """Every path named in a Cargo.toml or a cargo config file under `root`
    (an unpacked sdist) that is absolute or leads outside `root`, as
    (file, key, value)."""
    import posixpath
    import tomllib
    found = []
    files = [p for p in root.rglob("*") if p.is_file() and (
        p.name == "Cargo.toml" or (p.parent.name == ".cargo" and p.suffix in ("", ".toml")))]
    for file in files:
        base = file.parent.relative_to(root).as_posix()
        if file.parent.name == ".cargo":
            base = posixpath.dirname(base)

        def visit(value, key):
            if isinstance(value, dict):
                for k, v in value.items():
                    visit(v, k)
            elif isinstance(value, list):
                for v in value:
                    visit(v, key)
            elif isinstance(value, str) and (key == "path" or key in PATH_KEYS
                                             or key in ("members", "exclude")
                                             or value.startswith("/")):
                if key == "workspace" and value in ("true", "false"):
                    return
                joined = posixpath.normpath(posixpath.join(base or ".", value))
                if posixpath.isabs(value) or joined == ".." or joined.startswith("../"):
                    found.append((str(file.relative_to(root)), key, value))
        visit(tomllib.loads(file.read_text()), None)
    assert files, f"no Cargo.toml under {root}"
    return found


def unpack(sdist, where):
    import tarfile
    with tarfile.open(sdist) as tar:
        tar.extractall(where, filter="data")
    (top,) = Path(where).iterdir()
    return top


@pytest.fixture(scope="module")
def tool_project_sdist(backend_wheel_dir, tmp_path_factory):
    """The sdist of a project made by `cargo hpy new` with the cargo-hpy of
    the hpy-rs-build wheel (`pip install hpy-rs-build`), whose
    `[patch.crates-io]` names the crates inside the tool's site-packages.
    Then the tool's virtualenv and the project are moved away: nothing of
    them is where the sdist was made."""
    where = tmp_path_factory.mktemp("tool-sdist")
    venv = make_venv(sys.executable, where / "tool" / "venv")
    run([venv, "-m", "pip", "install", "-q", "--no-index", "--find-links", backend_wheel_dir,
         "hpy-rs-build"])
    tool = venv.parent / "cargo-hpy"
    env = backend_env()
    project = where / "src" / "demo-tool"
    run([tool, "hpy", "new", project, "--class"], env=env)
    manifest = (project / "Cargo.toml").read_text()
    assert "[patch.crates-io]" in manifest and "/site-packages/hpy_rs_build/crates/" in manifest
    out = where / "out"
    sdist = Path(run([tool, "hpy", "sdist", "--manifest-path", project / "Cargo.toml",
                      "--out", out], env=env).stdout.strip())
    (where / "tool").rename(where / "tool-gone")
    (where / "src").rename(where / "src-gone")
    return sdist, [str(where / "tool"), str(where / "src")]


@version_independent
def test_sdists_name_no_path_outside_themselves(cargo_hpy, new_project_sdist,
                                                tool_project_sdist, tmp_path):
    # A workspace member with inherited package fields (readme among them,
    # outside the crate), inherited dependencies, a path dependency outside
    # the workspace, [patch.crates-io] to a crate outside, and [replace].
    ws = tmp_path / "ws"
    for rel, text in {
        "Cargo.toml": (
            '[workspace]\nmembers = ["proj"]\nresolver = "2"\n'
            '[workspace.package]\nversion = "0.3.0"\nedition = "2021"\n'
            'readme = "README.md"\nlicense = "MIT"\n'
            f'[workspace.dependencies]\nhpy = {{ package = "hpy-rs", path = "{ROOT / "hpy"}" }}\n'
            '[patch.crates-io]\npatched-helper = { path = "../patched-helper" }\n'),
        "README.md": "# the workspace's readme\n",
        "proj/Cargo.toml": (
            '[package]\nname = "proj"\nversion.workspace = true\nedition.workspace = true\n'
            'readme.workspace = true\nlicense.workspace = true\n'
            '[lib]\ncrate-type = ["cdylib"]\n'
            '[dependencies]\nhpy.workspace = true\npatched-helper = "0.1"\n'
            'local-helper = { path = "../../local-helper" }\n'),
        "proj/pyproject.toml": (
            '[build-system]\nrequires = ["hpy-rs-build"]\nbuild-backend = "hpy_rs_build"\n'
            '[project]\nname = "proj"\n'),
        "proj/src/lib.rs": "pub fn f() -> u32 { patched_helper::one() + local_helper::one() }\n",
        "../patched-helper/Cargo.toml": (
            '[package]\nname = "patched-helper"\nversion = "0.1.0"\nedition = "2021"\n'),
        "../patched-helper/src/lib.rs": "pub fn one() -> u32 { 1 }\n",
        "../local-helper/Cargo.toml": (
            '[package]\nname = "local-helper"\nversion = "0.1.0"\nedition = "2021"\n'),
        "../local-helper/src/lib.rs": "pub fn one() -> u32 { 1 }\n",
    }.items():
        path = ws / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    sdist = Path(run([cargo_hpy, "hpy", "sdist", "--manifest-path", ws / "proj" / "Cargo.toml",
                      "--out", tmp_path / "out"]).stdout.strip())
    tool_sdist, tool_dirs = tool_project_sdist
    for made, sources in [(new_project_sdist, [str(ROOT)]), (tool_sdist, tool_dirs),
                          (sdist, [str(tmp_path)])]:
        top = unpack(made, tmp_path / "unpacked" / made.name)
        assert paths_outside(top) == [], made
        for file in top.rglob("Cargo.*"):
            text = file.read_text()
            assert not [s for s in sources if s in text], (file, text)
    # Moved away from where it was made, the last one still resolves and
    # builds (cargo check: its patched and vendored crates are inside).
    top = tmp_path / "unpacked" / sdist.name / "proj-0.3.0"
    assert (top / "README.md").read_text() == "# the workspace's readme\n"
    ws.rename(tmp_path / "ws-gone")
    (tmp_path / "patched-helper").rename(tmp_path / "patched-helper-gone")
    (tmp_path / "local-helper").rename(tmp_path / "local-helper-gone")
    proc = run(["cargo", "tree", "--manifest-path", top / "Cargo.toml", "-e", "normal",
                "--depth", "1", "--prefix", "none"])
    assert "patched-helper v0.1.0 (" + str(top / "hpy-rs-vendor" / "patched-helper") in \
        proc.stdout, proc.stdout


# --------------------------------------------------------- develop with uv


@pytest.fixture(scope="module")
def uv(tmp_path_factory):
    """uv from PyPI (pinned), in a virtualenv of its own."""
    venv = make_venv(sys.executable, tmp_path_factory.mktemp("uv") / "venv")
    proc = run([venv, "-m", "pip", "install", "-q", "uv==0.13.8"], ok=False)
    if proc.returncode != 0:
        reason = f"uv could not be installed from PyPI (no network?): {proc.stderr[-300:]}"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return venv.parent / "uv"


@version_independent
def test_cargo_hpy_develop_into_a_uv_venv(cargo_hpy, uv, tmp_path):
    # `uv venv` makes an environment without pip; develop sees that its
    # pyvenv.cfg is uv's and installs with `uv pip install --python`.
    env_dir = tmp_path / "uvenv"
    run([uv, "venv", "--python", sys.executable, env_dir],
        env=clean_env(UV_NO_CONFIG="1", UV_PYTHON_DOWNLOADS="never"))
    python = env_dir / "bin" / "python"
    assert run([python, "-c", "import pip"], ok=False).returncode != 0
    assert re.search(r"^uv = ", (env_dir / "pyvenv.cfg").read_text(), re.M)
    cmd = [cargo_hpy, "hpy", "develop", "--manifest-path", POF / "Cargo.toml"]
    # Without uv anywhere to be found, the message says what to do.
    cargo_dir = Path(shutil.which("cargo")).parent
    no_uv = clean_env(VIRTUAL_ENV=str(env_dir), PATH=f"{cargo_dir}{os.pathsep}/usr/bin:/bin")
    no_uv.pop("UV", None)
    proc = run(cmd, ok=False, cwd=ROOT, env=no_uv)
    assert proc.returncode == 1
    assert (f"the environment of {python} was made by uv and has no pip, but uv was not "
            "found") in proc.stderr, proc.stderr
    with_uv = clean_env(VIRTUAL_ENV=str(env_dir), UV_NO_CONFIG="1",
                        PATH=f"{uv.parent}{os.pathsep}{os.environ['PATH']}")
    proc = run(cmd, cwd=ROOT, env=with_uv)
    assert f"{uv}\" \"pip\" \"install\" \"--python\"" in proc.stderr, proc.stderr
    assert "pof ok" in run([python, "-c", RUN_POF]).stdout


@pytest.fixture(scope="module")
def twine(tmp_path_factory):
    """twine from PyPI (pinned), in a venv of its own."""
    venv = make_venv(sys.executable, tmp_path_factory.mktemp("twine") / "venv")
    proc = run([venv, "-m", "pip", "install", "-q", "twine==6.2.0"], ok=False)
    if proc.returncode != 0:
        pytest.skip(f"twine could not be installed from PyPI (no network?): "
                    f"{proc.stderr.strip()[-300:]}")
    return venv.parent / "twine"


@version_independent
def test_wheel_and_sdist_metadata_agree(cargo_hpy, wheels, twine, tmp_path):
    # pofpackage fills in every PEP 621 field; it is a workspace member, so
    # its sdist also resolves inherited fields and copies hpy in.
    sdist = Path(run([cargo_hpy, "hpy", "sdist", "--manifest-path", POFPACKAGE / "Cargo.toml",
                      "--out", tmp_path], cwd=ROOT).stdout.strip())
    import tarfile
    with tarfile.open(sdist) as tar:
        pkg_info = tar.extractfile("pofpackage-0.1.0/PKG-INFO").read().decode()
        names = tar.getnames()
    wheel = wheels["pofpackage", "cpython"]
    with zipfile.ZipFile(wheel) as z:
        metadata = z.read("pofpackage-0.1.0.dist-info/METADATA").decode()
        entry_points = z.read("pofpackage-0.1.0.dist-info/entry_points.txt").decode()
    assert metadata == pkg_info
    for line in ["Summary: hpy-rs example: an extension module inside a Python package",
                 "Keywords: hpy,rust,example",
                 "Author-email: hpy-rs developers <hpy-rs@example.invalid>",
                 "License-Expression: MIT",
                 "Classifier: Programming Language :: Rust",
                 "Project-URL: Repository, https://example.invalid/hpy-rs",
                 "Requires-Python: >=3.11",
                 'Requires-Dist: pytest; extra == "test"',
                 "Provides-Extra: test",
                 "Description-Content-Type: text/markdown"]:
        assert line + "\n" in metadata, line
    assert metadata.endswith("\n\n" + (POFPACKAGE / "README.md").read_text())
    assert entry_points == "[console_scripts]\npofpackage-shout = pofpackage:shout\n\n"
    assert "pofpackage-0.1.0/hpy-rs-vendor/hpy-rs/Cargo.toml" in names
    proc = run([twine, "check", "--strict", wheel, sdist])
    assert proc.stdout.count("PASSED") == 2, proc.stdout


@version_independent
def test_new_project_is_publishable(cargo_hpy, new_project, new_project_sdist, twine,
                                    tmp_path):
    # `cargo hpy new` declares its README and license: sdist and wheel
    # have a description twine accepts with --strict.
    proc = run([cargo_hpy, "hpy", "wheel", "--universal", "--manifest-path",
                new_project / "Cargo.toml", "--target-dir", shared_target_dir(),
                "--out", tmp_path])
    wheel = Path(proc.stdout.strip().splitlines()[-1])
    with zipfile.ZipFile(wheel) as z:
        metadata = z.read("demo_ext-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT\n" in metadata
    assert "Description-Content-Type: text/markdown\n" in metadata
    assert metadata.endswith("\n\n" + (new_project / "README.md").read_text())
    proc = run([twine, "check", "--strict", wheel, new_project_sdist])
    assert proc.stdout.count("PASSED") == 2, proc.stdout


@version_independent
def test_develop_honours_hpy_python(cargo_hpy, cpython_venv):
    # No virtualenv active: HPY_PYTHON names the interpreter to install into.
    run([cargo_hpy, "hpy", "develop", "--manifest-path", POF / "Cargo.toml"], cwd=ROOT,
        env=clean_env(HPY_PYTHON=str(cpython_venv)))
    try:
        assert "pof ok" in run([cpython_venv, "-c", RUN_POF]).stdout
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "pof"])
