"""Universal binaries on CPython through their host, as users load them: the
loader stub that cargo-hpy writes (NAME.py) picks hpy_rs_universal and falls
back to hpy.universal, HPY selects the mode per module with either host, and
a module whose exec fails leaves nothing behind.

Each check runs in a child interpreter that sees exactly the host of this run
(``--hpy-host``; the other one is made unimportable there too), because
loading a binary a second time into the interpreter running the suite would
share its global context with the harness's copy. These tests run in the
universal and debug modes (the cpython mode has no host); see each skip for
where a check runs.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

IS_PYPY = sys.implementation.name == "pypy"


@pytest.fixture(scope="module")
def host(hpy_host, hpy_mode):
    if hpy_host is None:
        pytest.skip("the host of universal binaries is tested in the universal and debug modes")
    return hpy_host


def host_name(host):
    return host.__name__


def other_host(host):
    return "hpy" if host_name(host) == "hpy_rs_universal" else "hpy_rs_universal"


def run_child(host, body, folders, env=None, ok=True):
    """Runs ``body`` in a fresh interpreter with ``folders`` first on
    sys.path and the other host blocked; returns the finished process."""
    prelude = "import sys\nsys.modules[%r] = None\nsys.path[:0] = %r\n" % (
        other_host(host), [str(f) for f in folders])
    full_env = {k: v for k, v in os.environ.items() if k not in ("HPY", "HPY_LOG")}
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(body)],
                          env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    if ok and proc.returncode != 0:
        pytest.fail(f"the child exited with {proc.returncode}\n--- stdout\n{proc.stdout}\n"
                    f"--- stderr\n{proc.stderr}", pytrace=False)
    return proc


def folder_of(module):
    """The directory of a universal module's stub and binary."""
    path = Path(module.__spec__.origin)
    assert path.name.endswith((".hpy0.so", ".py")), path
    return path.parent


# ------------------------------------------------------------- which host


def test_stub_prefers_hpy_rs_universal(host, pof):
    if host_name(host) != "hpy_rs_universal":
        pytest.skip("needs hpy_rs_universal: runs in the --hpy-host=hpy_rs_universal runs")
    # Both hosts importable where the hpy package is installed (CPython 3.11's
    # .venv): the stub takes hpy_rs_universal.
    body = """
        del sys.modules["hpy"]
        import pof
        print(pof.add_ints(1, 2), "hpy_rs_universal" in sys.modules, "hpy.universal" in sys.modules)
    """
    out = run_child(host, body, [folder_of(pof)]).stdout.split()
    assert out == ["3", "True", "False"]


