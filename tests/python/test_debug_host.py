"""HPy's debug mode in hpy_rs_universal: every misuse in the hpyrs_debugcheck
extension is reported when the module is loaded with
``hpy_rs_universal.load(..., debug=True)``, and none is when the same binary
runs without the debug context (so the reports come from the checks).

Each check runs in a fresh interpreter: some end in a fatal error (as HPy's
debug mode does without a callback), some leak on purpose, and the debug
context of the process running the suite must not see either. The binary is
the universal build of hpyrs_debugcheck, copied so that loading it here does
not share the global context of the copy the test harness imported.

These tests run in ``--hpy-mode=debug`` on CPython (hpy_rs_universal is a
CPython extension); hpy_rs_universal is built with cargo-hpy if it is not
importable."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
import sys
from importlib.machinery import ModuleSpec
import hpy_rs_universal
from hpy_rs_universal import _debug
from hpy_rs_universal.debug import HPyLeakError, LeakDetector

def load(debug=True):
    path = sys.argv[1]
    spec = ModuleSpec("hpyrs_debugcheck", None, origin=path)
    return hpy_rs_universal.load("hpyrs_debugcheck", path, spec, debug=debug)
"""


def _build_host(out):
    cargo_hpy = os.environ.get("CARGO_HPY")
    cmd = [cargo_hpy] if cargo_hpy else ["cargo", "run", "-q", "-p", "cargo-hpy", "--"]
    cmd += ["hpy", "build", "-p", "hpy-universal", "--python", sys.executable, "--out", str(out)]
    env = dict(os.environ)
    env.pop("HPY", None)
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True)
    except OSError as e:
        pytest.skip(f"hpy_rs_universal is not importable and cannot be built ({e})")
    assert proc.returncode == 0, f"building hpy_rs_universal failed:\n{proc.stdout}"
    return out


@pytest.fixture(scope="module")
def host_dir(hpy_mode, tmp_path_factory):
    """The directory holding hpy_rs_universal's binary."""
    if hpy_mode != "debug":
        pytest.skip("the debug host's checks run in --hpy-mode=debug")
    if sys.implementation.name != "cpython":
        pytest.skip("hpy_rs_universal is a CPython extension")
    try:
        import hpy_rs_universal
    except ImportError:
        return _build_host(tmp_path_factory.mktemp("host"))
    return Path(hpy_rs_universal.__file__).parent


@pytest.fixture(scope="module")
def binary(host_dir, hpyrs_debugcheck, tmp_path_factory):
    """A private copy of hpyrs_debugcheck's universal binary."""
    origin = Path(hpyrs_debugcheck.__spec__.origin)
    if origin.suffix == ".py":
        origin = origin.with_name("hpyrs_debugcheck.hpy0.so")
    assert origin.name == "hpyrs_debugcheck.hpy0.so" and origin.exists(), origin
    copy = tmp_path_factory.mktemp("debugcheck") / origin.name
    shutil.copyfile(origin, copy)
    return copy


