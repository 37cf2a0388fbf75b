"""hpy-rs shipped through a real package index, as an author and their
users meet it (scripts/run-tests' `ship` step; it needs the python step's
builds: run alone it builds what it needs, slowly).

1. The release: `scripts/release OUT --profile dev` writes the SDK crates,
   the tool wheel `hpy-rs-build` and the host `hpy-rs-universal`: ONE wheel
   for every CPython that run-tests set up.
2. A package index: pypiserver (pinned, from PyPI, into a virtualenv of
   its own) on 127.0.0.1, uploads only with a password. The release's
   wheels go up with the checkout's `cargo hpy upload`.
3. The author, with the checkout hidden (an empty directory in their mount
   namespace): `pip install hpy-rs-build` from the index, `cargo hpy new
   demo`, `cargo hpy publish --universal` (its sdist and universal wheel).
4. The users, each in a fresh virtualenv with nothing pre-installed:
   `pip install --index-url http://127.0.0.1:PORT/simple/ demo` on every
   CPython 3.11-3.15 set up here and on PyPy; the module imports and runs,
   plain and under HPY=debug (inside the host's LeakDetector).
5. `pip install --no-binary demo demo` on CPython 3.11: the sdist from the
   index, built in a directory that shares no path with the one that made
   it (the author's project is moved away first), by the hpy-rs-build
   backend that pip also takes from the index.

The dev profile keeps this step within CI's budget; the artefacts are the
same files a release builds, in another profile.
"""

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from test_front_door import Transcript, checkout_hider  # noqa: E402
from test_packaging import clean_env, make_venv, pypy_path, run  # noqa: E402

PYPISERVER = ["pypiserver==2.4.2", "passlib==1.7.4"]
USER, PASSWORD = "author", "s3cret-upload"

CHECK = """\
import os, sys
import demo
assert demo.add(1, 2) == 3
if os.environ.get("HPY") == "debug":
    try:
        from hpy_rs_universal.debug import LeakDetector
    except ImportError:
        from hpy.debug import LeakDetector
    with LeakDetector():
        assert demo.add(2, 3) == 5
        demo.greet("debug")
hosts = sorted(m for m in sys.modules if m.startswith(("hpy_rs_universal", "hpy.")))
print(demo.greet("index"), demo.__file__.rsplit("/", 1)[1], hosts[:1])
"""


