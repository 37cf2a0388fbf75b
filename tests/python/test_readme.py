"""The README's path from nothing to `import demo`, run as printed.

README.md marks the blocks a reader runs with
``<!-- tested: tests/python/test_readme.py -->`` on the line before the
fence. They are run here, in order, by bash, exactly as printed; a comment at
the end of a line (`# Hello, world! 3`) is what that line prints, and the
output must have it as a line of its own.

What the reader has and the test provides: the directory that holds the
checkout `hpy-rs/` (here a directory whose `hpy-rs` links to this
repository), and on PATH `cargo-hpy` (``$CARGO_HPY``, else this checkout's
build), a `python3` (the base CPython of the running one) and a `pypy3` (the
PyPy of scripts/setup-pypy or ``$HPY_RS_PYPY``; without one the PyPy block
is skipped, saying so). ``CARGO_TARGET_DIR`` is the checkout's target
directory and the working directory is kept in it (`readme-user-path/`),
so the hpy crates, the host and the virtualenvs' paths stay the same from
one run to the next and cargo rebuilds only the new project.

It runs once per CI: in CPython 3.11's ``--hpy-mode=cpython`` run (the
others skip it, saying so).
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hpyrs_helpers import pypy_path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKER = "<!-- tested: tests/python/test_readme.py -->"


RUNS_ONCE = ("the README's commands run", "they drive CPython and PyPy through subprocesses")
VERSION_INDEPENDENT = True
pytestmark = pytest.mark.usefixtures("only_once")


def marked_blocks():
    """The marked shell blocks of the README, in order."""
    text = README.read_text()
    blocks = re.findall(re.escape(MARKER) + r"\n```sh\n(.*?)\n```", text, re.S)
    assert len(blocks) == text.count(MARKER), "a marker not followed by a ```sh block"
    return blocks


def expected_lines(block):
    """What the block's lines print: their trailing comments."""
    return [m.group(1) for line in block.splitlines()
            if (m := re.search(r"\S\s+#\s+(.+)$", line))]


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target").resolve()


@pytest.fixture(scope="module")
def cargo_hpy():
    if os.environ.get("CARGO_HPY"):
        return Path(os.environ["CARGO_HPY"])
    subprocess.run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=ROOT, check=True)
    return target_dir() / "debug" / "cargo-hpy"


@pytest.fixture(scope="module")
def reader(cargo_hpy):
    """The reader's directory (holding `hpy-rs/`) and environment."""
    where = target_dir() / "readme-user-path"
    shutil.rmtree(where / "demo", ignore_errors=True)
    bin_dir = where / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    links = {where / "hpy-rs": ROOT, bin_dir / "cargo-hpy": Path(cargo_hpy).resolve(),
             bin_dir / "python3": Path(sys._base_executable)}
    if pypy_path():
        links[bin_dir / "pypy3"] = pypy_path()
    for link in list(bin_dir.iterdir()) + list(links):
        if link.is_symlink():
            link.unlink()
    for link, target in links.items():
        link.symlink_to(target)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "HPY", "HPY_LOG",
                        "HPY_PYTHON", "PYTHONSAFEPATH", "PIP_FIND_LINKS", "PIP_INDEX_URL",
                        "PIP_EXTRA_INDEX_URL", "PIP_REQUIRE_VIRTUALENV")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               CARGO_TARGET_DIR=str(target_dir()),
               # Everything installed is built here: pip must not look further.
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return where, env


def run_blocks(blocks, cwd, env):
    script = "set -e -o pipefail -x\n" + "\n".join(blocks) + "\n"
    proc = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=1200)
    if proc.returncode != 0:
        pytest.fail(f"the README's commands exited with {proc.returncode}:\n{proc.stdout[-6000:]}",
                    pytrace=False)
    printed = [line for line in proc.stdout.splitlines() if not line.startswith("+")]
    expected = [e for b in blocks for e in expected_lines(b)]
    rest = iter(printed)
    in_order = all(any(line == e for line in rest) for e in expected)
    assert in_order, f"expected the lines {expected}, in order, got:\n{proc.stdout[-6000:]}"
    return proc.stdout


def test_the_path_is_there():
    blocks = marked_blocks()
    assert len(blocks) == 3, "the README's path: CPython ABI, universal on CPython, PyPy"
    cpython, universal, pypy = blocks
    assert "cargo hpy new demo" in cpython and "cargo hpy develop" in cpython
    assert "cargo hpy develop --universal" in universal and "HPY=debug" in universal
    assert "pypy3" in pypy
    for block in blocks:
        assert any("import demo" in line for line in block.splitlines()), block
        assert expected_lines(block), f"no line of the block says what it prints:\n{block}"


def test_the_install_command_names_the_tool():
    # `cargo install` itself takes minutes and is not run: what it names is
    # checked, the package and its binary.
    assert "\ncargo install --locked --path cargo-hpy\n" in README.read_text()
    manifest = tomllib.loads((ROOT / "cargo-hpy" / "Cargo.toml").read_text())
    assert [b["name"] for b in manifest["bin"]] == ["cargo-hpy"]


def test_the_rust_version_is_the_workspaces():
    rust_version = tomllib.loads((ROOT / "Cargo.toml").read_text())[
        "workspace"]["package"]["rust-version"]
    assert f"Rust {rust_version} or newer" in README.read_text()


@pytest.fixture(scope="module")
def demo(reader):
    """The CPython blocks, run in the reader's directory: the project."""
    where, env = reader
    blocks = [b for b in marked_blocks() if "pypy3" not in b]
    output = run_blocks(blocks, where, env)
    return where / "demo", output


def test_cpython_abi_and_universal_on_cpython(demo):
    project, output = demo
    assert (project / "Cargo.toml").exists()
    venv = project / ".venv"
    site = next(venv.glob("lib/python3.*/site-packages"))
    # The universal install replaced the CPython-ABI one; the host came first.
    assert (site / "demo.hpy0.so").exists() and (site / "demo.py").exists()
    assert not list(site.glob("demo.cpython-*.so")), "the CPython-ABI build was not replaced"
    assert list(site.glob("hpy_rs_universal*.so")), sorted(p.name for p in site.iterdir())


def test_pypy(demo, reader):
    if not pypy_path():
        pytest.skip("no PyPy (scripts/setup-pypy installs it; $HPY_RS_PYPY names one): "
                    "the README's PyPy block is not run")
    project, _ = demo
    _, env = reader
    run_blocks([b for b in marked_blocks() if "pypy3" in b], project, env)
