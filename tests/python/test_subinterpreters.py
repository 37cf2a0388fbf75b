"""hpy-rs modules in isolated subinterpreters with their own GIL (PEP 684,
CPython 3.12+; hpy/DESIGN.md, "Subinterpreters").

In the CPython ABI a module's state is per interpreter and the module
declares `Py_MOD_PER_INTERPRETER_GIL_SUPPORTED`: xxhash, rpds and kiwisolver
are imported into subinterpreters, used there (their classes, created
exceptions, module globals, the argument parsers' interned names), compared
with the main interpreter's answers, destroyed and made again, several
alive at once and in threads at once. Through hpy_rs_universal (universal
and debug modes) the same: the host keeps the universal binaries' globals
and its debug state per interpreter ("Subinterpreters through
hpy_rs_universal"); in debug mode each subinterpreter's workload runs under
that interpreter's LeakDetector, with invalid handles counted. Trace mode
works there too, with each interpreter's counts and trace functions its
own; a module that says `subinterpreters: false` is a clean ImportError. Stock hpy.universal has no such
interpreters to offer (it does not build on 3.12+), PyPy and CPython before
3.12 have none (skipped, saying so).
"""

import functools
import importlib.util
import json
import os
import shutil
import sys
import subprocess
import tempfile
import threading

import pytest

IS_PYPY = sys.implementation.name == "pypy"
MODULES = ["xxhash", "rpds", "kiwisolver"]

# What each module does in an interpreter: `result` (a JSON-able list)
# exercises its classes (construction, instance and operand checks), a
# created exception or the panic exception, keyword arguments and a module
# global, so that each per-interpreter object is used.
WORKLOADS = {
    "xxhash": """
import xxhash
data = b"hpy-rs subinterpreters" * 37
h = xxhash.xxh64(seed=5)
h.update(data)
g = h.copy()
g.update(b"more")
result = [
    xxhash.xxh64_intdigest(data),
    xxhash.xxh3_128_hexdigest(data, seed=3),
    xxhash.xxh32(data, 7).hexdigest(),
    xxhash.xxh3_64(memoryview(data)[::1]).intdigest(),
    h.intdigest(), g.hexdigest(), h.name, g.digest_size,
    type(h).__name__, isinstance(g, xxhash.xxh64), isinstance(g, xxhash.xxh32),
    issubclass(xxhash._xxhash.PanicException, BaseException),
]
try:
    xxhash.xxh64("text")
except TypeError as e:
    result.append(str(e))
""",
    "rpds": """
import rpds
m = rpds.HashTrieMap({1: "one", "two": 2}).insert(3, (4, 5))
s = rpds.HashTrieSet([1, 2, 3]).insert(4).remove(1)
l = rpds.List([1, 2, 3]).push_front(0)
q = rpds.Queue([1, 2]).enqueue(3)
result = [
    sorted(map(repr, m.items())), sorted(s), list(l), list(q),
    m == rpds.HashTrieMap({1: "one", "two": 2, 3: (4, 5)}),
    s | rpds.HashTrieSet([9]) == rpds.HashTrieSet([2, 3, 4, 9]),
    repr(l), type(m).__name__, type(m.keys()).__qualname__,
    m.get(5, default="none"),
]
try:
    m.remove(99)
except KeyError as e:
    result.append(repr(e))
""",
    "kiwisolver": """
import kiwisolver
from kiwisolver import Solver, Variable
x, y = Variable("x"), Variable("y")
solver = Solver()
c = x + y == 10
solver.addConstraint(c)
solver.addConstraint(x - y == 2)
solver.addConstraint((x >= 0) | "strong")
solver.updateVariables()
result = [x.value(), y.value(), str(c.op()), repr(x + 2 * y),
          solver.hasConstraint(c), type(c).__name__]
try:
    solver.addConstraint(c)
except kiwisolver.DuplicateConstraint as e:
    result.append([type(e).__name__, e.constraint is c])
""",
}


def _interpreters():
    if IS_PYPY:
        pytest.skip("PyPy has no subinterpreters")
    if sys.version_info < (3, 12):
        pytest.skip("per-interpreter GILs (PEP 684) need CPython 3.12+")
    for name in ("_interpreters", "_xxsubinterpreters"):
        try:
            return __import__(name)
        except ImportError:
            continue
    pytest.skip("this CPython has no _interpreters/_xxsubinterpreters module")


# A module built with `hpy_module! { subinterpreters: false }`.
REFUSING = "hpyrs_reexport"


