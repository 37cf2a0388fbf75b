"""hpy_rs_build: the PEP 517 build backend of hpy-rs extension projects.

``pip install DIR`` builds the crate in DIR (the directory with Cargo.toml and
pyproject.toml) with ``cargo hpy wheel`` and hands pip the wheel;
``python -m build --sdist`` (or pip, from an sdist) goes through
``cargo hpy sdist``. It needs only the standard library and a Rust toolchain
(cargo).

The distribution ``hpy-rs-build`` (built by hpy-rs's
``scripts/build-backend-wheel OUT_DIR``) holds this module and the compiled
cargo-hpy, so a project's pyproject.toml needs only::

    [build-system]
    requires = ["hpy-rs-build"]
    build-backend = "hpy_rs_build"

Inside the hpy-rs repository, an example may instead use this file in place
(``requires = []``, ``backend-path = ["build-backend"]`` with a link to it).

Config settings (``pip install DIR -C KEY=VALUE``); any other key is an error
that names it:

``hpy-abi``
    ``auto`` (default): ``abi`` of ``[tool.hpy-rs]`` in pyproject.toml if set,
    else the CPython ABI when pip runs on CPython (a module for that CPython,
    which needs nothing at run time), the HPy universal ABI elsewhere (PyPy).
    ``universal``: one ``NAME.hpy0.so`` for CPython (through the host
    ``hpy-rs-universal``, which the wheel requires there) and PyPy.
    ``cpython``: a module for the CPython running pip only (3.11-3.15).
``hpy-profile``
    ``release`` or ``debug``: cargo's profile. Default: ``profile`` of
    ``[tool.hpy-rs]`` if set, else ``release``.
``hpy-features``
    Cargo features to enable, separated by commas or spaces (added to
    ``features`` of ``[tool.hpy-rs]``).
``build-args``
    Further ``cargo hpy wheel`` arguments, split like a shell would
    (``-C build-args="--features extra --locked"``), as maturin's backend
    takes them.

cargo-hpy is ``$CARGO_HPY`` if set, else the one inside this package (the
``hpy-rs-build`` wheel), else ``cargo-hpy`` on PATH, else (when this file lives
in an hpy-rs checkout) run from that checkout's source with ``cargo run``.
"""

import os
import shlex
import shutil
import subprocess
import sys

__all__ = [
    "build_wheel",
    "build_sdist",
    "build_editable",
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_editable",
]

ABIS = ("auto", "universal", "cpython")
PROFILES = ("release", "debug")
SETTINGS = ("hpy-abi", "hpy-profile", "hpy-features", "build-args")


class BuildError(RuntimeError):
    """A problem the user must fix; the message says how."""


def _check_settings(config_settings):
    unknown = sorted(set(config_settings or {}) - set(SETTINGS))
    if unknown:
        raise BuildError(
            "hpy_rs_build: unknown config setting%s %s (known: %s)"
            % ("s" if len(unknown) > 1 else "", ", ".join(map(repr, unknown)),
               ", ".join(SETTINGS))
        )


def _values(config_settings, key):
    """Every value given for key (pip passes a repeated -C key as a list)."""
    value = (config_settings or {}).get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _setting(config_settings, key, choices):
    values = _values(config_settings, key)
    value = values[-1] if values else choices[0]
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


