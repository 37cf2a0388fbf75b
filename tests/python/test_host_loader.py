"""hpy_rs_universal.load() with bad input: every mistake a user or a broken
binary can make is a clear ``hpy_rs_universal.HPyLoadError`` (an ImportError
and, as what ``hpy.universal.load`` raises, a RuntimeError), or ValueError
for bad arguments, never a crash; and the trace mode's counters. These tests need hpy_rs_universal itself, so they run in the
universal and debug modes on CPython when it is importable, and say why
they skip otherwise."""

import os
import shutil
import subprocess
import sys
import textwrap
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def host(hpy_mode):
    if hpy_mode == "cpython":
        pytest.skip("the loader of universal binaries is tested in the universal and debug modes")
    try:
        import hpy_rs_universal
    except ImportError as e:
        pytest.skip(f"hpy_rs_universal is not importable on {sys.executable}: {e}")
    return hpy_rs_universal


@pytest.fixture(scope="module")
def pof_binary(host, pof):
    path = Path(pof.__spec__.origin)
    if path.suffix == ".py":
        path = path.with_name("pof.hpy0.so")
    assert path.name == "pof.hpy0.so" and path.exists(), path
    return path


def spec_for(name, path):
    spec = ModuleSpec(name, None, origin=str(path))
    spec.has_location = True
    return spec


def test_modes_and_version(host):
    assert (host.MODE_UNIVERSAL, host.MODE_DEBUG, host.MODE_TRACE) == (0, 1, 2)
    version, revision = host.get_version()
    assert version.startswith("0.9") and revision


def test_load_twice_gives_two_working_modules(host, pof_binary, tmp_path):
    # Two copies of one binary: each is its own library with its own
    # globals. (Loading the same file again shares the library, whose
    # HPyGlobals then point at the classes of the newest module, so the
    # test suite's own `pof` must not be loaded twice from its path.)
    copies = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        copies.append(tmp_path / name / "pof.hpy0.so")
        shutil.copy(pof_binary, copies[-1])
    a = host.load("pof", str(copies[0]), spec_for("pof", copies[0]))
    b = host.load("pof", str(copies[1]), spec_for("pof", copies[1]), mode=host.MODE_UNIVERSAL)
    assert a is not b and a.Point is not b.Point
    assert a.Point(1, 2).x == b.Point(1, 2).x == 1
    assert a.add_ints(2, 3) == b.add_ints(2, 3) == 5
    # As hpy.universal.load: the name comes from the spec; setting __spec__
    # and __file__ is left to the importer (the cargo-hpy stub does it).
    assert a.__name__ == "pof" and a.__spec__ is None


def test_load_errors_are_runtime_errors_as_in_hpy_universal(host, tmp_path):
    # hpy.universal.load raises RuntimeError; hpy_rs_universal's error is
    # one, and an ImportError too.
    assert issubclass(host.HPyLoadError, RuntimeError)
    assert issubclass(host.HPyLoadError, ImportError)
    missing = tmp_path / "nothing.hpy0.so"
    with pytest.raises(RuntimeError, match="nothing.hpy0.so"):
        host.load("nothing", str(missing), spec_for("nothing", missing))


def test_abi_tag_in_the_file_name(host, pof_binary, tmp_path):
    untagged = tmp_path / "pof.so"
    shutil.copy(pof_binary, untagged)
    with pytest.raises(host.HPyLoadError, match=r"could not find HPy ABI tag encoded in the filename"):
        host.load("pof", str(untagged), spec_for("pof", untagged))
    wrong = tmp_path / "pof.hpy1.so"
    shutil.copy(pof_binary, wrong)
    with pytest.raises(host.HPyLoadError, match=r"mismatch between the HPy ABI tag .*parsed from filename: 1\."):
        host.load("pof", str(wrong), spec_for("pof", wrong))


def test_trace_mode_counts_calls_and_runs_trace_functions(host, pof_binary, tmp_path):
    copy = tmp_path / "pof.hpy0.so"
    shutil.copy(pof_binary, copy)
    pof = host.load("pof", str(copy), spec_for("pof", copy), mode=host.MODE_TRACE)
    trace = host._trace
    before = trace.get_call_counts()
    assert pof.add_ints(2, 3) == 5
    after = trace.get_call_counts()
    assert sum(after.values()) > sum(before.values())
    assert after.keys() == trace.get_durations().keys()
    assert trace.get_frequency() == 10**9
    entered, left = [], []
    trace.set_trace_functions(entered.append, on_exit=left.append)
    try:
        assert pof.add_ints(1, 1) == 2
        assert entered and entered == left
        assert all(name.startswith("ctx_") and name in after for name in entered)
        trace.set_trace_functions(on_enter=None)  # on_exit stays
        n = len(entered)
        pof.add_ints(1, 1)
        assert len(entered) == n and len(left) > n
        with pytest.raises(TypeError, match="callable"):
            trace.set_trace_functions(42)
        with pytest.raises(TypeError):
            trace.set_trace_functions(nonsense=print)
    finally:
        trace.set_trace_functions(None, None)