def _supported(hpy_mode, hpy_host, name=None):
    """Whether this run's modules load into isolated subinterpreters, and
    why not if they do not."""
    if name == REFUSING:
        return False, f"{REFUSING} says `subinterpreters: false`"
    if hpy_mode == "cpython":
        return True, None
    if hpy_host is None or hpy_host.__name__ != "hpy_rs_universal":
        pytest.skip("stock hpy.universal keeps its contexts and globals process-wide "
                    "(and exists on CPython 3.11 only, which has no per-interpreter GIL)")
    return True, None


# In debug mode, what a subinterpreter runs around a workload: that
# interpreter's own LeakDetector (a handle left open fails), a count of
# invalid handles used (the default would abort the process) and proof that
# the calls went through the debug context (its closed-handle queue moved).
DEBUG_PROLOGUE = """
import hpy_rs_universal, hpy_rs_universal.debug as _hpy_debug
_invalid = []
hpy_rs_universal._debug.set_on_invalid_handle(lambda: _invalid.append('handle'))
hpy_rs_universal._debug.set_on_invalid_builder_handle(lambda: _invalid.append('builder'))
def _closed_state():
    closed = hpy_rs_universal._debug.get_closed_handles()
    return len(closed), (closed[-1].id if closed else None)
_before = _closed_state()
with _hpy_debug.LeakDetector():
"""
DEBUG_EPILOGUE = """
assert not _invalid, f"invalid handles used in this interpreter: {_invalid}"
assert _closed_state() != _before, "no call went through this interpreter's debug context"
hpy_rs_universal._debug.set_on_invalid_handle(None)
hpy_rs_universal._debug.set_on_invalid_builder_handle(None)
"""


def _checked(hpy_mode, code):
    """`code` as a subinterpreter runs it in this mode (see DEBUG_PROLOGUE)."""
    if hpy_mode != "debug":
        return code
    return (DEBUG_PROLOGUE + "".join(f"    {line}\n" for line in code.splitlines())
            + DEBUG_EPILOGUE)


# Run later in the namespace a workload left: its objects, used after other
# interpreters came and went.
FOLLOW_UPS = {
    "xxhash": "g.update(b'later')\nresult = [g.hexdigest(), isinstance(g, xxhash.xxh64)]",
    "rpds": "result = [list(l.rest), sorted(map(repr, m.discard(1).keys())), s == s.insert(2)]",
    "kiwisolver": "z = Variable('z')\nsolver.addConstraint(z == 2 * x + y)\n"
                  "solver.updateVariables()\nresult = [x.value(), z.value()]",
}


def _in_main(name, then=None):
    namespace = {}
    exec(WORKLOADS[name], namespace)
    if then is not None:
        exec(then, namespace)
    return json.loads(json.dumps(namespace["result"]))


class Subinterpreter:
    """An isolated subinterpreter (its own GIL) that runs code and reports
    what it computed (through a file: `run_string` reports exceptions
    differently across 3.12-3.15)."""

    def __init__(self, interpreters, tmp):
        self.interpreters = interpreters
        self.iid = interpreters.create()
        self.out = os.path.join(tmp, f"out-{id(self)}-{threading.get_ident()}.json")

    def run(self, code):
        """Runs `code` with this process's sys.path; returns its `result`,
        or raises AssertionError with the exception it raised."""
        wrapped = (
            f"import sys, json, traceback\nsys.path[:0] = {sys.path!r}\n"
            "try:\n"
            + "".join(f"    {line}\n" for line in code.splitlines())
            + "    outcome = {'result': result}\n"
            "except BaseException as e:\n"
            "    outcome = {'error': type(e).__name__ + ': ' + str(e),\n"
            "               'traceback': traceback.format_exc()}\n"
            f"open({self.out!r}, 'w').write(json.dumps(outcome))\n"
        )
        if os.path.exists(self.out):
            os.unlink(self.out)
        failure = self.interpreters.run_string(self.iid, wrapped)
        assert failure is None, failure
        with open(self.out) as f:
            outcome = json.load(f)
        if "error" in outcome:
            raise AssertionError(f"in the subinterpreter: {outcome['error']}\n"
                                 f"{outcome['traceback']}")
        return outcome["result"]

    def destroy(self):
        self.interpreters.destroy(self.iid)


@pytest.fixture
def tmp():
    with tempfile.TemporaryDirectory() as d:
        yield d


