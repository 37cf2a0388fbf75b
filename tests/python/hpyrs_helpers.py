"""Helpers shared by the test modules."""

import os
import re
from pathlib import Path

import pytest

# Why a test that does not depend on the CPython running it is skipped:
# scripts/run-tests runs it with CPython 3.11 and sets this variable for the
# other CPythons.
VERSION_INDEPENDENT_REASON = ("does not depend on the CPython version: run-tests ran it with "
                              "CPython 3.11 (HPY_RS_SKIP_VERSION_INDEPENDENT=1)")


def pypy_path():
    """The PyPy with HPy that tests drive through subprocesses: HPY_RS_PYPY,
    else scripts/setup-pypy's (under HPY_PYPY_HOME or ~/.cache/hpy-pypy);
    None if there is none or HPY_RS_NO_PYPY=1."""
    if os.environ.get("HPY_RS_NO_PYPY") == "1":
        return None
    explicit = os.environ.get("HPY_RS_PYPY")
    if explicit:
        return Path(explicit)
    home = os.environ.get("HPY_PYPY_HOME") or Path.home() / ".cache" / "hpy-pypy"
    candidate = Path(home) / "bin" / "pypy3"
    return candidate if candidate.exists() else None


def raises_exactly(exc, message):
    """pytest.raises that requires the whole message to be `message`."""
    return pytest.raises(exc, match="^" + re.escape(message) + "$")


def outcome(f, *args):
    """The result of f(*args), or the type and message of what it raised."""
    try:
        return ("ok", f(*args))
    except Exception as e:
        return ("raised", type(e), str(e))


class Index:
    """Not an int, but usable as one through __index__."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


# The child of assert_releases_the_gil. The call never ends by itself; the
# main thread waits until the worker is about to make it, then gives the
# GIL away and takes it back five times. The worker runs no Python code
# between noting "calling" and entering the call (at most one switch point),
# so had the call kept the GIL, the main thread could not get it back: it
# would wait until the parent's timeout killed the process.
_GIL_CHILD = """
import os, sys, threading, time
sys.path[:0] = [{folder!r}]
import {module} as m
state = []
def call():
    state.append("calling")
    try:
        m.{call}
    except BaseException as e:
        state.append(e)
    state.append("returned")
threading.Thread(target=call, daemon=True).start()
while not state:
    time.sleep(0.001)
for _ in range(5):
    time.sleep(0.001)
print("during the call:", state)
sys.stdout.flush()
os._exit(0)
"""


def assert_releases_the_gil(module, call, timeout=120):
    """Proves that ``module.<call>`` lets the interpreter's other threads run
    while it is in Rust. ``call`` (source text, e.g. ``"heavy_sum(2**64 - 1)"``)
    must not end by itself: it runs in a thread of a child interpreter that is
    killed once the proof is made. No clock is read: a call that keeps the GIL
    makes the child hang, and the generous ``timeout`` is what fails then."""
    import os
    import sys

    # HPy's C debug context (PyPy's debug mode, and the hpy package's
    # hpy.universal in debug mode: hpy_rs_universal is not loaded then).
    if os.environ.get("HPY") == "debug" and sys.modules.get("hpy_rs_universal") is None:
        pytest.skip("HPy's C debug context (PyPy 7.3.19's debug mode, the hpy package's "
                    "hpy.universal in debug mode) aborts when two threads run HPy calls at "
                    "once, so allow_threads keeps the GIL there (Quirk::OneCallAtATime)")
    import subprocess
    import sys

    folder = os.path.dirname(os.path.abspath(module.__file__))
    code = _GIL_CHILD.format(folder=folder, module=module.__name__, call=call)
    try:
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{module.__name__}.{call} kept the GIL: while it ran, another thread of the "
                    f"interpreter could not run at all ({timeout} s)")
    assert child.returncode == 0, child.stderr
    # Still in the call: neither returned nor raised.
    assert child.stdout.strip() == "during the call: ['calling']", (child.stdout, child.stderr)


def collect(*until_dead):
    """Full garbage collections: three, then more (ten in all at most)
    while one of the weak references `until_dead` is alive. PyPy frees a
    cycle that holds objects with finalizers (HPy classes with tp_destroy)
    over several major collections: a fresh-clone CI run in PyPy's debug
    mode once needed more than three for a test that passed alone. A cycle
    that is never freed still fails its test's assertion."""
    import gc

    for i in range(10):
        gc.collect()
        if i >= 2 and all(w() is None for w in until_dead):
            return


def assert_new_checks_its_class(cls, name):
    """`cls.__new__` refuses a missing class, a non-type and a type that is
    not `cls` or a subclass with CPython's `TypeError`s (`tp_new_wrapper`'s
    words; CPython names the class by its `tp_name`, which may carry the
    module), and with only keywords too: PyPy 7.3.19's own `__new__`
    handed the constructor a class handle naming no object there (a crash,
    issue 36), so hpy-rs puts a `__new__` of its own in the type dict on
    PyPy. Then `cls.__new__(cls)` still works through it."""
    prefix = rf"^(\w+\.)?{re.escape(name)}\.__new__"
    for call in (lambda: cls.__new__(default=1), lambda: cls.__new__()):
        with pytest.raises(TypeError, match=prefix + r"\(\): not enough arguments$"):
            call()
    with pytest.raises(TypeError, match=prefix + r"\(X\): X is not a type object \(int\)$"):
        cls.__new__(1)
    with pytest.raises(TypeError, match=prefix + rf"\(int\): int is not a subtype of (\w+\.)?"
                       rf"{re.escape(name)}$"):
        cls.__new__(int)


class OnlyInt:
    """Convertible by int(), but not an integer: no __index__ (CPython's
    integer conversions refuse it since 3.10)."""

    def __int__(self):
        return 5


class FloatWithIndex(float):
    """A float whose __index__ CPython's integer conversions ask."""

    def __index__(self):
        return 7


class IntFloat(int):
    """An int whose own __float__ CPython's float conversion asks."""

    def __float__(self):
        return 97.5
