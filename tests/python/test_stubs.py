"""Type stubs: `cargo hpy build` writes each module's `.pyi` from its
hpy-rs definitions, and mypy's stubtest (pinned, installed from PyPI into a
virtualenv of its own) finds them true to the built module, for every
example and port; and the ports' originals' own stubs hold for the ports.

CPython 3.11 in cpython mode only: the stubs are the same files in every
mode, and stubtest is slow-ish, so all modules go through one invocation."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM_STUBS = Path(__file__).resolve().parent / "upstream" / "stubs"
MYPY = "mypy==1.18.2"

# Extension fixture name -> the module whose stub is checked.
MODULES = {
    "hello": "hello",
    "pof": "pof",
    "pofpackage": "pofpackage.foo",
    "simple": "simple",
    "stats": "stats",
    "piconumpy": "piconumpy",
    "kiwisolver": "kiwisolver",
    "rpds": "rpds",
    "xxhash": "xxhash._xxhash",
    "parity": "parity",
    "ujson": "ujson",
}


def _skip_unless_311_cpython(hpy_mode):
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        pytest.skip("stubtest runs on CPython 3.11 only (the stubs do not depend on the "
                    "interpreter; one run keeps CI time down)")
    if hpy_mode != "cpython":
        pytest.skip("stubtest runs in cpython mode only (the stubs are the same files in "
                    "every mode)")


@pytest.fixture(scope="module")
def stubtest(hpy_mode):
    """A function running ``python -m mypy.stubtest`` from a virtualenv with
    the pinned mypy (made once per target directory)."""
    _skip_unless_311_cpython(hpy_mode)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    env_dir = target / f"stubtest-venv-{MYPY.replace('==', '-')}-py311"
    python = env_dir / "bin" / "python"
    if not (env_dir / "ready").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        proc = subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", MYPY],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if proc.returncode != 0:
            pytest.skip(f"could not install {MYPY} from the package index:\n"
                        f"{proc.stdout[-2000:]}")
        (env_dir / "ready").write_text(MYPY + "\n")

    def run(modules, stub_dirs, import_dir):
        env = dict(os.environ)
        env["MYPYPATH"] = os.pathsep.join(str(d) for d in stub_dirs)
        env["PYTHONPATH"] = str(import_dir)
        env.pop("HPY", None)
        return subprocess.run(
            [str(python), "-m", "mypy.stubtest", *modules],
            cwd=import_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True)

    return run


def _out_dir(hpy_ext):
    """Builds every module and returns the directory they are in."""
    dirs = set()
    for name in MODULES:
        module = hpy_ext(name)
        depth = 2 if name in ("xxhash", "pofpackage") else 1  # a package's __init__.py
        dirs.add(Path(module.__file__).resolve().parents[depth - 1])
    assert len(dirs) == 1, dirs
    return dirs.pop()


def test_generated_stubs_pass_stubtest(stubtest, hpy_ext):
    out = _out_dir(hpy_ext)
    for target in MODULES.values():
        pyi = out.joinpath(*target.split(".")).with_suffix(".pyi")
        assert pyi.is_file(), f"cargo hpy build wrote no {pyi}"
        assert pyi.read_text().startswith("# Written by cargo-hpy"), pyi
    assert (out / "pofpackage" / "py.typed").is_file()
    proc = stubtest(list(MODULES.values()), [out], out)
    assert proc.returncode == 0, proc.stdout
    assert f"no issues found in {len(MODULES)} modules" in proc.stdout, proc.stdout


def test_generated_stub_snapshot(hpy_ext, hpy_mode):
    """The whole stub of one example, as a reader sees it (a change to the
    rendering shows here as a diff)."""
    _skip_unless_311_cpython(hpy_mode)
    pof = hpy_ext("pof")
    got = Path(pof.__file__).resolve().with_name("pof.pyi").read_text()
    expected = (Path(__file__).resolve().parent / "stubs_snapshot" / "pof.pyi").read_text()
    assert got == expected


# The originals' stubs (copied unchanged under upstream/stubs/, see its
# SOURCES): module -> (stub file, the path stubtest finds it under).
ORIGINAL_STUBS = {
    "rpds": ("rpds/rpds.pyi", "rpds.pyi"),
    "kiwisolver": ("kiwisolver/_cext.pyi", "kiwisolver.pyi"),
    "xxhash": ("xxhash/__init__.pyi", "xxhash/__init__.pyi"),
    "ujson": ("ujson/__init__.pyi", "ujson.pyi"),
}


def test_original_stubs_pass_stubtest(stubtest, hpy_ext, tmp_path):
    out = _out_dir(hpy_ext)
    for name, (source, target) in ORIGINAL_STUBS.items():
        dest = tmp_path.joinpath(*target.split("/"))
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(UPSTREAM_STUBS.joinpath(*source.split("/")).read_bytes())
    options = ["--allowlist", str(UPSTREAM_STUBS / "allowlist.txt"),
               "--mypy-config-file", str(UPSTREAM_STUBS / "mypy.ini")]
    proc = stubtest([*options, *ORIGINAL_STUBS], [tmp_path], out)
    assert proc.returncode == 0, proc.stdout
    # (stubtest also walks the packages' submodules: xxhash._xxhash, xxhash.version.)
    assert proc.stdout.startswith("Success: no issues found"), proc.stdout