@pytest.mark.parametrize("name", MODULES + [REFUSING])
def test_import_into_an_isolated_subinterpreter(hpy_ext, hpy_mode, hpy_host, tmp, name):
    """The module imports (in every mode: through hpy_rs_universal too),
    unless it says `subinterpreters: false`: then a clean ImportError that
    says why."""
    interpreters = _interpreters()
    hpy_ext(name)  # built and importable here, from the paths passed on
    supported, _ = _supported(hpy_mode, hpy_host, name)
    sub = Subinterpreter(interpreters, tmp)
    try:
        if supported:
            code = f"import {name}\nresult = {name}.__name__"
            assert sub.run(_checked(hpy_mode, code)) == name
        else:
            kind, text = sub.run(
                f"try:\n    import {name}\n    result = ['imported', '']\n"
                "except ImportError as e:\n    result = ['ImportError', str(e)]\n")
            assert kind == "ImportError", text
            assert "subinterpreter" in text, text
    finally:
        sub.destroy()


def _need_support(hpy_mode, hpy_host):
    supported, why = _supported(hpy_mode, hpy_host)
    if not supported:
        pytest.skip(why)


def _ready(hpy_ext, hpy_mode, hpy_host, name):
    """The interpreters module and the main interpreter's answers to the
    workload of `name`, built and imported here (skips where this run's
    modules do not load into subinterpreters)."""
    interpreters = _interpreters()
    _need_support(hpy_mode, hpy_host)
    hpy_ext(name)
    return interpreters, _in_main(name)


@pytest.mark.parametrize("name", MODULES)
def test_used_in_subinterpreters_as_in_main(hpy_ext, hpy_mode, hpy_host, tmp, name):
    """Import, use, compare with the main interpreter, destroy; five times
    (each interpreter makes the module's types and globals afresh, and the
    next one must not see the last one's)."""
    interpreters, expected = _ready(hpy_ext, hpy_mode, hpy_host, name)
    for _ in range(5):
        sub = Subinterpreter(interpreters, tmp)
        try:
            assert sub.run(_checked(hpy_mode, WORKLOADS[name])) == expected
            # Imported again in the same interpreter: a second module
            # object shares the interpreter's state.
            again = (
                "for m in [m for m in sys.modules if m.split('.')[0] == "
                f"{name!r}]:\n    del sys.modules[m]\n" + WORKLOADS[name])
            assert sub.run(_checked(hpy_mode, again)) == expected
        finally:
            sub.destroy()
    assert _in_main(name) == expected


@pytest.mark.parametrize("name", MODULES)
def test_main_interpreter_takes_the_keys_back(hpy_ext, hpy_mode, hpy_host, tmp, name):
    """Through hpy_rs_universal: while a subinterpreter that loaded the
    module lives, the binaries' global cells hold keys (each interpreter
    its own object per cell); once it is finalized, the main interpreter's
    next use of the module gives every cell its object's address back
    (`_keyed_globals()` counts the keyed cells), so that it reads them in
    place again as before any subinterpreter came; a new subinterpreter
    keys them again. The answers stay the main interpreter's throughout."""
    if hpy_mode == "cpython":
        pytest.skip("keys are hpy_rs_universal's (the CPython ABI keeps module state per "
                    "interpreter)")
    interpreters, expected = _ready(hpy_ext, hpy_mode, hpy_host, name)
    for round in range(2):
        sub = Subinterpreter(interpreters, tmp)
        try:
            assert sub.run(_checked(hpy_mode, WORKLOADS[name])) == expected
            assert hpy_host._keyed_globals() > 0, "a subinterpreter loaded the module: no key"
            assert _in_main(name) == expected
            assert hpy_host._keyed_globals() > 0, "keys taken back while a subinterpreter lives"
        finally:
            sub.destroy()
        assert _in_main(name) == expected
        assert hpy_host._keyed_globals() == 0, f"round {round}: keys kept after the last " \
            "subinterpreter was destroyed"


