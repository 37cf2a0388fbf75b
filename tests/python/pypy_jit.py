"""What PyPy's JIT holds, for the tests that wait for a cycle to die
(test_rpds_gc.py) and the reproduction in tests/python/pypy_repro/. No pytest:
the reproduction imports it too.

PyPy's JIT keeps objects alive in two ways that no collection undoes
(hpy/DESIGN.md, "The ports under hostile input"):

- machine code keeps the objects a compiled loop read as constants until
  the loop is freed, which `pypyjit.releaseall()` allows (`release_code`);
- while the JIT records a trace, its tracer keeps the values it met: the
  interpreter frames of the functions it has entered, with their locals,
  including frames that have already returned. They are alive until the
  trace ends, when the traced loop comes round again or the trace is too
  long; nothing a test can call ends it (`trace_in_progress` tells when
  one is being recorded)."""

import gc
import sys

IS_PYPY = sys.implementation.name == "pypy"

_tracer_types = None


def tracer_types():
    """PyPy: the RPython type indices of the roots that exist only while
    the JIT records a trace (its tracer's state, on the stack of the
    interpreter), found by running a fresh loop until the JIT compiles it
    and comparing the roots' types on each iteration: present while it is
    traced, absent before, and absent once its machine code runs. Empty on
    CPython, with the JIT off, or when no such type turns up. Computed
    once per process (about 3,000 iterations over the roots)."""
    global _tracer_types
    if _tracer_types is not None:
        return _tracer_types
    _tracer_types = frozenset()
    if not IS_PYPY:
        return _tracer_types
    per_iteration = []

    def roots():
        per_iteration.append({gc.get_rpy_type_index(r) for r in gc.get_rpy_roots() if r is not None})

    def spin(n):
        for _ in range(n):
            roots()

    spin(3000)
    # Loops become hot after about 1,000 iterations (PyPy's default
    # threshold, 1039): iterations 100 to 500 are interpreted, the last 500
    # run the compiled loop. (The first ones are left out: a trace the
    # caller was in, or the set comprehension's own, may be recorded then.)
    before = set().union(*per_iteration[100:500])
    after = set().union(*per_iteration[-500:])
    during = set().union(*per_iteration[500:-500])
    _tracer_types = frozenset(during - before - after)
    return _tracer_types


def trace_in_progress():
    """PyPy: whether the JIT is recording a trace now, one that may have
    entered the caller's frames (see `tracer_types`)."""
    types = tracer_types()
    return bool(types) and any(r is not None and gc.get_rpy_type_index(r) in types
                               for r in gc.get_rpy_roots())


def release_code(alive, collections=10):
    """PyPy: `pypyjit.releaseall()`, then up to `collections` collections
    while `alive()` is true. Returns the number of collections after which
    `alive()` turned false, or 0 if it did not (or there is no JIT)."""
    try:
        import pypyjit
    except ImportError:
        return 0
    pypyjit.releaseall()
    for extra in range(1, collections + 1):
        gc.collect()
        if not alive():
            return extra
    return 0
