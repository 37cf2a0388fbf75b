"""`cargo hpy upload` and `cargo hpy publish` against a real package index:
pypiserver (pinned, from PyPI) on 127.0.0.1 with upload authentication
(an htpasswd file written with passlib).

Uploads of small pure-Python wheels made here check the errors and the
options: a wrong password (403) and none (401), a file the index has (409)
and --skip-existing, an unreachable index, a repository of ~/.pypirc
(`-r NAME`, in a temporary HOME) with an API token (`__token__`). Then
`cargo hpy publish` uploads the sdist and the universal wheel of a project
made by `cargo hpy new`, `cargo hpy upload` the host hpy-rs-universal's
wheel for this CPython, and `pip install --index-url .../simple/` into a
fresh virtualenv installs both from the index and imports the module.

The tests drive everything through subprocesses and do not depend on the
interpreter running them: they run once, in CPython 3.11's
--hpy-mode=cpython run, and skip elsewhere, saying so. pypiserver comes
from PyPI: without network the tests skip (outside CI) or fail (in CI).
"""

import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

# cargo_hpy is a fixture (the checkout's cargo-hpy, built when needed).
from test_packaging import ROOT, cargo_hpy, clean_env, run  # noqa: F401
from test_packaging import make_venv as packaging_make_venv
PYPISERVER = "pypiserver==2.4.2"
PASSLIB = "passlib==1.7.4"
USER, PASSWORD, TOKEN = "alice", "s3cret", "pypi-test-token"


RUNS_ONCE = ("upload tests run", "they drive cargo-hpy, pip and an index through subprocesses")
# None of them depends on the CPython version.
VERSION_INDEPENDENT = True
pytestmark = pytest.mark.usefixtures("only_once")


def make_venv(where):
    return packaging_make_venv(sys.executable, where)


