"""hpy_rs_build: the PEP 517 build backend of hpy-rs extension projects.

A shim: every hook runs ``cargo hpy pep517 HOOK`` (cargo-hpy's
``command::pep517``), which reads the config settings and pyproject.toml,
builds the wheel or sdist with the code of ``cargo hpy wheel`` / ``cargo hpy
sdist`` and prints its path. Only finding cargo-hpy is done here. It needs
only the standard library and a Rust toolchain (cargo).

The distribution ``hpy-rs-build`` (written by ``cargo hpy pep517
backend-wheel``, see hpy-rs's ``scripts/build-backend-wheel``) holds this
module and the compiled cargo-hpy, so a project's pyproject.toml needs only::

    [build-system]
    requires = ["hpy-rs-build"]
    build-backend = "hpy_rs_build"

Inside the hpy-rs repository, an example may instead use this file in place
(``requires = []``, ``backend-path = ["build-backend"]`` with a link to it).

Config settings (``pip install DIR -C KEY=VALUE``, checked by cargo-hpy;
any other key is an error that names it): ``hpy-abi`` (``auto``,
``universal``, ``cpython``), ``hpy-profile`` (``release``, ``debug``),
``hpy-features`` (Cargo features), ``build-args`` (further ``cargo hpy
wheel`` arguments, split as a shell would). See cargo-hpy's README.

cargo-hpy is ``$CARGO_HPY`` if set, else the one inside this package (the
``hpy-rs-build`` wheel), else ``cargo-hpy`` on PATH, else (when this file lives
in an hpy-rs checkout) run from that checkout's source with ``cargo run``.
"""

import json
import os
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


class BuildError(RuntimeError):
    """A problem the user must fix; the message says how."""


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
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, "bin", "cargo-hpy")
    if os.path.isfile(bundled):
        if not os.access(bundled, os.X_OK):
            raise BuildError("hpy_rs_build: %s is not executable; reinstall hpy-rs-build"
                             % bundled)
        return [bundled]
    on_path = shutil.which("cargo-hpy")
    if on_path:
        return [on_path]
    # In a checkout this file is cargo-hpy/python/hpy_rs_build.py.
    manifest = os.path.join(os.path.dirname(os.path.realpath(__file__)), os.pardir,
                            "Cargo.toml")
    if os.path.isfile(manifest):
        return [cargo, "run", "--quiet", "--manifest-path", os.path.normpath(manifest), "--"]
    raise BuildError(
        "hpy_rs_build: cargo-hpy not found: install the hpy-rs-build wheel (built by "
        "hpy-rs's scripts/build-backend-wheel), or set CARGO_HPY to a cargo-hpy"
    )


def _hook(hook, config_settings, directory=None):
    """Runs ``cargo hpy pep517 HOOK``; returns the base name of the file it
    wrote (the last line it printed) when given a directory."""
    command = _cargo_hpy_command() + [
        "hpy", "pep517", hook, "--python", sys.executable,
        "--config-settings", json.dumps(config_settings or {}),
    ]
    if directory is not None:
        command += ["--out", os.path.abspath(directory)]
    print("hpy_rs_build: running %s" % " ".join(command), file=sys.stderr, flush=True)
    proc = subprocess.run(command, stdout=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        raise BuildError(
            "hpy_rs_build: cargo-hpy failed with exit status %d (its messages are above)"
            % proc.returncode
        )
    if directory is None:
        return None
    lines = proc.stdout.strip().splitlines()
    if not lines or not os.path.isfile(lines[-1]):
        raise BuildError("hpy_rs_build: cargo-hpy printed no file path: %r" % proc.stdout)
    return os.path.basename(lines[-1])


def get_requires_for_build_wheel(config_settings=None):
    _hook("check-settings", config_settings)  # refuse a bad setting early
    return []


def get_requires_for_build_sdist(config_settings=None):
    _hook("check-settings", config_settings)
    return []


def get_requires_for_build_editable(config_settings=None):
    return get_requires_for_build_wheel(config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _hook("build-wheel", config_settings, wheel_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660 (``pip install -e DIR``): the module is built into the
    project's cargo target directory and the wheel installs only a ``.pth``
    naming it; ``cargo hpy develop`` rebuilds it in place."""
    return _hook("build-editable", config_settings, wheel_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _hook("build-sdist", config_settings, sdist_directory)