def run(host_dir, binary, body, env=None):
    """Runs PRELUDE + body in a fresh interpreter (``sys.argv[1]`` is the
    binary); returns the finished process."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONPATH")}
    full_env["PYTHONPATH"] = str(host_dir)
    full_env.update(env or {})
    script = PRELUDE + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script, str(binary)], env=full_env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)


def run_ok(host_dir, binary, body, env=None):
    proc = run(host_dir, binary, body, env)
    assert proc.returncode == 0, f"exit status {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


# ------------------------------------------------------------ correct code


def test_correct_code_leaves_nothing_open(host_dir, binary):
    out = run_ok(host_dir, binary, """
        with LeakDetector():
            m = load()
        closed_before = len(_debug.get_closed_handles())
        with LeakDetector():
            for _ in range(50):
                assert m.correct(7, "h\\u00e9llo") == (7, 6)
        assert len(_debug.get_closed_handles()) > closed_before
        print("ok")
    """)
    assert out.strip() == "ok"


# ------------------------------------------------------------------- leaks


def test_leak_is_reported_with_the_object(host_dir, binary):
    out = run_ok(host_dir, binary, """
        m = load()
        x = ["leaked"]
        try:
            with LeakDetector():
                m.leak(x)
        except HPyLeakError as e:
            [h] = e.leaks
            assert h.obj is x and not h.is_closed and isinstance(h.id, int)
            assert str(e).startswith("1 unclosed handle:\\n    <DebugHandle 0x"), str(e)
            assert "['leaked']" in str(e)
            print("reported")
        else:
            print("not reported")
    """)
    assert out.strip() == "reported"


def test_leak_is_not_seen_without_debug_mode(host_dir, binary):
    out = run_ok(host_dir, binary, """
        m = load(debug=False)
        with LeakDetector():
            m.leak(["leaked"])
        print("nothing seen")
    """)
    assert out.strip() == "nothing seen"


def test_leak_in_module_exec_is_reported(host_dir, binary):
    body = """
        try:
            with LeakDetector():
                m = load()
        except HPyLeakError as e:
            [h] = e.leaks
            print("reported", type(h.obj).__name__)
        else:
            print("not reported")
    """
    leaky = {"HPYRS_DEBUGCHECK_LEAK_IN_EXEC": "1"}
    assert run_ok(host_dir, binary, body, leaky).strip() == "reported module"
    assert run_ok(host_dir, binary, body).strip() == "not reported"


# ----------------------------------------------------------- invalid handles

# (function, callback that hears of it, the fatal error's message)
MISUSES = [
    ("use_after_close", "handle", "HPy debug mode: invalid use of already closed handle (id "),
    ("close_twice", "handle", ") closed twice"),
    ("close_argument", "handle", "HPy debug mode: closing an argument handle (id "),
    ("return_argument", "handle", "HPy debug mode: a function returned its argument handle"),
    ("builder_after_build", "builder_handle",
     "HPy debug mode: invalid use of already closed HPyTupleBuilder (used after "
     "HPyTupleBuilder_Build or HPyTupleBuilder_Cancel)"),
    ("tracker_after_close", "builder_handle",
     "HPy debug mode: invalid use of already closed HPyTracker (used after HPyTracker_Close)"),
]

CALL_WITH_CALLBACK = """
    m = load(debug={debug})
    heard = []
    _debug.set_on_invalid_{callback}(lambda: heard.append(1))
    x = [1, 2, 3]
    m.{function}(x)
    print(len(heard))
"""


@pytest.mark.parametrize("function,callback,message", MISUSES, ids=[m[0] for m in MISUSES])
def test_misuse_calls_the_callback_once(host_dir, binary, function, callback, message):
    body = CALL_WITH_CALLBACK.format(debug=True, callback=callback, function=function)
    assert run_ok(host_dir, binary, body).strip() == "1"


@pytest.mark.parametrize("function,callback,message",
                         [m for m in MISUSES if m[0] != "tracker_after_close"],
                         ids=[m[0] for m in MISUSES if m[0] != "tracker_after_close"])
def test_misuse_goes_unnoticed_without_debug_mode(host_dir, binary, function, callback, message):
    # (A closed tracker is freed memory outside debug mode, so that one is
    # not called here.)
    body = CALL_WITH_CALLBACK.format(debug=False, callback=callback, function=function)
    assert run_ok(host_dir, binary, body).strip() == "0"


@pytest.mark.parametrize("function,callback,message", MISUSES, ids=[m[0] for m in MISUSES])
def test_misuse_without_callback_is_fatal(host_dir, binary, function, callback, message):
    proc = run(host_dir, binary, f"""
        m = load()
        m.{function}([1, 2, 3])
        print("survived")
    """)
    assert proc.returncode == -signal.SIGABRT, (proc.returncode, proc.stdout, proc.stderr)
    assert "survived" not in proc.stdout
    assert "Fatal Python error: Invalid usage of already closed " in proc.stderr, proc.stderr
    assert message in proc.stderr, proc.stderr


def test_argument_checks_are_fatal(host_dir, binary):
    # Not an invalid handle: a call HPy's debug mode refuses outright.
    proc = run(host_dir, binary, """
        m = load()
        _debug.set_on_invalid_handle(lambda: None)
        m.type_check_with_non_type([1, 2, 3])
        print("survived")
    """)
    assert proc.returncode == -signal.SIGABRT, (proc.returncode, proc.stdout, proc.stderr)
    assert "HPy debug mode: HPy_TypeCheck arg 2 must be a type" in proc.stderr, proc.stderr


def test_callback_errors_are_reported_and_execution_goes_on(host_dir, binary):
    proc = run(host_dir, binary, """
        m = load()
        def callback():
            raise RuntimeError("from the callback")
        _debug.set_on_invalid_handle(callback)
        assert m.use_after_close([1, 2, 3]) == 3
        print("went on")
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "went on"
    assert "RuntimeError: from the callback" in proc.stderr


