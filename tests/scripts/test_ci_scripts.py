"""The CI scripts must not test less without saying so.

scripts/ensure-venvs once ran under ``set -e`` and stopped at the first
CPython whose virtualenv it could not make (a ``python3.12`` on PATH that
exits 1, as a pyenv shim for a version that is not selected does), and
scripts/run-tests read its output without its exit status, so CPython
3.13-3.15 dropped out of a green run. These tests run copies of the real
scripts in a scratch repository whose interpreters and installers are fakes,
so they touch no real virtualenv and download nothing.

scripts/run-tests runs them once, in its `scripts` step (not per mode:
they test the scripts, not the extensions):

    .venv/bin/python -m pytest tests/scripts
"""

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A pyenv shim for a version that is not selected: on PATH, executable,
# and failing whatever it is asked.
PYENV_SHIM = """#!/bin/sh
echo "pyenv: python3.12: command not found" >&2
exit 1
"""
# A virtualenv's python that passes ensure-venvs' check (and prints what
# run-tests asks it to print about itself).
WORKING_PYTHON = """#!/bin/sh
echo "fake python $0"
"""
# setup-cpython: 3.13 fails to install; 3.14 installs an interpreter that
# cannot make a virtualenv; anything else must not be asked for.
SETUP_CPYTHON = """#!/bin/sh
case $1 in
    3.13) echo "setup-cpython: error: apt-get download failed" >&2; exit 1 ;;
    3.14) echo "$(dirname "$0")/../broken-3.14/python3.14" ;;
    *) echo "setup-cpython: unexpected request for $1" >&2; exit 3 ;;
esac
"""
BROKEN_BASE = """#!/bin/sh
echo "Error: ensurepip is not available" >&2
exit 1
"""


def _script(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@dataclasses.dataclass
class Repo:
    root: Path
    env: dict


def _fake_venv(repo, version):
    _script(repo.root / f".venv-{version}" / "bin" / "python", WORKING_PYTHON)


@pytest.fixture
def repo(tmp_path):
    """A scratch repository: the real run-tests and ensure-venvs, fake
    everything they call, and a PATH on which python3.12 is the shim."""
    repo = tmp_path / "repo"
    for name in ("run-tests", "ensure-venvs"):
        _script(repo / "scripts" / name, (ROOT / "scripts" / name).read_text())
    _script(repo / "scripts" / "ensure-venv", "#!/bin/sh\necho 'fake .venv ready'\n")
    _script(repo / "scripts" / "ensure-numpy", "#!/bin/sh\necho 'fake NumPy ready'\n")
    _script(repo / "scripts" / "setup-cpython", SETUP_CPYTHON)
    _script(repo / "broken-3.14" / "python3.14", BROKEN_BASE)
    bin_dir = tmp_path / "bin"
    _script(bin_dir / "python3.12", PYENV_SHIM)
    # ensure-venvs installs 3.13+ only on Debian x86_64: make this machine one.
    _script(bin_dir / "uname", "#!/bin/sh\necho Linux x86_64\n")
    for tool in ("dpkg", "apt-get"):
        _script(bin_dir / tool, "#!/bin/sh\nexit 0\n")
    home = tmp_path / "home"  # no ~/.pyenv
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HPY_RS_", "HPY_PYTHON", "CARGO_TARGET_DIR"))}
    env.update(HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               HPY_RS_NO_PYPY="1")
    return Repo(repo, env)


def _run(repo, *args):
    return subprocess.run([str(repo.root / "scripts" / args[0]), *args[1:]], cwd=repo.root, env=repo.env,
                          capture_output=True, text=True, timeout=120)


def _lines(stdout):
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in stdout.splitlines()}


def test_ensure_venvs_sets_up_every_version_it_can_and_reports_each_failure(repo):
    _fake_venv(repo, "3.15")
    proc = _run(repo, "ensure-venvs")
    assert proc.returncode == 1, proc
    lines = _lines(proc.stdout)
    assert list(lines) == ["3.12", "3.13", "3.14", "3.15"], proc.stdout
    # The shim is passed over and named; 3.12 is not installed, so a skip.
    assert lines["3.12"].startswith("SKIP no working CPython 3.12"), lines["3.12"]
    assert "python3.12 does not work: pyenv: python3.12: command not found (exit status 1)" \
        in lines["3.12"], lines["3.12"]
    # 3.13+ should be installable here: their failures are failures...
    assert lines["3.13"] == "FAILED scripts/setup-cpython 3.13 failed (its messages are above)"
    assert lines["3.14"].startswith("FAILED ") and "-m venv" in lines["3.14"], lines["3.14"]
    assert "apt-get download failed" in proc.stderr and "ensurepip is not available" in proc.stderr
    # ...that do not keep the next version from being set up.
    assert lines["3.15"] == str(repo.root / ".venv-3.15" / "bin" / "python")
    assert "FAILED: CPython 3.13 3.14" in proc.stderr, proc.stderr


def test_ensure_venvs_exits_0_when_only_skips(repo):
    for v in ("3.13", "3.14", "3.15"):
        _fake_venv(repo, v)
    proc = _run(repo, "ensure-venvs")
    assert proc.returncode == 0, proc
    assert [line.split()[:2] for line in proc.stdout.splitlines()] == [
        ["3.12", "SKIP"], *([v, str(repo.root / f".venv-{v}/bin/python")]
                            for v in ("3.13", "3.14", "3.15"))]


def test_run_tests_fails_when_a_cpython_that_should_be_testable_is_missing(repo):
    _fake_venv(repo, "3.15")
    proc = _run(repo, "run-tests", "env")
    assert proc.returncode == 1, proc
    out = proc.stdout + proc.stderr
    assert "run-tests: SKIP: CPython 3.12: no working CPython 3.12" in out, out
    assert "run-tests: FAILED: CPython 3.13: scripts/setup-cpython 3.13 failed" in out, out
    assert "run-tests: FAILED: CPython 3.14: " in out, out
    assert "run-tests: CPython 3.13 3.14 should be testable here but could not be set up" in out
    assert "FAILED (exit status 1) in step: env: CPython" in out, out


def test_run_tests_prints_each_skip_and_goes_on(repo):
    for v in ("3.13", "3.14", "3.15"):
        _fake_venv(repo, v)
    proc = _run(repo, "run-tests", "env")
    assert proc.returncode == 0, proc
    out = proc.stdout + proc.stderr
    assert "run-tests: SKIP: CPython 3.12: no working CPython 3.12" in out, out
    assert "run-tests: SKIP: PyPy: " in out and "HPY_RS_NO_PYPY=1" in out, out
    for v in ("3.13", "3.14", "3.15"):
        assert f"fake python {repo.root}/.venv-{v}/bin/python" in out, out
    assert "run-tests: all requested steps passed" in out, out


def test_run_tests_leaves_out_only_what_hpy_rs_cpythons_leaves_out(repo):
    _fake_venv(repo, "3.14")
    repo.env["HPY_RS_CPYTHONS"] = "3.14"
    proc = _run(repo, "run-tests", "env")
    assert proc.returncode == 0, proc
    out = proc.stdout + proc.stderr
    for v in ("3.12", "3.13", "3.15"):
        assert f"run-tests: SKIP: CPython {v}: not in HPY_RS_CPYTHONS=3.14" in out, out
    assert f"fake python {repo.root}/.venv-3.14/bin/python" in out, out

