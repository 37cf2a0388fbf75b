"""pytest plugin of scripts/run-hpy-suite: runs HPy 0.9.0's own test suite
(its ``test/`` directory, unchanged) against hpy-rs's host.

* Before anything is collected it checks that ``hpy.universal`` is
  hpy-rs's compatibility module (``hpy-universal/python/hpy``), backed by
  the ``hpy_rs_universal`` the script just built, so a run can never pass
  on the ``hpy`` package's own host by accident.
* It deselects what ``DESELECTED`` lists, each with its reason, and prints
  that list; nothing else is left out.
"""

import hashlib
import os
import shutil
import sys
import tempfile

# HPy's parametrisations of the host: universal, debug, trace, hybrid,
# hybrid+debug. The `cpython` parametrisation builds the test modules for the
# CPython ABI with HPy's own C runtime (hpy/devel/src/runtime): it tests the
# hpy package, not a host, and hpy-rs's CPython-ABI runtime is Rust (hpy-sys),
# which C sources cannot be built against.
OUT_OF_SCOPE_ABIS = {
    "cpython": "the CPython ABI parametrisation tests HPy's own C runtime "
    "(hpy/devel/src/runtime), not a host of universal binaries",
}

# Single tests left out: node id prefix -> reason.
DESELECTED = {
    "test/hpy_devel/test_distutils.py": "tests hpy.devel's setuptools integration by "
    "pip-installing the hpy package itself into new virtualenvs (network, and the "
    "C hpy.universal that does not build past CPython 3.12): nothing of a host",
}


# HPy's support.py (imported by its conftest, before any plugin hook runs)
# does `import distutils` before anything imports setuptools; on 3.12+
# distutils only exists as setuptools' copy, which importing setuptools
# installs.
import setuptools  # noqa: E402,F401


def pytest_configure(config):
    import hpy.universal
    import hpy_rs_universal

    if hpy.universal.load is not hpy_rs_universal.load:
        raise SystemExit(
            f"run-hpy-suite: hpy.universal is {hpy.universal.__file__}, not hpy-rs's "
            "compatibility module: the suite would test another host")
    expected = os.environ.get("HPY_RS_SUITE_HOST")
    if expected and os.path.realpath(hpy_rs_universal.__file__) != os.path.realpath(expected):
        raise SystemExit(
            f"run-hpy-suite: hpy_rs_universal was imported from {hpy_rs_universal.__file__}, "
            f"not from the fresh build {expected}")


def pytest_report_header(config):
    import hpy.devel
    import hpy.universal
    import hpy_rs_universal

    return [
        f"hpy-rs suite: hpy.universal = {hpy.universal.__file__} -> "
        f"hpy_rs_universal {hpy_rs_universal.__file__}",
        f"hpy-rs suite: hpy.devel = {os.path.dirname(hpy.devel.__file__)} "
        f"(python {sys.version.split()[0]})",
    ]


def _reason(item):
    callspec = getattr(item, "callspec", None)
    abi = callspec.params.get("hpy_abi") if callspec else None
    if abi in OUT_OF_SCOPE_ABIS:
        return f"hpy_abi={abi}: {OUT_OF_SCOPE_ABIS[abi]}"
    for prefix, reason in DESELECTED.items():
        if item.nodeid.startswith(prefix):
            return reason
    return None


# This Python's version, in the names of the compile cache's statistics.
_PY = "%d.%d" % sys.version_info[:2]


