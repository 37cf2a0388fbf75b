"""What a new user meets first (issue 37): hpy-rs's crates from a registry
with `cargo add`, and a project made and built from nothing but a
wheelhouse, with no checkout of hpy-rs in sight.

- test_cargo_add_from_a_local_registry: the SDK crates as
  scripts/package-crates packs them, served as a sparse registry on
  127.0.0.1 by a server this test starts and stops, with the third-party
  crates they need (proc-macro2, quote, syn, unicode-ident: the .crate
  files cargo downloaded for this workspace, at Cargo.lock's versions).
  A fresh CARGO_HOME replaces crates.io by that registry, so the build is
  offline and sees nothing but what a registry would serve. Then, in a
  crate from `cargo new --lib`: `cargo add hpy-rs --rename hpy --registry`,
  `cargo build --features universal`, `cargo doc` with no Python (what
  docs.rs does), `cargo hpy build` in both ABIs, imported on CPython 3.14
  (.venv-3.14; else the running one) and on PyPy.
- A project made from nothing but the tool wheel, published and installed
  on every interpreter, is tests/ship/test_index.py (through a real
  package index, with the checkout hidden by `checkout_hider` and the
  commands kept by `Transcript`, both defined here).

It runs once, with CPython 3.11 in its --hpy-mode=cpython run (like
test_packaging's version-independent tests).
"""

import gzip
import hashlib
import http.server
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import threading
import tomllib
from pathlib import Path

import pytest

from test_packaging import ROOT, clean_env, pypy_path, run, version_independent

# The crates.io crates hpy-rs's crates need to build (not their tests).
THIRD_PARTY = ["proc-macro2", "quote", "syn", "unicode-ident"]

LIB_RS = """\
use hpy::{hpy_method, hpy_module};

/// Adds two integers.
#[hpy_method]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

hpy_module! {
    /// From a registry.
    methods: [add],
}
"""


RUNS_ONCE = ("front-door tests run",
             "they drive CPython and PyPy through subprocesses")
pytestmark = pytest.mark.usefixtures("only_once")


@pytest.fixture(scope="module")
def cargo_hpy():
    if os.environ.get("CARGO_HPY"):
        return os.environ["CARGO_HPY"]
    run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=ROOT)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return str((ROOT / target) / "debug" / "cargo-hpy")


# ------------------------------------------------------------ the registry


def index_path(name):
    """A crate's file in a registry index (cargo's layout by name length)."""
    name = name.lower()
    if len(name) <= 2:
        return f"{len(name)}/{name}"
    if len(name) == 3:
        return f"3/{name[0]}/{name}"
    return f"{name[:2]}/{name[2:4]}/{name}"


def index_entry(crate_file):
    """The index line of a .crate file, from the manifest inside it."""
    data = crate_file.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1
                      and m.name.endswith("/Cargo.toml"))
        manifest = tomllib.loads(tar.extractfile(member).read().decode())
    deps = []

    def add(table, kind, target=None):
        for key, spec in (table or {}).items():
            spec = {"version": spec} if isinstance(spec, str) else spec
            dep = {"name": spec.get("package", key), "req": spec.get("version", "*"),
                   "features": spec.get("features", []),
                   "optional": spec.get("optional", False),
                   "default_features": spec.get("default-features", True),
                   "target": target, "kind": kind}
            if "package" in spec:
                dep["name"], dep["package"] = key, spec["package"]
            deps.append(dep)
    # Development dependencies too (features may name them); cargo does not
    # resolve them for a registry crate.
    for kind, key in [("normal", "dependencies"), ("build", "build-dependencies"),
                      ("dev", "dev-dependencies")]:
        add(manifest.get(key), kind)
        for target, tables in manifest.get("target", {}).items():
            add(tables.get(key), kind, target)
    features = manifest.get("features", {})
    modern = any(v.startswith("dep:") or "?/" in v for vs in features.values() for v in vs)
    package = manifest["package"]
    return {"name": package["name"], "vers": package["version"], "deps": deps,
            "cksum": hashlib.sha256(data).hexdigest(),
            "features": {} if modern else features,
            **({"features2": features, "v": 2} if modern else {}),
            "yanked": False, "links": package.get("links")}


def locked_version(name):
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text())
    versions = [p["version"] for p in lock["package"] if p["name"] == name]
    # syn 2 is what hpy-macros-backend asks for.
    return sorted(versions, key=lambda v: [int(x) for x in v.split(".")])[0]


class Registry:
    """A sparse registry served from `root` on 127.0.0.1, until stop()."""

    def __init__(self, root):
        handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(root))
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The registry's URL and a CARGO_HOME whose crates.io is that registry."""
    root = tmp_path_factory.mktemp("registry")
    files = run([ROOT / "scripts" / "package-crates", root / "crates"], cwd=ROOT).stdout.split()
    assert [Path(f).name for f in files] == [
        f"{c}-0.1.0.crate" for c in ["hpy-build-config", "hpy-sys", "hpy-macros-backend",
                                     "hpy-macros", "hpy-rs"]], files
    cargo_home = Path(os.environ.get("CARGO_HOME") or Path.home() / ".cargo")
    caches = sorted((cargo_home / "registry" / "cache").glob("index.crates.io-*"))
    for name in THIRD_PARTY:
        wanted = f"{name}-{locked_version(name)}.crate"
        found = [c / wanted for c in caches if (c / wanted).exists()]
        if not found:
            run(["cargo", "fetch", "--locked"], cwd=ROOT)
            found = [c / wanted for c in caches if (c / wanted).exists()]
        assert found, f"{wanted} is not in cargo's download cache under {cargo_home}"
        shutil.copy(found[0], root / "crates")
    for crate in sorted((root / "crates").glob("*.crate")):
        entry = index_entry(crate)
        path = root / "index" / index_path(entry["name"])
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as f:
            f.write(json.dumps(entry) + "\n")
    server = Registry(root)
    (root / "index" / "config.json").write_text(json.dumps(
        {"dl": f"{server.url}/crates/{{crate}}-{{version}}.crate"}))
    home = tmp_path_factory.mktemp("cargo-home")
    (home / "config.toml").write_text(
        f'[registries.hpy-local]\nindex = "sparse+{server.url}/index/"\n\n'
        '# Everything from the local registry: offline, and only what it serves.\n'
        '[source.crates-io]\nreplace-with = "hpy-local"\n')
    yield server.url, home
    server.stop()