@pytest.mark.parametrize("name", MODULES)
def test_two_subinterpreters_alive_at_once(hpy_ext, hpy_mode, hpy_host, tmp, name):
    interpreters, expected = _ready(hpy_ext, hpy_mode, hpy_host, name)
    a = Subinterpreter(interpreters, tmp)
    try:
        assert a.run(_checked(hpy_mode, WORKLOADS[name])) == expected
        b = Subinterpreter(interpreters, tmp)
        try:
            assert b.run(_checked(hpy_mode, WORKLOADS[name])) == expected
            assert a.run(_checked(hpy_mode, WORKLOADS[name])) == expected
        finally:
            b.destroy()
        # Objects `a` made before `b` came and went still work.
        assert a.run(_checked(hpy_mode, FOLLOW_UPS[name])) == _in_main(name, FOLLOW_UPS[name])
        assert a.run(_checked(hpy_mode, WORKLOADS[name])) == expected
    finally:
        a.destroy()
    assert _in_main(name) == expected


@pytest.mark.parametrize("name", MODULES)
def test_subinterpreters_in_threads_at_once(hpy_ext, hpy_mode, hpy_host, tmp, name):
    """Four threads, each with its own interpreter (so its own GIL), run the
    workload 30 times concurrently while the main interpreter does too."""
    interpreters, expected = _ready(hpy_ext, hpy_mode, hpy_host, name)
    loop = (
        "for _ in range(30):\n"
        + "".join(f"    {line}\n" for line in WORKLOADS[name].splitlines())
        + "    results = globals().setdefault('results', [])\n"
        "    results.append(result)\n"
        "result = results\n"
    )
    outcomes, errors = {}, []
    start = threading.Barrier(5)

    def work(i):
        try:
            sub = Subinterpreter(interpreters, tmp)
            try:
                start.wait()
                outcomes[i] = sub.run(_checked(hpy_mode, loop))
            finally:
                sub.destroy()
        except BaseException as e:  # reported below, on the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    start.wait()
    in_main = [_in_main(name) for _ in range(30)]
    for t in threads:
        t.join()
    assert not errors, errors
    assert in_main == [expected] * 30
    assert sorted(outcomes) == [0, 1, 2, 3]
    for results in outcomes.values():
        assert results == [expected] * 30


CYCLES_SCRIPT = """
import json, os, sys
import {interpreters} as interpreters
code = {code!r}

def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

def cycles(n, code):
    for _ in range(n):
        iid = interpreters.create()
        try:
            interpreters.run_string(iid, code)
        finally:
            interpreters.destroy(iid)

def growth(code):
    cycles(10, code)  # one-off work: allocator arenas, caches, first imports
    marks = [rss_kib()]
    for _ in range(2):
        cycles(20, code)
        marks.append(rss_kib())
    return [b - a for a, b in zip(marks, marks[1:])]

print(json.dumps(growth(code)))
"""


def _growth(interpreters, code):
    """RSS growth in KiB over 20 and 20 cycles of create / run `code` /
    destroy, after 10, in a fresh process."""
    script = CYCLES_SCRIPT.format(interpreters=interpreters.__name__, code=code)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@functools.cache
def _control(interpreters):
    """The control, interpreters that only import json: measured once per
    session, in a process of its own, not again beside every workload (the
    four tests of a run share it; on CPython 3.12 and 3.13, where it already
    grows past the limit, the workloads are not run at all)."""
    return _growth(interpreters, "import json; json.dumps([1, 2])")


def _cycles_do_not_grow(interpreters, tmp, code, what):
    """Runs `code` (which must get to its end) in 10 + 20 + 20 cycles of
    create / run / destroy in a fresh process, and asserts that each 20
    grew the process by less than 4 MiB; skips where interpreters that only
    import json grow it that much."""
    control = _control(interpreters)
    if max(control) >= 4096:
        pytest.skip(f"this CPython grows by {control} KiB per 20 cycles of interpreters that "
                    "only import json (3.12 and 3.13 keep each isolated interpreter's object "
                    f"arenas), which would hide {what}'s state left behind")
    out = os.path.join(tmp, "done")
    code = (f"import sys\nsys.path[:0] = {sys.path!r}\n" + code
            + f"\nopen({out!r}, 'w').write('ok')\n")
    growth = _growth(interpreters, code)
    with open(out) as f:
        assert f.read() == "ok"  # the code ran to its end
    print(f"{what}: RSS growth over 20 and 20 cycles after 10: {growth} KiB "
          f"(`import json` alone: {control} KiB)")
    assert max(growth) < 4096, growth


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
@pytest.mark.parametrize("name", MODULES)
def test_create_import_destroy_cycles_do_not_grow(hpy_ext, hpy_mode, hpy_host, tmp, name):
    """In a fresh process, after 10 cycles of create / import and use /
    destroy, 20 more and 20 more again grow the process by less than 4 MiB
    each: each interpreter's module state is freed with it. (Measured on
    3.14: 0-0.8 MiB of noise per 20 cycles; with the states left behind,
    which keep their interpreters' object arenas, 36-44 MiB.) Skipped where
    interpreters that only import json grow the process that much."""
    interpreters = _interpreters()
    _need_support(hpy_mode, hpy_host)
    hpy_ext(name)
    _cycles_do_not_grow(interpreters, tmp, _checked(hpy_mode, WORKLOADS[name]), name)


