"""Shipping extensions: `cargo hpy wheel`, `cargo hpy develop`, `pip install DIR`
through the in-tree PEP 517 backend (pep517/hpy_rs_build.py), on fresh
CPython and PyPy virtualenvs, and the error messages users meet on the way.

These tests drive other interpreters through subprocesses, so they run once:
in the CPython ``--hpy-mode=cpython`` run (the other runs skip them, saying
so). The PyPy parts use ``$HPY_RS_PYPY``, else the PyPy that
scripts/setup-pypy installs; without one they skip with that reason.
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IS_PYPY = sys.implementation.name == "pypy"
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

RUN_POFPACKAGE = """
import sys
import pofpackage
import pofpackage.foo
assert pofpackage.foo.hello() == "hello from pofpackage.foo", pofpackage.foo.hello()
assert pofpackage.foo.__name__ == "pofpackage.foo", pofpackage.foo.__name__
assert pofpackage.shout() == "HELLO FROM POFPACKAGE.FOO!"
print("pofpackage ok", pofpackage.foo.__file__, "hpy.universal" in sys.modules)
"""


@pytest.fixture(scope="module", autouse=True)
def _only_once(hpy_mode):
    if IS_PYPY or hpy_mode != "cpython":
        pytest.skip("packaging tests run once, in the CPython --hpy-mode=cpython run "
                    "(they test CPython and PyPy through subprocesses)")


def needs_stock_hpy_universal():
    """Universal wheels load on CPython through the `hpy` package (stock
    hpy.universal), which pip installs as their dependency. HPy 0.9.0 supports
    CPython up to 3.12 (no wheels past cp311; its sdist fails to build on 3.15
    and its classes crash on 3.13+): skip there until hpy-rs's own universal
    host is the dependency."""
    if sys.version_info >= (3, 13):
        pytest.skip("universal wheels on CPython %d.%d need the hpy package, which supports "
                    "CPython <= 3.12 (hpy-rs's own universal host will lift this)"
                    % sys.version_info[:2])


# ------------------------------------------------------------------ helpers


def clean_env(**extra):
    """The environment for a subprocess: no virtualenv, PYTHONPATH or HPY
    leaking in from the test run."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "HPY", "HPY_LOG",
                        "PIP_REQUIRE_VIRTUALENV", "PYTHONSAFEPATH")}
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


def pypy_path():
    if os.environ.get("HPY_RS_NO_PYPY") == "1":
        return None
    explicit = os.environ.get("HPY_RS_PYPY")
    if explicit:
        return Path(explicit)
    home = os.environ.get("HPY_PYPY_HOME") or Path.home() / ".cache" / "hpy-pypy"
    candidate = Path(home) / "bin" / "pypy3"
    return candidate if candidate.exists() else None


@pytest.fixture(scope="module")
def cargo_hpy():
    if os.environ.get("CARGO_HPY"):
        return os.environ["CARGO_HPY"]
    run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=ROOT)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return str((ROOT / target) / "debug" / "cargo-hpy")


@pytest.fixture(scope="module")
def wheels(cargo_hpy, tmp_path_factory):
    """The wheels, each built once: {(crate, abi): path}."""
    out = tmp_path_factory.mktemp("wheels")
    built = {}
    for crate in (POF, POFPACKAGE):
        for abi in ("universal", "cpython"):
            cmd = [cargo_hpy, "hpy", "wheel", "--manifest-path", crate / "Cargo.toml",
                   "--out", out / abi]
            if abi == "universal":
                cmd.append("--universal")
            else:
                cmd += ["--python", sys.executable]
            proc = run(cmd, cwd=ROOT)
            path = Path(proc.stdout.strip().splitlines()[-1])
            assert path.parent == out / abi and path.exists(), proc.stdout
            built[crate.name, abi] = path
    return built


def make_venv(python, where):
    run([python, "-m", "venv", where])
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
        assert not list(site.glob(f"{name}*")), list(site.glob(f"{name}*"))
    return outputs


# -------------------------------------------------------------- the wheels


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
            "pofpackage-0.1.0.dist-info/METADATA", "pofpackage-0.1.0.dist-info/WHEEL",
            "pofpackage-0.1.0.dist-info/RECORD",
        ])
        info = "pofpackage-0.1.0.dist-info/"
        wheel_file = z.read(info + "WHEEL").decode()
        assert "Root-Is-Purelib: false\n" in wheel_file
        assert f"Tag: py3-none-{tag}\n" in wheel_file
        metadata = z.read(info + "METADATA").decode()
        assert metadata.startswith("Metadata-Version: 2.1\nName: pofpackage\nVersion: 0.1.0\n")
        assert ('Requires-Dist: hpy>=0.9; platform_python_implementation == "CPython"\n'
                in metadata)
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