@version_independent
def test_cargo_add_from_a_local_registry(cargo_hpy, registry, tmp_path):
    url, cargo_home = registry
    env = clean_env(CARGO_HOME=str(cargo_home), RUSTUP_HOME=os.environ.get(
        "RUSTUP_HOME", str(Path.home() / ".rustup")), CARGO_TARGET_DIR=str(tmp_path / "target"))
    env["PATH"] = f"{Path(cargo_hpy).parent}{os.pathsep}{env['PATH']}"
    run(["cargo", "new", "--lib", "-q", "fromreg"], cwd=tmp_path, env=env)
    project = tmp_path / "fromreg"
    proc = run(["cargo", "add", "hpy-rs", "--rename", "hpy", "--registry", "hpy-local"],
               cwd=project, env=env)
    manifest = (project / "Cargo.toml").read_text()
    assert 'hpy = { version = "0.1.0", registry = "hpy-local", package = "hpy-rs" }' \
        in manifest, manifest + proc.stderr
    # The template's conventions: a cdylib, and `universal` forwarded.
    (project / "Cargo.toml").write_text(
        manifest + '\n[lib]\ncrate-type = ["cdylib"]\n\n[features]\n'
        'universal = ["hpy/universal"]\n')
    (project / "src" / "lib.rs").write_text(LIB_RS)
    run(["cargo", "build", "-q", "--features", "universal"], cwd=project, env=env)
    # docs.rs: no Python at all (DOCS_RS makes hpy-sys's build script skip it).
    run(["cargo", "doc", "-q", "--no-deps", "-p", "hpy-rs"], cwd=project,
        env={**env, "DOCS_RS": "1", "HPY_PYTHON": "/nonexistent"})
    assert (tmp_path / "target" / "doc" / "hpy" / "index.html").exists()
    out = tmp_path / "out"
    # CPython 3.14 when run-tests set it up (the choice), else this one.
    cpython = ROOT / ".venv-3.14" / "bin" / "python"
    cpython = cpython if cpython.exists() else Path(sys.executable)
    run([cargo_hpy, "hpy", "build", "--python", cpython, "--out", out / "cpython"],
        cwd=project, env=env)
    run([cargo_hpy, "hpy", "build", "--universal", "--out", out / "universal"],
        cwd=project, env=env)
    lock = (project / "Cargo.lock").read_text()
    assert f"sparse+{url}/index/" in lock and "crates.io-index" not in lock, lock
    check = "import fromreg; assert fromreg.add(2, 3) == 5; print(fromreg.__file__)"
    got = run([cpython, "-c", check],
              env=clean_env(PYTHONPATH=str(out / "cpython"))).stdout.strip()
    assert got.endswith(".so") and not got.endswith(".hpy0.so"), got
    pypy = pypy_path()
    if pypy is None:
        pytest.skip("built and imported on CPython; no PyPy with HPy for the universal "
                    "binary (set HPY_RS_PYPY or run scripts/setup-pypy)")
    got = run([pypy, "-c", check], env=clean_env(PYTHONPATH=str(out / "universal")))
    assert got.stdout.strip().endswith("fromreg.hpy0.so"), got.stdout


# ------------------------------------------------------- a hidden checkout


HIDE_CHECKOUT = 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"'


def checkout_hider():
    """A command prefix that runs a command in a mount namespace where the
    checkout is an empty read-only directory (as root, else in a user
    namespace), or None and why that cannot be done here."""
    tries = [["unshare", "--mount", "--propagation", "private"],
             ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]]
    errors = []
    for prefix in tries:
        cmd = prefix + ["sh", "-c", HIDE_CHECKOUT, str(ROOT), "sh", "-c",
                        f'test -z "$(ls -A {shlex.quote(str(ROOT))})"']
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  universal_newlines=True)
        except OSError as e:
            errors.append(f"{' '.join(prefix)}: {e}")
            continue
        if proc.returncode == 0:
            return prefix + ["sh", "-c", HIDE_CHECKOUT, str(ROOT)], None
        errors.append(f"{' '.join(prefix)}: {proc.stdout.strip() or proc.returncode}")
    return None, "; ".join(errors)


class Transcript:
    """Runs a user's commands and keeps them with their output (printed:
    `pytest -s` shows what a new user sees)."""

    def __init__(self, env, root, prefix):
        self.env, self.root, self.prefix, self.lines = env, root, prefix or [], []

    def __call__(self, cmd, cwd, **env):
        proc = run(self.prefix + [str(c) for c in cmd], cwd=cwd, env={**self.env, **env})
        shown = " ".join(str(c).replace(str(self.root), "$T") for c in cmd)
        where = str(cwd).replace(str(self.root), "$T")
        self.lines.append(f"{where}$ {' '.join(f'{k}={v}' for k, v in env.items())}"
                          f"{' ' if env else ''}{shown}")
        out = (proc.stdout + proc.stderr).replace(str(self.root), "$T").rstrip()
        self.lines += ["  " + line for line in out.splitlines() if line.strip()]
        return proc