# --------------------------------------------------------- released buffers


def test_reading_a_released_utf8_buffer_faults(host_dir, binary):
    proc = run(host_dir, binary, """
        import faulthandler
        faulthandler.enable()
        m = load()
        print("read", m.read_released_utf8("abc"), flush=True)
    """)
    assert proc.returncode == -signal.SIGSEGV, (proc.returncode, proc.stdout, proc.stderr)
    assert "read" not in proc.stdout
    assert "Segmentation fault" in proc.stderr


def test_released_utf8_buffer_reads_fine_without_debug_mode(host_dir, binary):
    out = run_ok(host_dir, binary, """
        m = load(debug=False)
        print(m.read_released_utf8("abc"))
    """)
    assert out.strip() == str(ord("a"))


# ------------------------------------------------------------ Python API


def test_debug_api(host_dir, binary):
    out = run_ok(host_dir, binary, """
        import hpy_rs_universal.debug as debug_module
        assert debug_module is sys.modules["hpy_rs_universal.debug"]
        assert sys.modules["hpy_rs_universal._debug"] is _debug
        assert issubclass(HPyLeakError, debug_module.HPyDebugError)
        m = load()

        g1 = _debug.new_generation()
        assert _debug.new_generation() == g1 + 1
        x = object()
        m.leak(x)
        [h] = _debug.get_open_handles(g1)
        [again] = _debug.get_open_handles(g1)
        assert h == again and hash(h) == hash(again) and h != 42
        assert h.obj is x and not h.is_closed
        assert repr(h).startswith(f"<DebugHandle 0x{h.id:x} for <object object at ")
        assert _debug.get_open_handles(_debug.new_generation()) == []

        assert _debug.get_closed_handles_queue_max_size() == 1024
        for _ in range(10):
            m.correct(1, "x")
        assert len(_debug.get_closed_handles()) > 5
        _debug.set_closed_handles_queue_max_size(5)
        assert _debug.get_closed_handles_queue_max_size() == 5
        # As in HPy, the queue is not trimmed at once: new handles take the
        # oldest closed records while it is full, and each close trims one.
        for _ in range(50):
            m.correct(1, "x")
        closed = _debug.get_closed_handles()
        assert len(closed) == 5 and all(c.is_closed and c.obj is None for c in closed)
        assert "CLOSED" in repr(closed[0])

        detector = LeakDetector()
        try:
            detector.stop()
        except ValueError as e:
            assert "not started" in str(e)
        detector.start()
        try:
            detector.start()
        except ValueError as e:
            assert "already started" in str(e)
        detector.stop()

        try:
            _debug.set_on_invalid_handle(42)
        except TypeError as e:
            assert "callable" in str(e)
        _debug.set_on_invalid_handle(None)
        print("ok")
    """)
    assert out.strip() == "ok"


def test_stack_traces_show_where_a_handle_was_opened(host_dir, binary):
    out = run_ok(host_dir, binary, """
        import hpy_rs_universal.debug as debug_module
        m = load()
        # Deep enough to reach the extension's frame below the host's own,
        # named from the symbol table when the build has no debug
        # information (scripts/run-tests) as from full debug information.
        debug_module.set_handle_stack_trace_limit(24)
        g = _debug.new_generation()
        m.leak(object())
        debug_module.disable_handle_stack_traces()
        m.leak(object())
        traced, plain = _debug.get_open_handles(g)
        print(repr(traced))
        print("----")
        print(repr(plain))
    """)
    traced, plain = out.split("----")
    assert "Allocation stacktrace:" in traced and "hpyrs_debugcheck" in traced, traced
    assert "Allocation stacktrace:" not in plain