def test_missing_file(host, tmp_path):
    missing = tmp_path / "nothing.hpy0.so"
    with pytest.raises(ImportError, match="cannot load the HPy universal module .*nothing.hpy0.so"):
        host.load("nothing", str(missing), spec_for("nothing", missing))


def test_not_a_shared_library(host, tmp_path):
    bogus = tmp_path / "bogus.hpy0.so"
    bogus.write_text("this is not an ELF file\n")
    with pytest.raises(ImportError, match="cannot load the HPy universal module"):
        host.load("bogus", str(bogus), spec_for("bogus", bogus))


def test_wrong_name(host, pof_binary):
    # The init symbols carry the name the binary was built with.
    with pytest.raises(ImportError, match="get_required_hpy_major_version_other"):
        host.load("other", str(pof_binary), spec_for("other", pof_binary))


def test_not_an_hpy_module(host):
    # hpy_rs_universal's own binary is a CPython extension, not an HPy one.
    own = Path(host.__file__)
    with pytest.raises(ImportError, match="is not an HPy universal module"):
        host.load("hpy_rs_universal", str(own), spec_for("hpy_rs_universal", own))


def test_bad_arguments(host, pof_binary):
    spec = spec_for("pof", pof_binary)
    with pytest.raises(ValueError, match="invalid HPy mode 7"):
        host.load("pof", str(pof_binary), spec, mode=7)
    with pytest.raises(ValueError, match="NUL"):
        host.load("po\0f", str(pof_binary), spec)
    with pytest.raises(TypeError):
        host.load("pof", 42, spec)
    with pytest.raises(TypeError):
        host.load("pof")
    # Not a module spec: CPython's module creation reports it.
    with pytest.raises(AttributeError):
        host.load("pof", str(pof_binary), None)


FAKE_MODULES = r"""
#include <stddef.h>
#include <stdint.h>
/* Exports the symbols a universal binary named `fake` has, with values
   chosen by the test through -D. */
uint32_t get_required_hpy_major_version_fake(void) { return MAJOR; }
uint32_t get_required_hpy_minor_version_fake(void) { return MINOR; }
void HPyInitGlobalContext_fake(void *ctx) { (void)ctx; }
void *HPyInit_fake(void) { return NULL; }
"""


def build_fake(tmp_path, major, minor):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc or gcc) on PATH to build the fake binaries")
    src = tmp_path / "fake.c"
    src.write_text(FAKE_MODULES)
    out = tmp_path / f"fake-{major}-{minor}.hpy0.so"
    subprocess.run([cc, "-shared", "-fPIC", f"-DMAJOR={major}", f"-DMINOR={minor}",
                    "-o", str(out), str(src)], check=True)
    return out


@pytest.mark.parametrize("major,minor", [(1, 0), (0, 5)])
def test_abi_version_mismatch(host, tmp_path, major, minor):
    fake = build_fake(tmp_path, major, minor)
    with pytest.raises(ImportError, match=rf"'fake' requires unsupported version of the HPy runtime\. Requested version: {major}\.{minor}\."):
        host.load("fake", str(fake), spec_for("fake", fake))


def test_init_returns_no_definition(host, tmp_path):
    fake = build_fake(tmp_path, 0, 0)
    with pytest.raises(ImportError, match="HPyInit_fake .* returned no module definition"):
        host.load("fake", str(fake), spec_for("fake", fake))


def test_abi_version_mismatch_names_the_versions_and_the_fix(host, tmp_path):
    fake = build_fake(tmp_path, 1, 0)
    with pytest.raises(ImportError) as info:
        host.load("fake", str(fake), spec_for("fake", fake))
    # The message is HPy's own (its suite compares it); the advice is a note.
    assert str(info.value).endswith("Current HPy version: 0.0."), str(info.value)
    message = "\n".join(getattr(info.value, "__notes__", []))
    assert "needs ABI 1.0, and hpy_rs_universal, which implements HPy 0.9.0, provides ABI 0.0" \
        in message, message
    assert "Rebuild the module for HPy 0.9 (`cargo hpy build --universal`" in message, message


def test_binary_from_an_hpy_before_0_9(host, tmp_path):
    # HPy 0.0.x's universal binaries export HPyInit_NAME and no ABI version.
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc or gcc) on PATH to build the fake binary")
    src = tmp_path / "old.c"
    src.write_text("void *HPyInit_old(void *ctx) { (void)ctx; return 0; }\n")
    old = tmp_path / "old.hpy0.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(old), str(src)], check=True)
    with pytest.raises(ImportError) as info:
        host.load("old", str(old), spec_for("old", old))
    message = str(info.value)
    assert "from an HPy older than 0.9" in message and "another name" not in message, message
    assert "rebuild it for HPy 0.9" in message, message