def test_cpython_wheel_is_tagged_for_this_python(wheels):
    wheel = wheels["pofpackage", "cpython"]
    extension = "pofpackage/foo" + sysconfig.get_config_var("EXT_SUFFIX")
    with zipfile.ZipFile(wheel) as z:
        tag = expected_platform_tag(z.read(extension))
    assert wheel.name == f"pofpackage-0.1.0-{CP_TAG}-{CP_TAG}-{tag}.whl"
    with zipfile.ZipFile(wheel) as z:
        assert extension in z.namelist()
        assert "pofpackage/foo.py" not in z.namelist()
        metadata = z.read("pofpackage-0.1.0.dist-info/METADATA").decode()
        assert "Requires-Dist" not in metadata


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


def test_universal_wheels_on_fresh_cpython(wheels, cpython_venv):
    needs_stock_hpy_universal()
    out = install_run_uninstall(
        cpython_venv, [wheels["pof", "universal"], wheels["pofpackage", "universal"]],
        [RUN_POF, RUN_POFPACKAGE])
    assert "pof.hpy0.so" in out[0]
    assert out[1].strip().endswith("foo.hpy0.so True")
    # pip installed hpy as the universal wheel's dependency on CPython.
    assert (site_packages(cpython_venv) / "hpy" / "universal").exists() or list(
        site_packages(cpython_venv).glob("hpy/universal*"))


def test_universal_wheels_on_fresh_pypy(wheels, pypy_venv):
    out = install_run_uninstall(
        pypy_venv, [wheels["pof", "universal"], wheels["pofpackage", "universal"]],
        [RUN_POF, RUN_POFPACKAGE])
    assert "pof.hpy0.so" in out[0]
    assert "foo.hpy0.so True" in out[1]
    # The marker kept pip from installing the hpy package: PyPy has its own.
    assert not (site_packages(pypy_venv) / "hpy").exists()


def test_universal_wheel_in_debug_mode(wheels, cpython_venv):
    needs_stock_hpy_universal()
    script = ("from hpy.debug import LeakDetector\n"
              "with LeakDetector():\n"
              "    import pof\n"
              "    assert pof.add_ints(20, 22) == 42\n"
              "print('debug ok')\n")
    run([cpython_venv, "-m", "pip", "install", wheels["pof", "universal"]])
    try:
        out = run([cpython_venv, "-c", script], env=clean_env(HPY="debug")).stdout
        assert "debug ok" in out
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "pof"])


def test_cpython_wheel_on_fresh_cpython(wheels, cpython_venv):
    out = install_run_uninstall(cpython_venv, [wheels["pofpackage", "cpython"]],
                                [RUN_POFPACKAGE])
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    assert out[0].strip().endswith(f"foo{suffix} False")


# ----------------------------------------------------------- error messages


def test_cpython_wheel_refused_by_pypy(wheels, pypy_venv):
    proc = run([pypy_venv, "-m", "pip", "install", wheels["pofpackage", "cpython"]], ok=False)
    assert proc.returncode != 0
    assert "is not a supported wheel on this platform" in proc.stderr


def test_universal_module_without_hpy(wheels, tmp_path):
    with zipfile.ZipFile(wheels["pof", "universal"]) as z:
        z.extractall(tmp_path)
    script = "import sys; sys.modules['hpy'] = None; import pof"
    proc = run([sys.executable, "-c", script], ok=False,
               env=clean_env(PYTHONPATH=str(tmp_path)))
    assert proc.returncode != 0
    assert ("ImportError: module pof is an HPy universal binary; on CPython it needs the "
            "hpy package: pip install hpy==0.9.0") in proc.stderr


FAKE_UNIVERSAL = """
MODE_UNIVERSAL, MODE_DEBUG, MODE_TRACE = 0, 1, 2
def get_version():
    return ({version!r}, "fake")
def load(name, path, spec, mode=0):
    raise RuntimeError("HPy extension module %r: ABI version mismatch" % name)
"""