class _CompileCache:
    """Builds each test module once per kind of binary (and per Python, for
    the hybrid ones).

    HPy's harness compiles a test's C source again for every
    parametrisation, but its universal, debug and trace modules are one
    binary (the harness itself builds debug and trace as ``universal``;
    the mode is chosen when the module is loaded), and so are hybrid and
    hybrid+debug. A universal binary is also the same on every Python (it
    includes no Python header and is built to load anywhere: that is what
    the host is tested on), so the second Python of a run loads the
    first one's; a hybrid binary includes Python.h and is built per Python.
    The harness's ``c_compile(tmpdir, ext, hpy_devel, hpy_abi)`` is
    wrapped: its inputs (the sources' text, the extension's settings, the
    ABI it builds for and, for the hybrid ABI, the Python) name an entry of
    a directory (``HPY_RS_SUITE_CACHE``, one per run of run-hpy-suite); the
    first build's files are kept there and later calls with the same
    inputs get copies of them in their own ``tmpdir``. Entries are written
    to a temporary name and renamed, so pytest-xdist's workers can share
    the directory.
    """

    def __init__(self, c_compile, root):
        self.compile = c_compile
        self.root = root
        self.hits = self.misses = 0
        os.makedirs(root, exist_ok=True)

    def key(self, tmpdir, ext, hpy_abi, extra):
        digest = hashlib.sha256()
        settings = (ext.name, hpy_abi, sorted(extra.items()), ext.include_dirs,
                    ext.extra_compile_args, ext.extra_link_args, ext.define_macros,
                    ext.libraries, None if hpy_abi == "universal" else sys.version)
        digest.update(repr(settings).encode())
        for source in ext.sources:
            with open(os.path.join(str(tmpdir), source), "rb") as f:
                data = f.read()
            digest.update(f"{source} {len(data)}\n".encode())
            digest.update(data)
        return digest.hexdigest()

    def __call__(self, tmpdir, ext, hpy_devel, hpy_abi, **extra):
        tmp = str(tmpdir)
        entry = os.path.join(self.root, self.key(tmp, ext, hpy_abi, extra))
        if os.path.isdir(entry):
            self.hits += 1
            with open(os.path.join(entry, ".output")) as f:
                output = f.read()
            for name in os.listdir(entry):
                if name != ".output":
                    shutil.copy2(os.path.join(entry, name), os.path.join(tmp, name))
            return os.path.join(tmp, output)
        self.misses += 1
        before = set(os.listdir(tmp))
        output = self.compile(tmpdir, ext, hpy_devel, hpy_abi, **extra)
        new = [n for n in set(os.listdir(tmp)) - before
               if not n.endswith(".o") and os.path.isfile(os.path.join(tmp, n))]
        if os.path.dirname(output) != os.path.abspath(tmp) or os.path.basename(output) not in new:
            return output  # not a file of tmpdir's own: left uncached
        staging = tempfile.mkdtemp(dir=self.root, prefix=".new-")
        for name in new:
            shutil.copy2(os.path.join(tmp, name), os.path.join(staging, name))
        with open(os.path.join(staging, ".output"), "w") as f:
            f.write(os.path.basename(output))
        try:
            os.rename(staging, entry)
        except OSError:  # another worker got there first
            shutil.rmtree(staging, ignore_errors=True)
        return output


def _install_compile_cache(config):
    root = os.environ.get("HPY_RS_SUITE_CACHE")
    if not root or hasattr(config, "_hpy_rs_compile_cache"):
        return
    support = next((m for m in list(sys.modules.values())
                    if getattr(m, "ExtensionCompiler", None) is not None
                    and callable(getattr(m, "c_compile", None))), None)
    if support is None:
        raise SystemExit("run-hpy-suite: HPy's test/support.py (ExtensionCompiler, "
                         "c_compile) was not imported: the compile cache has nothing to wrap")
    cache = _CompileCache(support.c_compile, root)
    support.c_compile = cache
    config._hpy_rs_compile_cache = cache


def pytest_collection_modifyitems(session, config, items):
    _install_compile_cache(config)
    kept, dropped = [], {}
    for item in items:
        reason = _reason(item)
        if reason is None:
            kept.append(item)
        else:
            dropped.setdefault(reason, []).append(item)
    if dropped:
        config.hook.pytest_deselected(items=[i for v in dropped.values() for i in v])
        items[:] = kept
    config._hpy_rs_deselected = dropped


def pytest_sessionfinish(session):
    cache = getattr(session.config, "_hpy_rs_compile_cache", None)
    if cache is not None:
        with open(os.path.join(cache.root, f".stats-{_PY}-{os.getpid()}"), "w") as f:
            f.write(f"{cache.hits} {cache.misses}\n")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    root = os.environ.get("HPY_RS_SUITE_CACHE")
    if root and os.path.isdir(root):
        hits = misses = 0
        for name in os.listdir(root):
            if name.startswith(f".stats-{_PY}-"):
                with open(os.path.join(root, name)) as f:
                    h, m = f.read().split()
                hits, misses = hits + int(h), misses + int(m)
        terminalreporter.write_line(
            f"hpy-rs: {misses} test modules compiled, {hits} copied from an earlier "
            "build of the same source, in another mode or (universal binaries) on "
            "another Python (HPY_RS_SUITE_CACHE)")
    terminalreporter.section("hpy-rs: deselected from HPy's suite")
    if config.pluginmanager.hasplugin("dsession"):
        # With pytest-xdist the workers collect (and deselect); the rules
        # they applied are these.
        for abi, reason in OUT_OF_SCOPE_ABIS.items():
            terminalreporter.write_line(f"hpy_abi={abi}: {reason}")
        for prefix, reason in DESELECTED.items():
            terminalreporter.write_line(f"{prefix}: {reason}")
        return
    dropped = getattr(config, "_hpy_rs_deselected", {})
    if not dropped:
        terminalreporter.write_line("nothing")
    for reason, items in dropped.items():
        terminalreporter.write_line(f"{len(items):4d}  {reason}")