def _bundled_cargo_hpy():
    """The cargo-hpy inside the hpy-rs-build wheel, if this is that."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "bin", "cargo-hpy")
    return path if os.path.isfile(path) else None


def _cargo_hpy_command():
    """The command that runs cargo-hpy, as a list."""
    cargo = _cargo()  # cargo-hpy runs cargo, so it is needed in every case
    explicit = os.environ.get("CARGO_HPY")
    if explicit:
        return [explicit]
    bundled = _bundled_cargo_hpy()
    if bundled:
        if not os.access(bundled, os.X_OK):
            raise BuildError("hpy_rs_build: %s is not executable; reinstall hpy-rs-build"
                             % bundled)
        return [bundled]
    on_path = shutil.which("cargo-hpy")
    if on_path:
        return [on_path]
    here = os.path.dirname(os.path.realpath(__file__))
    manifest = os.path.join(os.path.dirname(here), "cargo-hpy", "Cargo.toml")
    if os.path.isfile(manifest):
        return [cargo, "run", "--quiet", "--manifest-path", manifest, "--"]
    raise BuildError(
        "hpy_rs_build: cargo-hpy not found: install the hpy-rs-build wheel (built by "
        "hpy-rs's scripts/build-backend-wheel), or set CARGO_HPY to a cargo-hpy"
    )


def _run_cargo_hpy(arguments):
    """Runs cargo-hpy; returns the last line it printed, a path that exists."""
    command = _cargo_hpy_command() + ["hpy"] + arguments
    print("hpy_rs_build: running %s" % " ".join(command), file=sys.stderr, flush=True)
    proc = subprocess.run(command, stdout=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        raise BuildError(
            "hpy_rs_build: cargo-hpy failed with exit status %d (its messages are above)"
            % proc.returncode
        )
    lines = proc.stdout.strip().splitlines()
    if not lines or not os.path.isfile(lines[-1]):
        raise BuildError("hpy_rs_build: cargo-hpy printed no file path: %r" % proc.stdout)
    return lines[-1]


def _manifest():
    manifest = os.path.abspath("Cargo.toml")
    if not os.path.isfile(manifest):
        raise BuildError("hpy_rs_build: no Cargo.toml in %s" % os.getcwd())
    return manifest


def _tool_table():
    """[tool.hpy-rs] of ./pyproject.toml ({} without one, or without tomllib
    before Python 3.11: cargo-hpy reads the table itself too)."""
    try:
        import tomllib
    except ImportError:
        return {}
    try:
        with open("pyproject.toml", "rb") as f:
            return tomllib.load(f).get("tool", {}).get("hpy-rs", {})
    except (OSError, ValueError):
        return {}  # cargo-hpy reports a broken file with its own message


def _wheel_arguments(config_settings):
    """The ``cargo hpy wheel`` options for these settings (no --out)."""
    _check_settings(config_settings)
    tool = _tool_table()
    abi = _setting(config_settings, "hpy-abi", ABIS)
    if abi == "auto":
        abi = tool.get("abi") if tool.get("abi") in ("cpython", "universal") else (
            "cpython" if sys.implementation.name == "cpython" else "universal")
    arguments = ["wheel", "--manifest-path", _manifest()]
    if abi == "universal":
        arguments.append("--universal")
    else:
        arguments += ["--cpython", "--python", sys.executable]
    if _values(config_settings, "hpy-profile"):
        profile = _setting(config_settings, "hpy-profile", PROFILES)
    else:  # cargo-hpy applies [tool.hpy-rs] profile itself
        profile = None if "profile" in tool else "release"
    if profile is not None:
        arguments += ["--profile", "release" if profile == "release" else "dev"]
    for features in _values(config_settings, "hpy-features"):
        arguments += ["--features", features]
    for extra in _values(config_settings, "build-args"):
        arguments += shlex.split(extra)
    return arguments


def get_requires_for_build_wheel(config_settings=None):
    _wheel_arguments(config_settings)  # refuse a bad setting early
    return []


def get_requires_for_build_sdist(config_settings=None):
    _check_settings(config_settings)
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    arguments = _wheel_arguments(config_settings)
    arguments += ["--out", os.path.abspath(wheel_directory)]
    return os.path.basename(_run_cargo_hpy(arguments))


def get_requires_for_build_editable(config_settings=None):
    return get_requires_for_build_wheel(config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660 (``pip install -e DIR``): the module is built into the
    project's cargo target directory (``hpy/editable/NAME-TAG/``) and the
    wheel installs only a ``.pth`` naming it. After a change, ``cargo hpy
    develop`` (with this environment's python) rebuilds it in place."""
    arguments = _wheel_arguments(config_settings) + ["--editable"]
    arguments += ["--out", os.path.abspath(wheel_directory)]
    return os.path.basename(_run_cargo_hpy(arguments))


def build_sdist(sdist_directory, config_settings=None):
    """NAME-VERSION.tar.gz from ``cargo hpy sdist``: PKG-INFO, pyproject.toml,
    Cargo.toml and the crate's sources."""
    arguments = ["sdist", "--manifest-path", _manifest(),
                 "--out", os.path.abspath(sdist_directory)]
    return os.path.basename(_run_cargo_hpy(arguments))
