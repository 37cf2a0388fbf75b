"""hpy_rs_build: a PEP 517 build backend for hpy-rs extension crates.

``pip install DIR`` builds the crate in DIR (the directory with Cargo.toml and
pyproject.toml) with ``cargo hpy wheel`` and hands pip the wheel. It needs
only the standard library; a Rust toolchain (cargo) must be installed.

Use it from the crate's pyproject.toml::

    [build-system]
    requires = []
    build-backend = "hpy_rs_build"
    backend-path = ["build-backend"]   # a directory holding (a link to) this file

Config settings (``pip install DIR -C KEY=VALUE``):

``hpy-abi``
    ``universal`` (default): one ``NAME.hpy0.so`` for CPython (with the ``hpy``
    package, which the wheel requires there), PyPy and GraalPy.
    ``cpython``: a module for the CPython running pip only (3.11-3.15); the
    build needs nothing but that Python and its headers.
``hpy-profile``
    ``release`` (default) or ``debug``: cargo's profile.

cargo-hpy is found as ``$CARGO_HPY``, else ``cargo-hpy`` on PATH, else (when
this file lives in an hpy-rs checkout) run from that checkout's source with
``cargo run``.
"""

import io
import os
import shutil
import subprocess
import sys
import tarfile

__all__ = [
    "build_wheel",
    "build_sdist",
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
]

ABIS = ("universal", "cpython")
PROFILES = ("release", "debug")


class BuildError(RuntimeError):
    """A problem the user must fix; the message says how."""


def _setting(config_settings, key, choices):
    value = (config_settings or {}).get(key, choices[0])
    if isinstance(value, list):  # pip passes repeated keys as a list
        value = value[-1]
    if value not in choices:
        raise BuildError(
            "hpy_rs_build: config setting %s=%r is not one of %s"
            % (key, value, ", ".join(choices))
        )
    return value


def _cargo():
    cargo = os.environ.get("CARGO") or "cargo"
    found = shutil.which(cargo)
    if found is None:
        raise BuildError(
            "hpy_rs_build: cargo not found (looked for %r on PATH): building an hpy-rs "
            "extension needs a Rust toolchain. Install Rust from https://rustup.rs and "
            "make sure cargo is on PATH (or set CARGO to its path)" % cargo
        )
    return found


def _cargo_hpy_command():
    """The command that runs cargo-hpy, as a list."""
    cargo = _cargo()  # cargo-hpy runs cargo, so it is needed in every case
    explicit = os.environ.get("CARGO_HPY")
    if explicit:
        return [explicit]
    on_path = shutil.which("cargo-hpy")
    if on_path:
        return [on_path]
    here = os.path.dirname(os.path.realpath(__file__))
    manifest = os.path.join(os.path.dirname(here), "cargo-hpy", "Cargo.toml")
    if os.path.isfile(manifest):
        return [cargo, "run", "--quiet", "--manifest-path", manifest, "--"]
    raise BuildError(
        "hpy_rs_build: cargo-hpy not found: install it (cargo install --path "
        "<hpy-rs>/cargo-hpy) or set CARGO_HPY to its path"
    )


def get_requires_for_build_wheel(config_settings=None):
    _setting(config_settings, "hpy-abi", ABIS)  # refuse a bad value early
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    abi = _setting(config_settings, "hpy-abi", ABIS)
    profile = _setting(config_settings, "hpy-profile", PROFILES)
    manifest = os.path.abspath("Cargo.toml")
    if not os.path.isfile(manifest):
        raise BuildError("hpy_rs_build: no Cargo.toml in %s" % os.getcwd())
    command = _cargo_hpy_command() + [
        "hpy", "wheel",
        "--manifest-path", manifest,
        "--out", os.path.abspath(wheel_directory),
    ]
    if abi == "universal":
        command.append("--universal")
    else:
        command += ["--python", sys.executable]
    if profile == "release":
        command.append("--release")
    print("hpy_rs_build: running %s" % " ".join(command), file=sys.stderr, flush=True)
    proc = subprocess.run(command, stdout=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        raise BuildError(
            "hpy_rs_build: cargo-hpy failed with exit status %d (its messages are above)"
            % proc.returncode
        )
    lines = proc.stdout.strip().splitlines()
    if not lines or not os.path.isfile(lines[-1]):
        raise BuildError("hpy_rs_build: cargo-hpy printed no wheel path: %r" % proc.stdout)
    return os.path.basename(lines[-1])


def _project_name_version():
    """(name, version) from pyproject.toml's [project], for the sdist name."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11: the directory name and 0
        return os.path.basename(os.getcwd()), "0"
    with open("pyproject.toml", "rb") as f:
        project = tomllib.load(f).get("project", {})
    name = project.get("name") or os.path.basename(os.getcwd())
    return name, project.get("version", "0")


def build_sdist(sdist_directory, config_settings=None):
    """The project directory as NAME-VERSION.tar.gz (without target/, VCS
    directories and byte code). Path dependencies outside the directory (like
    the examples' ``hpy = { path = "../../hpy" }``) are not included."""
    name, version = _project_name_version()
    base = "%s-%s" % (name.replace("-", "_").replace(".", "_").lower(), version)
    path = os.path.join(sdist_directory, base + ".tar.gz")
    skip_dirs = {"target", ".git", "__pycache__", ".venv", "dist"}
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for root, dirs, files in os.walk("."):
            dirs[:] = sorted(d for d in dirs if d not in skip_dirs)
            for file_name in sorted(files):
                if file_name.endswith(".pyc"):
                    continue
                full = os.path.join(root, file_name)
                tar.add(full, arcname=os.path.normpath(os.path.join(base, full)))
        pkg_info = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)).encode()
        info = tarfile.TarInfo(base + "/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return os.path.basename(path)