def test_debug_mode_checks_each_interpreter_apart(hpyrs_debugcheck, hpy_mode, hpy_host, tmp):
    """Debug mode in a subinterpreter has a state of its own: a handle the
    extension leaks there is reported by that interpreter's LeakDetector
    and not by the main interpreter's, and a closed handle used there calls
    that interpreter's invalid-handle callback."""
    interpreters = _interpreters()
    if hpy_mode != "debug":
        pytest.skip("debug mode only")
    _need_support(hpy_mode, hpy_host)
    origin = hpyrs_debugcheck.__spec__.origin
    if origin.endswith(".py"):
        origin = origin[: -len(".py")] + ".hpy0.so"
    internals = hpy_host._debug
    generation = internals.new_generation()
    code = f"""
import hpy_rs_universal
from importlib.machinery import ModuleSpec
from hpy_rs_universal import _debug
from hpy_rs_universal.debug import HPyLeakError, LeakDetector
m = hpy_rs_universal.load("hpyrs_debugcheck", {origin!r},
                          ModuleSpec("hpyrs_debugcheck", None, origin={origin!r}), debug=True)
result = []
try:
    with LeakDetector():
        m.leak("leaked in a subinterpreter")
    result.append("no leak reported")
except HPyLeakError as e:
    result.append([h.obj for h in e.leaks])
invalid = []
_debug.set_on_invalid_handle(lambda: invalid.append(1))
m.use_after_close([1, 2])
_debug.set_on_invalid_handle(None)
result.append(len(invalid))
"""
    sub = Subinterpreter(interpreters, tmp)
    try:
        leaks, invalid = sub.run(code)
    finally:
        sub.destroy()
    assert leaks == ["leaked in a subinterpreter"], leaks
    assert invalid == 1, invalid
    in_main = [h.obj for h in internals.get_open_handles(generation)]
    assert "leaked in a subinterpreter" not in in_main, in_main


def _traced_copy(hpy_ext, tmp):
    """A copy of kiwisolver's universal binary in `tmp` (copies of a binary
    are independent libraries: loading it in trace mode does not change the
    context of the kiwisolver the main interpreter imported) and the code
    that loads it in trace mode as `kiwisolver` in an interpreter."""
    origin = hpy_ext("kiwisolver").__spec__.origin
    if origin.endswith(".py"):
        origin = origin[: -len(".py")] + ".hpy0.so"
    name = "kiwisolver"
    assert os.path.basename(origin) == f"{name}.hpy0.so", origin
    copy = os.path.join(tmp, os.path.basename(origin))
    shutil.copy(origin, copy)
    load = f"""
import importlib.util, sys, hpy_rs_universal
from hpy_rs_universal import _trace
_spec = importlib.util.spec_from_file_location({name!r}, {copy!r})
sys.modules[{name!r}] = hpy_rs_universal.load({name!r}, {copy!r}, _spec,
                                             mode=hpy_rs_universal.MODE_TRACE)
"""
    return load


def _need_trace_host(hpy_mode, hpy_host):
    if hpy_mode == "cpython":
        pytest.skip("no HPy host in cpython mode")
    _need_support(hpy_mode, hpy_host)


# Run in an interpreter after `_traced_copy`'s code: the workload with this
# interpreter's trace functions set, and what the interpreter's trace state
# saw of it.
TRACED_WORKLOAD = """
_entered, _left = [], []
_before = sum(_trace.get_call_counts().values())
_trace.set_trace_functions(_entered.append, on_exit=_left.append)
{workload}
_trace.set_trace_functions(None, None)
_counts = _trace.get_call_counts()
result = [result, sum(_counts.values()) - _before, _counts['ctx_Close'] > 0,
          len(_entered), _entered == _left,
          all(n.startswith('ctx_') and n in _counts for n in _entered),
          sum(_trace.get_durations().values()) > 0]
"""


def _traced(workload):
    return TRACED_WORKLOAD.format(workload=workload)