def cpythons():
    """(name, python) for CPython 3.11 (this one) and every .venv-3.X
    run-tests set up; the versions missing are printed, with why."""
    found = [("cpython-3.11", Path(sys.executable))]
    for minor in range(12, 16):
        python = ROOT / f".venv-3.{minor}" / "bin" / "python"
        if python.exists():
            found.append((f"cpython-3.{minor}", python))
        else:
            print(f"SKIP: CPython 3.{minor}: no {python.relative_to(ROOT)} "
                  "(scripts/ensure-venvs makes it where it can)")
    return found


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    versions = " ".join(name.split("-")[1] for name, _ in cpythons())
    env = clean_env(HPY_RS_RELEASE_VERSIONS=versions)
    start = time.monotonic()
    proc = run([ROOT / "scripts" / "release", out, "--profile", "dev"], cwd=ROOT, env=env)
    print(f"\nscripts/release ({time.monotonic() - start:.0f} s):\n{proc.stdout}")
    wheels = sorted(p.name for p in (out / "wheels").iterdir())
    hosts = [w for w in wheels if w.startswith("hpy_rs_universal-")]
    assert len(hosts) == 1, wheels
    tags = hosts[0].split("-")[2].split(".")
    assert tags == [f"cp3{v.split('.')[1]}" for v in versions.split()], hosts
    crates = sorted(p.name for p in (out / "crates").iterdir())
    assert [c.rsplit("-", 1)[0] for c in crates] == [
        "hpy-build-config", "hpy-macros", "hpy-macros-backend", "hpy-rs", "hpy-sys",
        "hpy-universal"], crates
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A pypiserver on 127.0.0.1 that takes uploads with USER/PASSWORD:
    its upload URL and its simple index's."""
    where = tmp_path_factory.mktemp("index")
    venv = make_venv(sys.executable, where / "venv")
    run([venv, "-m", "pip", "install", "-q", *PYPISERVER])
    run([venv, "-c", "import sys; from passlib.apache import HtpasswdFile as H; "
         "h = H(sys.argv[1], new=True); h.set_password(sys.argv[2], sys.argv[3]); h.save()",
         where / "htpasswd", USER, PASSWORD])
    (where / "packages").mkdir()
    port = free_port()
    log = open(where / "server.log", "w")
    server = subprocess.Popen(
        [venv.parent / "pypi-server", "run", "-i", "127.0.0.1", "-p", str(port),
         "-P", where / "htpasswd", "-a", "update", where / "packages"],
        stdout=log, stderr=subprocess.STDOUT, env=clean_env())
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/simple/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"pypiserver exited: {(where / 'server.log').read_text()}")
                time.sleep(0.1)
        else:
            pytest.fail("pypiserver did not answer within 20 s")
        yield f"{base}/", f"{base}/simple/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_author_publishes_and_users_install_from_the_index(release, index, tmp_path):
    upload_url, simple = index
    cargo_hpy = os.environ.get("CARGO_HPY") or str(
        Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "cargo-hpy")
    credentials = ["--repository-url", upload_url, "-u", USER, "-p", PASSWORD]
    # The release's wheels go up first (a maintainer's checkout does this).
    run([cargo_hpy, "hpy", "upload", *credentials, *sorted((release / "wheels").iterdir())],
        cwd=ROOT)

    home = tmp_path / "home"
    home.mkdir()
    tool = make_venv(sys.executable, tmp_path / "tool")
    env = clean_env(HOME=str(home),
                    CARGO_HOME=os.environ.get("CARGO_HOME") or str(Path.home() / ".cargo"),
                    RUSTUP_HOME=os.environ.get("RUSTUP_HOME", str(Path.home() / ".rustup")),
                    PATH=f"{tool.parent}{os.pathsep}{os.environ['PATH']}",
                    CARGO_TARGET_DIR=str(tmp_path / "author-target"))
    env.pop("CARGO_HPY", None)
    hider, why_not = checkout_hider()
    assert hider is not None or not sys.platform.startswith("linux"), (
        f"cannot hide the checkout on Linux: {why_not}")
    who = Transcript(env, tmp_path, hider)

    # ---- the author
    who([tool, "-m", "pip", "install", "-q", "--index-url", simple, "hpy-rs-build"], cwd=tmp_path)
    who(["cargo", "hpy", "new", "demo"], cwd=tmp_path)
    demo = tmp_path / "demo"
    # The dev profile (--debug) keeps CI's time; a release would leave it out.
    who(["cargo", "hpy", "publish", "--universal", "--debug", *credentials], cwd=demo)

    # ---- the users: nothing pre-installed, nothing but the index.
    users = cpythons()
    if pypy_path() is not None:
        users.append(("pypy", pypy_path()))
    else:
        print("SKIP: PyPy: no PyPy with HPy (set HPY_RS_PYPY or run scripts/setup-pypy)")
    for name, base in users:
        python = make_venv(base, tmp_path / f"user-{name}")
        who([python, "-m", "pip", "install", "-q", "--index-url", simple, "demo"], cwd=home)
        for mode in ("", "debug"):
            extra = {"HPY": mode} if mode else {}
            out = who([python, "-c", CHECK], cwd=home, **extra).stdout
            assert out.startswith("Hello, index! demo.hpy0.so"), (name, mode, out)
            assert ("hpy_rs_universal" in out) == name.startswith("cpython"), (name, out)

    # ---- the sdist, from the index, built where nothing of the author's is.
    shutil.move(demo, tmp_path / "moved-away")
    builder = make_venv(sys.executable, tmp_path / "sdist-user")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    who([builder, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", "demo",
         "--index-url", simple, "-d", elsewhere, "demo"], cwd=elsewhere)
    (sdist,) = elsewhere.glob("demo-*.tar.gz")
    check_sdist_paths(sdist, elsewhere / "unpacked")
    who([builder, "-m", "pip", "install", "-q", "--no-binary", "demo", "--index-url", simple,
         "-C", "hpy-profile=debug", "demo"], cwd=elsewhere,
        CARGO_TARGET_DIR=str(elsewhere / "target"))
    out = who([builder, "-c", CHECK], cwd=home).stdout
    assert out.startswith("Hello, index! demo.cpython-311"), out
    print("\n".join(["", "--- what the author and the users run "
                     "($T: a directory outside the checkout)"] + who.lines))


def check_sdist_paths(sdist, into):
    """Every path an sdist's manifests name stays inside the sdist."""
    with tarfile.open(sdist) as tar:
        tar.extractall(into, filter="data")
    (top,) = into.iterdir()
    manifests = list(top.rglob("Cargo.toml")) + list(top.rglob(".cargo/config.toml"))
    assert manifests
    checked = 0
    for manifest in manifests:
        data = tomllib.loads(manifest.read_text())
        for path in manifest_paths(data):
            resolved = (manifest.parent / path).resolve()
            assert resolved.is_relative_to(top.resolve()), (manifest, path)
            checked += 1
    assert checked, "the sdist names no path dependency: the SDK crates should be vendored"


def manifest_paths(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "path" and isinstance(item, str):
                yield item
            else:
                yield from manifest_paths(item)
    elif isinstance(value, list):
        for item in value:
            yield from manifest_paths(item)