def test_stub_falls_back_to_hpy_universal(host, pof):
    if host_name(host) != "hpy_rs_universal":
        pytest.skip("needs hpy_rs_universal to block: runs in the --hpy-host=hpy_rs_universal "
                    "runs (the hpy.universal runs load every module through the fallback)")
    probe = subprocess.run([sys.executable, "-c", "import hpy.universal"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        pytest.skip(f"the hpy package is not installed for {sys.executable} (it has no "
                    "wheels past CPython 3.11): the fallback runs on CPython 3.11")
    # The prelude blocked hpy; swap the blocks: hpy_rs_universal out, hpy in.
    body = """
        del sys.modules["hpy"]
        sys.modules["hpy_rs_universal"] = None
        import pof
        print(pof.add_ints(1, 2), sys.modules["hpy_rs_universal"] is None, "hpy.universal" in sys.modules)
    """
    out = run_child(host, body, [folder_of(pof)]).stdout.split()
    assert out == ["3", "True", "True"]


def test_trace_mode_counts_context_calls(host, pof):
    # HPY=trace through the loader stub: hpy_rs_universal's trace context
    # counts pof's context calls (hpy.universal's does too).
    proc = run_child(host, f"""
        import pof
        from {host_name(host)} import _trace
        before = sum(_trace.get_call_counts().values())
        assert pof.double(21) == 42
        print(sum(_trace.get_call_counts().values()) > before)
    """, [folder_of(pof)], env={"HPY": "trace"})
    assert proc.stdout.split() == ["True"], proc.stderr


# ------------------------------------------------------------------ modes


MODE_PROBE = """
    from {host} import _debug
    _debug.set_closed_handles_queue_max_size(1 << 20)
    import pof, hello

    def closes_debug_handles(call):
        before = len(_debug.get_closed_handles())
        call()
        return len(_debug.get_closed_handles()) > before

    print("pof", closes_debug_handles(lambda: pof.double(21)))
    print("hello", closes_debug_handles(lambda: hello.greet("x")))
"""


# HPY as stock hpy 0.9 reads it (tests/python/test_hpy_mode.py compares the
# readers): an empty value is debug, a mode may be any prefix of its name,
# and with NAME:MODE entries every imported module must be named by one.
@pytest.mark.parametrize("setting, pof_debug, hello_debug", [
    ("debug", True, True),
    ("universal", False, False),
    ("", True, True),
    ("pof:debug,hello:universal", True, False),
    ("hello:debug,pof:universal", False, True),
    ("p:deb,h:u", True, False),
    ("DEBUG", True, True),
])
def test_hpy_selects_the_mode_per_module(host, hpy_mode, pof, hello, setting, pof_debug,
                                         hello_debug):
    if hpy_mode != "universal":
        pytest.skip("runs once per host, in the universal mode (it sets HPY itself)")
    # A call through the debug context closes debug handles; one through the
    # plain universal context does not touch the debug context at all.
    body = MODE_PROBE.format(host=host_name(host))
    out = run_child(host, body, {folder_of(pof), folder_of(hello)}, env={"HPY": setting}).stdout
    assert out.split() == ["pof", str(pof_debug), "hello", str(hello_debug)]


def test_invalid_hpy_setting(host, pof):
    proc = run_child(host, "import pof\n", [folder_of(pof)], env={"HPY": "pof:fast"}, ok=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "ValueError: invalid HPy mode: pof:fast (HPY is MODE for every module, or "
        "NAME:MODE,NAME:MODE per module; MODE is universal, debug or trace)"), proc.stderr


# A mode must not change what a class allows: a class declared
# `immutable_type` is immutable in every mode of hpy_rs_universal (the debug
# and trace contexts have no table of their own for it: the binary asks the
# host module), and mutable in every mode of hpy.universal (no such flag).
IMMUTABLE_PROBE = """
    import hpyrs_classes
    S = hpyrs_classes.Sealed
    try:
        S.extra = 1
    except TypeError:
        mutable = False
    else:
        mutable = True
    print(bool(S.__flags__ & (1 << 8)), mutable, S(3).doubled())
"""


@pytest.mark.parametrize("mode", ["universal", "debug", "trace"])
def test_no_mode_changes_immutable_types(host, hpy_mode, hpyrs_classes, mode):
    if hpy_mode != "universal":
        pytest.skip("runs once per host, in the universal mode (it sets HPY itself)")
    out = run_child(host, IMMUTABLE_PROBE, [folder_of(hpyrs_classes)], env={"HPY": mode}).stdout
    frozen = host_name(host) == "hpy_rs_universal"
    assert out.split() == [str(frozen), str(not frozen), "6"]


# ------------------------------------------------------ a failed module exec


EXEC_FAILURE = """
    import gc, os, types
    from {debug} import LeakDetector

    os.environ["HPYRS_CONV_FAIL_EXEC"] = "1"
    with LeakDetector():  # in universal mode it sees no handles at all
        try:
            import hpyrs_conv
        except RuntimeError as e:
            print("raised:", e)
        else:
            raise SystemExit("the exec of hpyrs_conv did not fail")
    assert "hpyrs_conv" not in sys.modules, sys.modules["hpyrs_conv"]
    gc.collect()
    left = [o for o in gc.get_objects()
            if isinstance(o, types.ModuleType) and o.__name__ == "hpyrs_conv"]
    assert not left, left
    gc.collect()

    # The binary stays loaded: a second import runs exec again, on a new module.
    os.environ["HPYRS_CONV_FAIL_EXEC"] = "0"
    import hpyrs_conv
    assert issubclass(hpyrs_conv.conv_error_type(), ValueError)
    assert not hasattr(hpyrs_conv, "ConvError")
    del hpyrs_conv, sys.modules["hpyrs_conv"]
    gc.collect()
    print("ok")
"""


def test_failed_exec_leaves_no_module_behind(host, hpy_mode, hpyrs_conv):
    # The exec stores a new type in a global and sets a module attribute,
    # then raises: the error reaches the importer as it is, no module stays
    # alive (in sys.modules or anywhere else), and the next collections and a
    # second, working import do not crash.
    assert issubclass(hpyrs_conv.conv_error_type(), ValueError)  # the harness's own copy
    debug = "hpy_rs_universal.debug" if host_name(host) == "hpy_rs_universal" else "hpy.debug"
    env = {"HPY": "debug"} if hpy_mode == "debug" else {}
    proc = run_child(host, EXEC_FAILURE.format(debug=debug), [folder_of(hpyrs_conv)], env=env)
    assert proc.stdout.splitlines() == [
        "raised: hpyrs_conv: exec failed on purpose (HPYRS_CONV_FAIL_EXEC=1)", "ok"], proc.stdout
