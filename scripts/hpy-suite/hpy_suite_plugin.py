"""pytest plugin of scripts/run-hpy-suite: runs HPy 0.9.0's own test suite
(its ``test/`` directory, unchanged) against hpy-rs's host.

* Before anything is collected it checks that ``hpy.universal`` is
  hpy-rs's compatibility module (``hpy-universal/python/hpy``), backed by
  the ``hpy_rs_universal`` the script just built, so a run can never pass
  on the ``hpy`` package's own host by accident.
* It deselects what ``DESELECTED`` lists, each with its reason, and prints
  that list; nothing else is left out.
"""

import os
import sys

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


def pytest_collection_modifyitems(session, config, items):
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


def pytest_terminal_summary(terminalreporter, exitstatus, config):
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