@pytest.mark.parametrize("version, message", [
    ("0.8.0", "ImportError: module pof needs HPy 0.9 or newer, but this interpreter's "
              "hpy.universal is version 0.8.0: pip install 'hpy>=0.9'"),
    ("0.9.0", "ImportError: could not load the HPy universal module pof from "),
])
def test_hpy_version_mismatch(wheels, tmp_path, version, message):
    fake = tmp_path / "fake" / "hpy"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "universal.py").write_text(FAKE_UNIVERSAL.format(version=version))
    with zipfile.ZipFile(wheels["pof", "universal"]) as z:
        z.extractall(tmp_path / "site")
    proc = run([sys.executable, "-c", "import pof"], ok=False,
               env=clean_env(PYTHONPATH=f"{tmp_path / 'fake'}:{tmp_path / 'site'}"))
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr
    if version == "0.9.0":
        assert "ABI version mismatch" in proc.stderr
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
    assert "config setting hpy-abi='abi3' is not one of universal, cpython" in proc.stderr


# ------------------------------------------------------ develop, pip install .


@pytest.mark.parametrize("abi", ["universal", "cpython"])
def test_cargo_hpy_develop(cargo_hpy, cpython_venv, abi):
    if abi == "universal":
        needs_stock_hpy_universal()
    cmd = [cargo_hpy, "hpy", "develop", "--manifest-path", POFPACKAGE / "Cargo.toml"]
    if abi == "universal":
        cmd.append("--universal")
    # Without --python: the active virtualenv is the target.
    run(cmd, cwd=ROOT, env=clean_env(VIRTUAL_ENV=str(cpython_venv.parent.parent)))
    try:
        out = run([cpython_venv, "-c", RUN_POFPACKAGE]).stdout
        ending = ("foo.hpy0.so True" if abi == "universal"
                  else "foo%s False" % sysconfig.get_config_var("EXT_SUFFIX"))
        assert out.strip().endswith(ending), out
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "pofpackage"])


def test_cargo_hpy_develop_pypy(cargo_hpy, pypy_venv):
    run([cargo_hpy, "hpy", "develop", "--universal", "--python", pypy_venv,
         "--manifest-path", POF / "Cargo.toml"], cwd=ROOT)
    try:
        assert "pof ok" in run([pypy_venv, "-c", RUN_POF]).stdout
    finally:
        run([pypy_venv, "-m", "pip", "uninstall", "-y", "pof"])


def test_cargo_hpy_develop_refuses_cpython_abi_for_pypy(cargo_hpy, pypy_venv):
    proc = run([cargo_hpy, "hpy", "develop", "--python", pypy_venv,
                "--manifest-path", POF / "Cargo.toml"], cwd=ROOT, ok=False)
    assert proc.returncode == 1
    assert "is pypy, not CPython: a CPython-ABI module only loads into the CPython" in proc.stderr


def test_cargo_hpy_develop_needs_an_environment(cargo_hpy):
    proc = run([cargo_hpy, "hpy", "develop", "--manifest-path", POF / "Cargo.toml"],
               cwd=ROOT, ok=False)
    assert proc.returncode == 1
    assert "no virtualenv is active (VIRTUAL_ENV is not set)" in proc.stderr


@pytest.mark.parametrize("abi", ["universal", "cpython"])
def test_pip_install_through_the_backend(cargo_hpy, cpython_venv, abi):
    if abi == "universal":
        needs_stock_hpy_universal()
    run([cpython_venv, "-m", "pip", "install", POFPACKAGE,
         "-C", f"hpy-abi={abi}", "-C", "hpy-profile=debug"],
        env=clean_env(CARGO_HPY=cargo_hpy))
    try:
        out = run([cpython_venv, "-c", RUN_POFPACKAGE]).stdout
        assert out.strip().endswith("foo.hpy0.so True" if abi == "universal"
                                    else "foo%s False" % sysconfig.get_config_var("EXT_SUFFIX"))
    finally:
        run([cpython_venv, "-m", "pip", "uninstall", "-y", "pofpackage"])


def test_one_wheel_per_interpreter(cargo_hpy, tmp_path):
    # `cargo hpy wheel -i A -i B`: one CPython-ABI wheel for each, tagged
    # for it, in one command.
    other = ROOT / ".venv" / "bin" / "python"   # CPython 3.11 (scripts/ensure-venv)
    if sys.version_info[:2] == (3, 11) or not other.exists():
        pytest.skip("needs a second CPython version: runs on 3.12+ next to the repository's "
                    "3.11 .venv")
    proc = run([cargo_hpy, "hpy", "wheel", "--manifest-path", POF / "Cargo.toml",
                "--out", tmp_path, "-i", sys.executable, "--python", other,
                "--target-dir", tmp_path / "target"], cwd=ROOT)
    paths = [Path(p) for p in proc.stdout.split()]
    assert [p.name.split("-")[2] for p in paths] == [CP_TAG, "cp311"], proc.stdout
    assert all(p.exists() and p.parent == tmp_path for p in paths)