def from_pypi(venv, *requirements):
    """pip install pinned requirements from PyPI into venv; skips the test
    when PyPI cannot be reached, except in CI, where that is a failure."""
    proc = run([venv, "-m", "pip", "install", "-q", *requirements], ok=False)
    if proc.returncode != 0:
        reason = (f"{' '.join(requirements)} could not be installed from PyPI (no network?): "
                  f"{proc.stderr.strip()[-300:]}")
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_wheel(out, name, version):
    """A small valid pure-Python wheel (what is uploaded does not matter
    to these tests, only that it is a wheel with core metadata)."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": "VALUE = 1\n",
        f"{dist_info}/METADATA": (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                  "Summary: an upload test\n\nA description.\n"),
        f"{dist_info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: test_publish\n"
                               "Root-Is-Purelib: true\nTag: py3-none-any\n"),
    }
    path = Path(out) / f"{name}-{version}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(path, "w") as z:
        for file, text in files.items():
            z.writestr(file, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest())
            record.append(f"{file},sha256={digest.rstrip(b'=').decode()},{len(text)}")
        z.writestr(f"{dist_info}/RECORD", "\n".join(record + [f"{dist_info}/RECORD,,"]) + "\n")
    return path


class Index:
    """A running pypiserver: `url` takes uploads, `simple` is pip's index."""

    def __init__(self, url, packages):
        self.url, self.simple, self.packages = url, url + "simple/", packages

    def files(self):
        return sorted(p.name for p in self.packages.iterdir())


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    where = tmp_path_factory.mktemp("pypiserver")
    venv = make_venv(where / "venv")
    from_pypi(venv, PYPISERVER, PASSLIB)
    htpasswd = where / "htpasswd"
    run([venv, "-c", "import sys; from passlib.apache import HtpasswdFile; "
                     "h = HtpasswdFile(sys.argv[1], new=True); "
                     "h.set_password(sys.argv[2], sys.argv[3]); "
                     "h.set_password('__token__', sys.argv[4]); h.save()",
         htpasswd, USER, PASSWORD, TOKEN])
    packages = where / "packages"
    packages.mkdir()
    port = free_port()
    log = open(where / "server.log", "w")
    server = subprocess.Popen(
        [venv.parent / "pypi-server", "run", "-i", "127.0.0.1", "-p", str(port),
         "-P", htpasswd, "-a", "update", packages],
        stdout=log, stderr=subprocess.STDOUT, env=clean_env())
    url = f"http://127.0.0.1:{port}/"
    try:
        # Ready when it answers; a server that never does fails the test.
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"pypiserver exited: {(where / 'server.log').read_text()}")
            try:
                urllib.request.urlopen(url + "simple/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"pypiserver did not answer in 30 s: {(where / 'server.log').read_text()}")
        yield Index(url, packages)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def upload(cargo_hpy, *args, env=None):
    return run([cargo_hpy, "hpy", "upload", *args], ok=False, env=env or clean_env())


def test_wrong_or_missing_credentials_are_explained(cargo_hpy, index, tmp_path):
    wheel = make_wheel(tmp_path, "pubtest_denied", "1.0")
    proc = upload(cargo_hpy, wheel, "--repository-url", index.url, "-u", USER, "-p", "wrong")
    assert proc.returncode == 1, proc.stderr
    assert f"cargo-hpy: error: {index.url} refused the upload (403 Forbidden)" in proc.stderr
    assert "check the user name and password" in proc.stderr, proc.stderr
    proc = upload(cargo_hpy, wheel, "--repository-url", index.url)
    assert proc.returncode == 1, proc.stderr
    assert f"{index.url} refused the upload (401 Unauthorized)" in proc.stderr, proc.stderr
    assert "no credentials were given" in proc.stderr, proc.stderr
    assert "pubtest_denied-1.0-py3-none-any.whl" not in index.files()


def test_upload_then_conflict_then_skip_existing(cargo_hpy, index, tmp_path):
    wheel = make_wheel(tmp_path, "pubtest_twice", "1.0")
    # Credentials from the environment (twine's variables).
    env = clean_env(TWINE_USERNAME=USER, TWINE_PASSWORD=PASSWORD)
    proc = upload(cargo_hpy, wheel, "--repository-url", index.url, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "cargo-hpy: uploaded pubtest_twice-1.0-py3-none-any.whl" in proc.stderr
    assert wheel.name in index.files()
    proc = upload(cargo_hpy, wheel, "--repository-url", index.url, env=env)
    assert proc.returncode == 1
    assert (f"cargo-hpy: error: {index.url} already has {wheel.name} (409): an index never "
            "replaces a file") in proc.stderr, proc.stderr
    # --skip-existing: the file it has is skipped, a new one is uploaded.
    newer = make_wheel(tmp_path, "pubtest_twice", "1.1")
    proc = upload(cargo_hpy, wheel, newer, "--repository-url", index.url, "--skip-existing",
                  env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"skipped {wheel.name}: {index.url} already has it" in proc.stderr, proc.stderr
    assert f"uploaded {newer.name}" in proc.stderr, proc.stderr
    assert newer.name in index.files()


def test_unreachable_index(cargo_hpy, tmp_path):
    wheel = make_wheel(tmp_path, "pubtest_nowhere", "1.0")
    url = f"http://127.0.0.1:{free_port()}/"
    proc = upload(cargo_hpy, wheel, "--repository-url", url, "-p", "x")
    assert proc.returncode == 1
    assert re.search(rf"cargo-hpy: error: could not reach {re.escape(url)}: .*[Cc]onnection "
                     "refused", proc.stderr), proc.stderr


def test_repository_from_pypirc_with_a_token(cargo_hpy, index, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".pypirc").write_text(
        "[distutils]\nindex-servers =\n    local\n\n"
        f"[local]\nrepository = {index.url}\npassword = {TOKEN}\n")
    wheel = make_wheel(tmp_path, "pubtest_pypirc", "1.0")
    proc = upload(cargo_hpy, wheel, "-r", "local", env=clean_env(HOME=str(home)))
    assert proc.returncode == 0, proc.stderr
    assert wheel.name in index.files()
    proc = upload(cargo_hpy, wheel, "-r", "elsewhere", env=clean_env(HOME=str(home)))
    assert proc.returncode == 1
    assert f"repository `elsewhere` is not in {home / '.pypirc'}" in proc.stderr, proc.stderr


def shared_target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")


def test_publish_a_new_project_and_pip_install_it(cargo_hpy, index, tmp_path):
    project = tmp_path / "demo-pub"
    run([cargo_hpy, "hpy", "new", project])
    out = tmp_path / "dist"
    # The universal wheel (dev profile: the test's build time) and the sdist.
    proc = run([cargo_hpy, "hpy", "publish", "--debug", "--universal", "--manifest-path",
                project / "Cargo.toml", "--target-dir", shared_target_dir(), "--out", out,
                "--repository-url", index.url, "-u", USER, "-p", PASSWORD])
    published = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(published) == 2, published
    assert re.fullmatch(r"demo_pub-0\.1\.0-py3-none-\w+\.whl", published[0]), published
    assert published[1] == "demo_pub-0.1.0.tar.gz", published
    for name in published:
        assert f"uploaded {name}" in proc.stderr, proc.stderr
        assert name in index.files()
    # The host for this CPython, as test_packaging builds it.
    host_out = tmp_path / "host"
    host = Path(run([cargo_hpy, "hpy", "wheel", "-p", "hpy-universal", "--python",
                     sys.executable, "--out", host_out], cwd=ROOT).stdout.split()[-1])
    proc = upload(cargo_hpy, host, "--repository-url", index.url, "-u", USER, "-p", PASSWORD,
                  "--skip-existing")
    assert proc.returncode == 0, proc.stderr
    # A user's fresh virtualenv, the index as its only source.
    venv = make_venv(tmp_path / "user")
    proc = run([venv, "-m", "pip", "install", "--index-url", index.simple, "demo-pub"])
    installed = re.search(r"Successfully installed (.*)", proc.stdout)
    assert installed and sorted(installed.group(1).split()) == [
        "demo-pub-0.1.0", "hpy-rs-universal-0.1.0"], proc.stdout
    script = ("import demo_pub, hpy_rs_universal; assert demo_pub.add(2, 3) == 5; "
              "print(demo_pub.__file__)")
    out = run([venv, "-c", script]).stdout.strip()
    assert out.endswith("demo_pub.hpy0.so"), out