def test_trace_mode_in_a_subinterpreter(hpy_ext, hpy_mode, hpy_host, tmp):
    """A module loaded in trace mode in an isolated subinterpreter works
    there, and that interpreter's trace state is its own: its counts start
    at zero and count its calls, its trace functions are called for them,
    and the main interpreter's counts and trace functions see none of it."""
    interpreters = _interpreters()
    _need_trace_host(hpy_mode, hpy_host)
    load = _traced_copy(hpy_ext, tmp)
    expected = _in_main("kiwisolver")
    trace = hpy_host._trace
    in_main = []
    trace.set_trace_functions(in_main.append, in_main.append)
    try:
        main_before = trace.get_call_counts()
        sub = Subinterpreter(interpreters, tmp)
        try:
            fresh = sub.run(load + "result = sum(_trace.get_call_counts().values())")
            outcome = sub.run(_traced(WORKLOADS["kiwisolver"]))
            # Called again: the same state goes on counting.
            again = sub.run(_traced(WORKLOADS["kiwisolver"]))
        finally:
            sub.destroy()
        main_after = trace.get_call_counts()
    finally:
        trace.set_trace_functions(None, None)
    result, counted, closed, entered, paired, names_ok, timed = outcome
    assert result == expected
    assert counted > 0 and closed and timed, outcome
    assert entered == counted and paired and names_ok, outcome
    assert again == outcome, (again, outcome)
    # The load's own calls (type creation, exec) counted there too.
    assert fresh > 0, fresh
    assert main_after == main_before
    assert in_main == []
    # The main interpreter traces its own calls as before, through the
    # global table the subinterpreter's calls went through too.
    copy = os.path.join(tmp, "kiwisolver.hpy0.so")
    traced = hpy_host.load("kiwisolver", copy,
                           importlib.util.spec_from_file_location("kiwisolver", copy),
                           mode=hpy_host.MODE_TRACE)
    trace.set_trace_functions(in_main.append)
    try:
        traced.Variable("x") + 1.0
    finally:
        trace.set_trace_functions(None)
    traced.Variable("y") + 2.0
    assert sum(trace.get_call_counts().values()) > sum(main_after.values())
    assert in_main and all(n.startswith("ctx_") for n in in_main), in_main


def test_trace_mode_in_two_subinterpreters_at_once(hpy_ext, hpy_mode, hpy_host, tmp):
    """Two subinterpreters trace the same binary at once, each with its own
    counts and trace functions: one's calls change nothing of the other's."""
    interpreters = _interpreters()
    _need_trace_host(hpy_mode, hpy_host)
    load = _traced_copy(hpy_ext, tmp)
    expected = _in_main("kiwisolver")
    counts = "result = _trace.get_call_counts()"
    a = Subinterpreter(interpreters, tmp)
    try:
        a.run(load + "result = None")
        outcome = a.run(_traced(WORKLOADS["kiwisolver"]))
        assert outcome[0] == expected and outcome[1] > 0, outcome
        a_counts = a.run(counts)
        # `a`'s trace functions stay set while `b` works.
        a.run("_seen = []\n_trace.set_trace_functions(_seen.append)\nresult = None")
        b = Subinterpreter(interpreters, tmp)
        try:
            b.run(load + "result = None")
            assert b.run(_traced(WORKLOADS["kiwisolver"])) == outcome
            assert b.run(_traced(WORKLOADS["kiwisolver"])) == outcome
            assert a.run("result = len(_seen)") == 0
            assert a.run(counts) == a_counts
        finally:
            b.destroy()
        assert a.run("_trace.set_trace_functions(None)\nresult = None") is None
        assert a.run(_traced(WORKLOADS["kiwisolver"])) == outcome
    finally:
        a.destroy()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_trace_mode_cycles_do_not_grow(hpy_ext, hpy_mode, hpy_host, tmp):
    """As test_create_import_destroy_cycles_do_not_grow, in trace mode, with
    trace functions left set when the interpreter goes (their references
    and the interpreter's trace state are freed with it)."""
    interpreters = _interpreters()
    _need_trace_host(hpy_mode, hpy_host)
    load = _traced_copy(hpy_ext, tmp)
    code = (load + _traced(WORKLOADS["kiwisolver"])
            + "_kept = []\n_trace.set_trace_functions(_kept.append, _kept.append)\n"
            + "kiwisolver.Variable('kept')\nassert _kept\n")
    _cycles_do_not_grow(interpreters, tmp, code, "kiwisolver in trace mode")
