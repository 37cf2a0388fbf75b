"""Fuzzing: every public callable of the example and test extensions, called
with arguments of every kind, each call in a worker subprocess.

What counts as a defect: a worker killed by a signal or exiting (a crash or
an abort), a call that does not come back in time (a hang), a
``SystemError`` that the callable does not document, an exception left set
after a call returned, an unraisable ``SystemError``, and in debug mode a
handle left open (each call runs inside hpy.debug's LeakDetector). Any
other exception is an ordinary answer to bad input.

How (see fuzz/__init__.py for the parts):

* Targets come from introspecting the modules in a worker: module
  functions, constructors, ``C.__new__(some_class)``, Python subclasses'
  constructors, methods bound and as raw descriptors with any receiver,
  properties' ``__get__``/``__set__``/``__delete__``, and slots through the
  interpreter's protocol (``x + y``, ``y + x``, ``len(x)``, ``x[k] = v``...).
* Probes learn each callee's arity and parameter types from hpy-rs's
  TypeError messages ("missing 1 required positional argument: 'b'",
  "argument 'a' must be int, not object").
* A sweep tries each value of a dictionary in each argument position (the
  other positions keep values that pass): lying lengths, raising
  conversions, huge and negative sizes, NaN, lone surrogates, foreign
  receivers (a few of the module's other classes for each method) and
  classes...
* Then HPY_RS_FUZZ_EXAMPLES random calls per target (default 12), picked
  with a generator seeded by the target's id (fuzz/draw.py): mostly of the
  learned types, sometimes of any type, number or keyword; the values come
  from pools Hypothesis draws once per session (fuzz/values.py, POOL_SIZE).

A crash is replayed alone in a fresh worker, its input made smaller, and
reported with what the worker printed and a command line to reproduce it.
Defects that are reported but not fixed yet are listed in KNOWN: their
failures are tolerated, and test_known_defect_still_reproduces fails once
one is fixed, so that its entry goes.

For a longer run:

    HPY_RS_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/python/test_fuzz.py --hpy-mode=debug

Other knobs: HPY_RS_FUZZ_WORKERS (default 2), HPY_RS_FUZZ_TIMEOUT (seconds
per call, default 30), HPY_RS_FUZZ_MEM_MB (address-space limit of a worker,
default 4096; 0 for none), HPY_RS_FUZZ_ONLY (a substring of target ids),
HPY_RS_FUZZ_HISTORY (calls a worker remembers for a crash report, default
40), HPY_RS_FUZZ_RECYCLE (calls a worker serves before a fresh one replaces
it, default 1000, on PyPy 5000) and HPY_RS_FUZZ_DUMP (a file to which each
crash appends, pickled, the list of calls its worker made, the crashing one
last: for crashes that need the calls before them).
"""

import collections
import dataclasses
import os
import pickle
import re
import sys
import time
import typing
from pathlib import Path

import pytest

if (sys.implementation.name == "cpython" and sys.version_info[:2] not in ((3, 11), (3, 14))
        and os.environ.get("HPY_RS_FUZZ_ALL") != "1"):
    pytest.skip("the fuzzer runs once per ABI and interpreter: the CPython ABI on CPython "
                "3.14, the universal binaries on 3.11 (debug mode) and PyPy (universal mode); "
                "set HPY_RS_FUZZ_ALL=1 (and install Hypothesis) to fuzz on this CPython too",
                allow_module_level=True)

hypothesis = pytest.importorskip(
    "hypothesis",
    reason="the fuzzer needs Hypothesis; install it into this interpreter with "
    "`python -m pip install 'hypothesis==6.155.7'` (the last release without a "
    "native module, which PyPy 7.3.19 cannot load)",
)
from fuzz import draw, recipes, targets  # noqa: E402
from fuzz.pool import Pool  # noqa: E402
from fuzz.values import CALL, DICT, LIST, N, V, Universe, subclass  # noqa: E402

# Hypothesis warns when it prints a strategy over the long sampled_from
# lists of fuzz/values.py; nothing here prints strategies.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parents[1]
IS_PYPY = sys.implementation.name == "pypy"
# The ports in examples/ (issue 36): a port is fuzzed once its module name
# is here (and in the conftest's EXTENSIONS).
PORTS = ["rpds", "kiwisolver", "parity", "ujson"]
MODULES = ["pof", "simple", "piconumpy", "hello", "hpyrs_test", "hpyrs_classes", "hpyrs_conv",
           "hpyrs_api"] + PORTS

# Callables never called, nor passed as an argument (a fuzzed function may
# call what it is given): each exists to do what a fuzzer must not.
SKIP = {
    "hpyrs_api.fatal_error": "aborts the process on purpose (HPy_FatalError)",
    "hpyrs_conv.sleep_released": "sleeps as long as its argument says: 2**63 ms is a hang by request",
    "hpyrs_test.spin_checking_signals": "spins as many seconds as its argument says",
}

# Callables whose documented answer is a SystemError, for the reason given.
EXPECTED_SYSTEM_ERROR = {
    "hpyrs_test.error_without_exception": "returns an error without setting an exception, "
                                          "which hpy-rs reports as SystemError",
    "hpyrs_conv.unlisted_store": "a Global missing from hpy_module!'s globals is a SystemError",
    "hpyrs_conv.unlisted_load": "a Global missing from hpy_module!'s globals is a SystemError",
    "hpyrs_conv.raise_unlisted": "a Global missing from hpy_module!'s globals is a SystemError",
    "hpyrs_conv.panic_released": "a panic inside allow_threads is reported as SystemError",
}

# Callables whose work grows with an integer argument by design (a loop of
# n steps, n objects): they are fuzzed with every integer at most
# SIZE_LIMIT, anything larger is left out of their inputs.
SIZE_LIMIT = 10**5
SIZE_BOUNDED = {
    "hpyrs_conv.tracker_sum": "adds 2n handles to a tracker, one step at a time",
    "hpyrs_classes.Holder.value_n": "reads its field n times (bench/typed-field-costs's loop): "
                                    "value_n(2**31) ran past the 30 s timeout in debug mode",
    "hpyrs_classes.Holder.value_loaded_n": "loads its field n times (the same loop)",
    "hpyrs_classes.Labelled.label": "repeats the label n times: label(209966947), a 400 MB "
                                    "string, ran past the 30 s timeout on PyPy",
    "hpyrs_classes.Labelled.repeat": "label's alias",
    "parity.factorial": "multiplies n big integers: factorial(1114112) ran past the 30 s "
                        "timeout in debug mode",
}
# PyPy 7.3.19's debug mode spends time that grows faster than the number of
# handles open at once (a C HPy module opening n handles, then closing them:
# bench/pypy-costs/open_many.c, 0.02 s for 2000, 0.37 s for 8000, 1.1 s for
# 16000; about 1 ms for 16000 in PyPy's plain mode and in hpy.universal's
# debug mode). There, the callables that keep one handle open per unit of
# their integer argument take integers up to PYPY_DEBUG_SIZE_LIMIT only:
# build_range_list(55296) took 66 s and hit the worker's timeout.
PYPY_DEBUG_SIZE_LIMIT = 4000
PYPY_DEBUG_QUADRATIC = {
    "hpyrs_conv.build_range_list": "holds one item handle per element until it builds",
    "hpyrs_conv.tracker_forget": "returns n handles, all open at once",
    "hpyrs_conv.tracker_sum": "adds 2n handles to a tracker",
}


@dataclasses.dataclass
class Known:
    """A defect this fuzzer found that is reported and not fixed yet. The
    fuzz runs tolerate its failures (of `kind`, on targets named in
    `names`, or whose worker output matches `signature`), and
    test_known_defect_still_reproduces requires its reproducer to fail that
    way wherever it `applies`: a fix is noticed, and the entry must go."""

    kind: str
    reproducer: tuple  # a call: (callee, args, kwargs); None: none found yet
    reason: str
    names: tuple = ()
    signature: str = None  # a regex on what a crashed worker printed
    suffix: str = None  # or: failures of any target whose name ends so (".__new__")
    applies: typing.Callable = lambda mode, host: True  # host: its module name, or None
    # Inputs left out while the defect stands, because nearly every one of
    # them would hit it: "extension-subclasses" (Python subclasses of the
    # extension classes, their instances and constructors).
    excludes: str = None

    def covers(self, name, kind, answer, mode):
        """`mode` is (hpy_mode, host name or None)."""
        if kind != self.kind or not self.applies(*mode):
            return False
        if name in self.names or (self.suffix and name.endswith(self.suffix)):
            return True
        return bool(self.signature and re.search(self.signature, answer.get("stderr", "")))


def _call(f, *args):
    return (f, args, ())


KNOWN = {
    "PyPy debug mode: HPy could not free internally allocated memory": Known(
        "crash", None,
        "PyPy 7.3.19's debug mode aborts ('HPy could not free internally allocated memory': "
        "munmap of a closed handle's protected data failed) after some hundreds of calls; "
        "no single call reproduces it",
        signature=r"HPy could not free internally allocated memory",
        applies=lambda mode, host: IS_PYPY and mode == "debug"),
    "PyPy: finalizing a Python subclass of a class with tp_destroy": Known(
        "crash", _call(CALL(N("subclass"), N("hpyrs_classes.Vector")), V(1)),
        "PyPy 7.3.19 aborts (Fatal RPython error: AssertionError in W_HPyObject._finalize_) "
        "when it finalizes an instance of a Python subclass of an HPy type that has "
        "HPy_tp_destroy; a 40-line C HPy module does the same (upstream)",
        signature=r"in W_HPyObject__finalize_", applies=lambda mode, host: IS_PYPY,
        excludes="extension-subclasses"),
}


# Objects that only functions make, passed as arguments like any other.
EXTRAS = [
    CALL(N("hpyrs_conv.capsule_new"), V(5)),
    CALL(N("hpyrs_conv.capsule_new_foreign")),
    CALL(N("hpyrs_conv.capsule_new_panicky")),
    CALL(N("hpyrs_api.context_var_new"), V("v")),
    CALL(N("hpyrs_api.compile_only"), V("1"), V("f")),
    CALL(N("hpyrs_conv.conv_error_type")),
    # Issue 36's pool for the ports: keys whose __eq__ changes its answer
    # (hash 0: they collide), objects that call back into a port from their
    # __hash__/__eq__/__len__/__iter__, a list whose __len__ lies.
    CALL(N("unsure"), V(1)),
    CALL(N("reentrant"), N("rpds.HashTrieSet")),
    CALL(N("reentrant"), ("attr", N("rpds.List"), "push_front")),
    CALL(N("reentrant"), N("kiwisolver.Variable")),
    CALL(subclass(N("list"), "__len__", returns=2**40), LIST(V(1), V(2))),
    CALL(subclass(N("list"), "__len__", returns=0), LIST(V(1), V(2))),
]
# Instances of classes Python cannot construct (no __new__).
# Instances of classes Python cannot construct (no __new__), and instances in
# states a random run seldom reaches (a targeted strategy: rpds's hash tries
# whose size and entries differ, issue 36).
PRODUCERS = [CALL(N("hpyrs_classes.make_token"), V(7)),
             CALL(N("unsure_trie"), N("rpds.HashTrieSet"), V(36)),
             CALL(N("unsure_trie"), N("rpds.HashTrieMap"), V(36))]
# The ports' classes that only their functions and operators make.
_MAP = CALL(N("rpds.HashTrieMap"), DICT((V("a"), V(1)), (V("b"), V(2))))
_VAR = CALL(N("kiwisolver.Variable"), V("x"))
PRODUCERS += [
    CALL(N("iter"), _MAP), CALL(N("iter"), CALL(("attr", _MAP, "items"))),
    CALL(("attr", _MAP, "items")), CALL(("attr", _MAP, "keys")), CALL(("attr", _MAP, "values")),
    CALL(N("operator.mul"), _VAR, V(2)), CALL(N("operator.add"), _VAR, V(1)),
    CALL(N("operator.eq"), _VAR, V(1)), N("kiwisolver.strength"),
    # A data enum's instances are its variants' (parity.Shape.Circle ...).
    CALL(("attr", N("parity.Shape"), "Circle"), V(1.5)),
    CALL(("attr", N("parity.Shape"), "Rect"), V(2.0), V(3.0)),
    CALL(("attr", N("parity.Shape"), "Cell"), V(1), V(-2)),
]
# The test classes whose constructors take another class's instance.
_KNOT = CALL(N("hpyrs_classes.Knot"), V(3), V("k"))
PRODUCERS += [
    CALL(N("hpyrs_classes.FrozenHolder"), _KNOT),
    CALL(N("hpyrs_classes.BorrowingHolder"), _KNOT, V("l")),
    CALL(N("hpyrs_classes.PhoenixHolder"), CALL(N("hpyrs_classes.PhoenixKnot"), V(4))),
    CALL(N("hpyrs_classes.Chain"), V("c"), LIST(_KNOT, _KNOT)),
]

# At most this many failing inputs per target; then the target is left
# alone (one that crashes on every input would spend the run restarting
# workers).
MAX_FAILURES_PER_TARGET = 3


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


# Random calls per target after the sweep; 0: the sweep only.
EXAMPLES = _env_int("HPY_RS_FUZZ_EXAMPLES", 12)
# Calls a worker serves before a fresh one replaces it (so that what calls
# leave behind does not pile up): on PyPy more, since each new worker pays
# PyPy's start and its JIT's warm-up again. Fuzzing rpds and kiwisolver on
# PyPy took 172 s of processor time with 1000 (49 workers) and a collection
# every 4 calls, 116 s with 5000 (11 workers) and one every 8 (now 32:
# fuzz/worker.py's PYPY_GC_EVERY).
RECYCLE = 5000 if sys.implementation.name == "pypy" else 1000


def _vocabulary():
    """The string literals of the extensions' Rust sources: the selector
    words their functions switch on ("add", "utf-8", "i32", "del"...), like
    a fuzzer's dictionary."""
    words = set()
    for pattern in ("examples/*/src/**/*.rs", "tests/ext/*/src/**/*.rs", "tests/ext/shared/*.rs"):
        for path in ROOT.glob(pattern):
            for m in re.finditer(r'(?<![\w\\])"((?:[^"\\{}\n]|\\.){1,24})"', path.read_text()):
                word = m[1]
                if "\\" not in word:
                    words.add(word)
    return sorted(words)


def problems(name, answer):
    """(kind, detail) of each defect an answer to a call of `name` shows."""
    outcome = answer.get("outcome")
    if outcome in ("crash", "hang"):
        yield outcome, answer["how"]
        return
    exc = answer.get("exc")
    if exc and exc["is_system_error"] and name not in EXPECTED_SYSTEM_ERROR:
        yield "SystemError", _first_words(exc["msg"])
    if exc and not exc["is_base_exception"]:
        yield "not an exception", exc["type"]
    if answer.get("canary"):
        c = answer["canary"]
        yield "exception left set", f"{c['type']}: {_first_words(c['msg'])}"
    for u in answer.get("unraisable", ()):
        if u.get("is_system_error"):
            yield "unraisable SystemError", _first_words(u["msg"])
    if answer.get("leaks"):
        yield "leaked handles", f"{answer['leak_count']} handle(s)"


def _known(name, kind, answer, mode):
    """The KNOWN entry that covers this failure, or None."""
    return next((key for key, k in KNOWN.items() if k.covers(name, kind, answer, mode)), None)


class ModuleRun:
    """Counts and failures of one module's fuzzing."""

    def __init__(self, module, where):
        self.module, self.where = module, where  # where: (mode, host name or None)
        self.calls = 0
        self.outcomes = collections.Counter()
        self.exceptions = collections.Counter()
        self.setup_errors = collections.Counter()
        self.exercised = collections.Counter()  # target id -> calls that reached the callee
        self.failures = collections.defaultdict(list)  # (target id, kind, detail) -> [(call, answer)]
        self.known = collections.Counter()  # KNOWN key -> failures it covered
        self.failed_targets = collections.Counter()
        self.debug_proven = 0

    def record(self, target, call, answer):
        self.calls += 1
        outcome = answer.get("outcome")
        self.outcomes[outcome] += 1
        if outcome == "setup":
            self.setup_errors[f"{answer['exc']['type']}: {answer['exc']['msg']}"[:120]] += 1
            return
        self.exercised[target.id] += 1
        if answer.get("closed_debug_handles"):
            self.debug_proven += 1
        exc = answer.get("exc")
        if exc:
            self.exceptions[exc["type"]] += 1
        if outcome == "crash" and os.environ.get("HPY_RS_FUZZ_DUMP"):
            with open(os.environ["HPY_RS_FUZZ_DUMP"], "ab") as f:
                pickle.dump(answer.get("history", []) + [call], f)
        for kind, detail in problems(target.name, answer):
            self.failed_targets[target.id] += 1
            known = _known(target.name, kind, answer, self.where)
            if known:
                self.known[known] += 1
            else:
                self.failures[(target.id, kind, detail)].append((call, answer))

    def disabled(self, target):
        return self.failed_targets[target.id] >= MAX_FAILURES_PER_TARGET

    def summary(self, targets_count, seconds, workers):
        by_exc = ", ".join(f"{n} {k}" for k, n in self.exceptions.most_common(8))
        n_fail = sum(len(v) for v in self.failures.values())
        kinds = collections.Counter()
        for (_, kind, _), fs in self.failures.items():
            kinds[kind] += len(fs)
        lines = [
            f"fuzz {self.module} [{', '.join(filter(None, self.where))}]: {self.calls} calls on "
            f"{targets_count} targets in "
            f"{seconds:.1f}s ({workers} workers started): "
            + ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items())),
            f"    exceptions: {by_exc or 'none'}",
            f"    defects: {n_fail} ("
            + (", ".join(f"{n} {k}" for k, n in kinds.items()) or "no crash, no SystemError")
            + ")" + (f"; known, reported: {sum(self.known.values())} (below)" if self.known else ""),
        ]
        for key, n in sorted(self.known.items()):
            lines.append(f"    known: {key} ({KNOWN[key].kind}, {n} inputs)")
        if self.setup_errors:
            lines.append(f"    inputs that failed to build: {sum(self.setup_errors.values())} "
                         f"(e.g. {next(iter(self.setup_errors))})")
        return "\n".join(lines)


def _first_words(text, limit=100):
    """The start of a message, addresses blanked so that messages about
    different objects of one kind group together."""
    text = re.sub(r"0x[0-9a-fA-F]+", "0x...", " ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def call_source(call):
    callee, args, kwargs = call
    return recipes.source(("call", callee, args, kwargs))


class FuzzSession:
    """The workers, the description of the modules and the targets, made by
    the first test that needs them. The modules are imported by that test
    (through hpy_ext) so that debug mode counts them as its own, and so that
    the harness checks they are the builds of this mode."""

    def __init__(self):
        self.pool = None

    def start(self, hpy_ext, mode, host):
        modules = [hpy_ext(name) for name in MODULES]
        if self.pool is not None:
            return self
        self.mode, self.host = mode, host
        self.where = (mode, host.__name__ if host else None)
        self.build_dir = str(Path(modules[0].__file__).resolve().parent)
        self.pool = self.new_pool(MODULES, size=_env_int("HPY_RS_FUZZ_WORKERS", 2),
                                  timeout=float(_env_int("HPY_RS_FUZZ_TIMEOUT", 30)),
                                  recycle=_env_int("HPY_RS_FUZZ_RECYCLE", RECYCLE))
        described = self.pool.describe(PRODUCERS)
        self.description = described["modules"]
        # The workers run what the harness checked: the same files, the same host.
        for name, module in zip(MODULES, modules):
            assert self.description[name]["file"] == os.path.realpath(module.__file__), name
        assert described["host_file"] == (os.path.realpath(host.__file__) if host else None)
        self.excluded = [key for key, k in KNOWN.items()
                         if k.excludes == "extension-subclasses" and k.applies(*self.where)]
        self.universe = Universe(self.description, SKIP, _vocabulary(), EXTRAS,
                                 ext_subclasses=not self.excluded)
        self.targets = targets.build_targets(self.description, self.universe, SKIP)
        return self

    def new_pool(self, modules, **kwargs):
        return Pool(sys.executable, str(TESTS_DIR), self.build_dir, modules, self.mode,
                    host=self.host.__name__ if self.host else None, **kwargs)

    def close(self):
        if self.pool is not None:
            self.pool.close()

    def call_now(self, call, record):
        """Runs `call` and returns its answer (`record` sees it too)."""
        answers = []
        self.pool.submit(call, lambda c, a: (answers.append(a), record(c, a)))
        self.pool.drain()
        return answers[0]

    def reproducer(self):
        env = "HPY=debug " if self.mode == "debug" else ""
        imports = ", ".join(["operator"] + MODULES)
        return (f"cd {TESTS_DIR} && {env}{sys.executable} -c \"import sys; "
                f"sys.path.insert(0, '{self.build_dir}'); from fuzz.objects import *; "
                f"import {imports}; INPUT\"")


@pytest.fixture(scope="module")
def fuzz_session():
    session = FuzzSession()
    yield session
    session.close()


def _learn(session, target, run):
    """The probes: arity from two calls (none and too many free arguments),
    then the parameters' types one call each (see fuzz/targets.py)."""
    if not target.probe:
        return
    record = lambda c, a: run.record(target, c, a)  # noqa: E731
    prefix = tuple(target.base_prefix)
    none = session.call_now((target.base_callee, prefix, ()), record)
    many = session.call_now((target.base_callee, prefix + (V(None),) * targets.PROBE_EXTRA, ()),
                            record)
    target.hints = targets.parse_arity(none, many)

    def class_seed(name):
        seeds = session.universe.seeds.get(session.universe.class_by_name.get(name), [])
        return seeds[0] if seeds else None

    targets.learn_types(
        target.hints,
        lambda args: session.call_now((target.base_callee, prefix + args, ()), record),
        class_seed)


def _fuzz_randomly(target, calls, examples, submit, run):
    """`examples` calls drawn from `calls`, with a generator seeded by the
    target's id: the same calls every run, whatever other targets there are."""
    rng = draw.rng_for(target.id)
    for _ in range(examples):
        if run.disabled(target):
            return
        call = calls.draw(rng)
        if call is not draw.REJECTED:
            submit(call)


def _report(session, run):
    lines = [f"{len(run.failures)} distinct defect(s) found by fuzzing {run.module} "
             f"({session.mode} mode); to reproduce one, replace INPUT in", "    "
             + session.reproducer(), ""]
    minimized = 0
    for (target_id, kind, detail), failures in sorted(run.failures.items()):
        call, answer = failures[0]
        lines.append(f"[{kind}] {target_id}: {detail} ({len(failures)} input(s))")
        lines += [f"    input: {call_source(c)}" for c, _ in failures[:3]]
        if kind in ("crash", "hang"):
            alone = session.pool.replay_alone(call)
            if alone.get("outcome") in ("crash", "hang"):
                lines.append(f"    alone in a fresh worker: {alone['how']} (reproduces)")
                if kind == "crash" and minimized < MAX_MINIMIZED:
                    minimized += 1
                    smaller = _minimize(session, call, alone["how"])
                    if smaller != call:
                        lines.append(f"    smallest input found: {call_source(smaller)}")
            else:
                lines.append("    alone in a fresh worker: no crash; the calls the worker made "
                             "before it:")
                lines += [f"        {call_source(c)}" for c in answer.get("history", [])]

            if answer.get("stderr"):
                lines.append("    the worker printed:")
                lines += [f"        {t}" for t in answer["stderr"].splitlines()]
        elif answer.get("exc"):
            exc = answer["exc"]
            lines.append(f"    raised {exc['type']}: {_first_words(exc['msg'], 200)}")
        if answer.get("canary"):
            lines.append(f"    then the next statement raised {answer['canary']['type']}: "
                         f"{_first_words(answer['canary']['msg'], 200)}")
        if answer.get("leaks"):
            lines.append(f"    leaked: {', '.join(answer['leaks'][:5])}")
    return "\n".join(lines)


MAX_MINIMIZED = 8  # crashes per module whose input is made smaller
MINIMIZE_TRIES = 24  # replays per input


def _minimize(session, call, how):
    """A smaller call that still crashes the same way: without keywords,
    with fewer arguments, with arguments replaced by simple values, with
    shorter containers (each try a replay in a fresh worker)."""
    tries = 0

    def crashes(c):
        nonlocal tries
        tries += 1
        answer = session.pool.replay_alone(c)
        return answer.get("outcome") == "crash" and answer["how"] == how

    callee, args, kwargs = call
    if kwargs and crashes((callee, args, ())):
        kwargs = ()
    while args and tries < MINIMIZE_TRIES and crashes((callee, args[:-1], kwargs)):
        args = args[:-1]
    for i in range(len(args)):
        simpler = [V(None), V(0)]
        if args[i][0] in ("list", "tuple", "dict") and len(args[i][1]) > 1:
            simpler += [(args[i][0], args[i][1][:1]), (args[i][0], args[i][1][-1:])]
        for value in simpler:
            if tries >= MINIMIZE_TRIES or args[i] == value:
                continue
            candidate = args[:i] + (value,) + args[i + 1:]
            if crashes((callee, candidate, kwargs)):
                args = candidate
                break
    return (callee, args, kwargs)


def _answer_text(answer):
    if answer.get("outcome") in ("crash", "hang"):
        return answer["how"]
    if answer.get("exc"):
        return f"raised {answer['exc']['type']}: {answer['exc']['msg']}"
    return f"returned {answer.get('result_type')}"


def _size_limit(name, where):
    """The bound on a target's integer arguments in this mode, or None."""
    if IS_PYPY and where[0] == "debug" and name in PYPY_DEBUG_QUADRATIC:
        return PYPY_DEBUG_SIZE_LIMIT
    return SIZE_LIMIT if name in SIZE_BOUNDED else None


def _small_sizes(call, limit):
    """Whether every int in the call is at most `limit`."""
    def small(r):
        if isinstance(r, tuple):
            if len(r) == 2 and r[0] == "v":
                v = r[1]
                return not (isinstance(v, (int, float)) and abs(v) > limit)
            return all(small(x) for x in r)
        return True
    return small(call)


# Where the fuzzer runs: once per ABI and interpreter, sweep and random
# calls. The CPython ABI on CPython 3.14; the universal binaries on CPython
# 3.11 in debug mode through hpy_rs_universal (the strictest host: leaks
# count) and on PyPy in universal mode. The same calls against the same
# binary in another mode, host or CPython version find what these runs find,
# at minutes each; HPY_RS_FUZZ_ALL=1 fuzzes in every run.
FUZZED_RUNS = {
    ("cpython", (3, 14), "cpython", None): "the CPython ABI",
    ("cpython", (3, 11), "debug", "hpy_rs_universal"): "the universal binaries on CPython",
    ("pypy", None, "universal", "hpy.universal"): "the universal binaries on PyPy",
}


def _not_fuzzed_here(hpy_mode, hpy_host):
    """Why this run does not fuzz (None: it does)."""
    if os.environ.get("HPY_RS_FUZZ_ALL") == "1":
        return None
    name = sys.implementation.name
    version = sys.version_info[:2] if name == "cpython" else None
    host = getattr(hpy_host, "__name__", None)
    if (name, version, hpy_mode, host) in FUZZED_RUNS:
        return None
    where = "; ".join(f"{what}: {n} {'.'.join(map(str, v)) if v else ''} {m} mode"
                      f"{' through ' + h if h else ''}".replace("  ", " ")
                      for (n, v, m, h), what in FUZZED_RUNS.items())
    return f"the fuzzer runs once per ABI and interpreter ({where}); set HPY_RS_FUZZ_ALL=1 to fuzz here too"


@pytest.mark.parametrize("module", MODULES)
def test_fuzz(module, fuzz_session, hpy_ext, hpy_mode, hpy_host, capsys):
    skip = _not_fuzzed_here(hpy_mode, hpy_host)
    if skip:
        pytest.skip(skip)
    session = fuzz_session.start(hpy_ext, hpy_mode, hpy_host)
    run = ModuleRun(module, session.where)
    only = os.environ.get("HPY_RS_FUZZ_ONLY")
    module_targets = [t for t in session.targets[module] if not only or only in t.id]
    assert module_targets, f"no fuzz target in {module}" + (f" matches {only!r}" if only else "")
    started = time.monotonic()
    workers_before = session.pool.started
    for target in module_targets:
        _learn(session, target, run)
        record = (lambda t: lambda c, a: run.record(t, c, a))(target)
        limit = _size_limit(target.name, session.where)
        for call in target.sweep(session.universe):
            if run.disabled(target):
                break
            if limit is None or _small_sizes(call, limit):
                session.pool.submit(call, record)
        if not EXAMPLES:  # the sweep only (see EXAMPLES)
            continue
        calls = target.random_calls(session.universe)
        if limit is not None:
            calls = calls.filter(lambda call, limit=limit: _small_sizes(call, limit))
        _fuzz_randomly(target, calls, EXAMPLES,
                       (lambda r: lambda call: session.pool.submit(call, r))(record), run)
    session.pool.drain()
    seconds = time.monotonic() - started
    never = [t.id for t in module_targets if not run.exercised[t.id] and not run.disabled(t)]
    with capsys.disabled():
        print("\n" + run.summary(len(module_targets), seconds,
                                 session.pool.started - workers_before))
        if not EXAMPLES:
            # Some targets get inputs that build only from the random calls.
            print("    no random calls in this run: HPY_RS_FUZZ_EXAMPLES=0; "
                  f"{len(never)} target(s) left for them: {never}")
        for key in session.excluded:
            print(f"    left out: Python subclasses of the extension classes (KNOWN[{key!r}])")
    if run.failures:
        pytest.fail(_report(session, run), pytrace=False)
    if EXAMPLES:
        assert not never, f"targets never called (every input failed to build): {never}"
    if hpy_mode == "debug":
        assert run.debug_proven, (f"no call into {module} closed a debug handle: the workers "
                                  "did not run in debug mode")


def _skip_where_not_fuzzed(hpy_mode, hpy_host):
    """The fuzzer's checks of itself run where it fuzzes (a worker pool
    costs 3 to 11 s to start, in each of the other runs)."""
    skip = _not_fuzzed_here(hpy_mode, hpy_host)
    if skip:
        pytest.skip(skip)


def test_every_class_has_instances(fuzz_session, hpy_ext, hpy_mode, hpy_host):
    """Methods and slots are fuzzed on instances made with the worker's seed
    arguments or by PRODUCERS; a class with neither would be fuzzed only
    through foreign receivers."""
    _skip_where_not_fuzzed(hpy_mode, hpy_host)
    session = fuzz_session.start(hpy_ext, hpy_mode, hpy_host)
    missing = [f"{m}.{c['name']}" for m, info in session.description.items()
               for c in info["classes"] if not c["seeds"] and set(c["entries"]) - {"__new__"}]
    assert not missing, f"no instance could be made of {missing}: add a producer"


@pytest.mark.parametrize("key", sorted(KNOWN))
def test_known_defect_still_reproduces(key, fuzz_session, hpy_ext, hpy_mode, hpy_host):
    """Each KNOWN defect must still fail the way its entry says, where it
    applies: once fixed, its entry must go, so that the fuzzer counts
    failures of those callables again."""
    entry = KNOWN[key]
    where = (hpy_mode, hpy_host.__name__ if hpy_host else None)
    if not entry.applies(*where):
        pytest.skip(f"{key}: does not apply to {sys.implementation.name} in {hpy_mode} mode"
                    + (f" with {where[1]}" if where[1] else ""))
    if entry.reproducer is None:
        pytest.skip(f"{key}: no input reproduces it alone yet, so a fix cannot be noticed here")
    session = fuzz_session.start(hpy_ext, hpy_mode, hpy_host)
    answer = session.pool.replay_alone(entry.reproducer)
    # A name the entry covers (`names`, or one ending in its `suffix`).
    name = entry.names[0] if entry.names else (f"reproducer{entry.suffix}" if entry.suffix else "")
    kinds = [kind for kind, _ in problems(name, answer)]
    assert entry.kind in kinds and (entry.names or entry.covers(name, entry.kind, answer, where)), (
        f"{call_source(entry.reproducer)} no longer gives a {entry.kind} "
        f"({_answer_text(answer)}): the defect seems fixed, remove KNOWN[{key!r}]")


def test_the_fuzzer_sees_defects(fuzz_session, hpy_ext, hpy_mode, hpy_host):
    """The fuzzer's own check, on callables that misbehave on purpose: a
    process abort is a crash, an undocumented SystemError is a defect, a
    call that does not return in time is a hang."""
    _skip_where_not_fuzzed(hpy_mode, hpy_host)
    session = fuzz_session.start(hpy_ext, hpy_mode, hpy_host)
    crash = session.pool.replay_alone(_call(N("hpyrs_api.fatal_error"), V("fuzz self-test")))
    assert [k for k, _ in problems("hpyrs_api.fatal_error", crash)] == ["crash"], crash
    assert "fuzz self-test" in crash["stderr"], crash["stderr"]
    system_error = session.pool.replay_alone(_call(N("hpyrs_test.error_without_exception")))
    assert [k for k, _ in problems("any.function", system_error)] == ["SystemError"], system_error
    assert not list(problems("hpyrs_test.error_without_exception", system_error))
    quick = session.new_pool(MODULES, size=1, timeout=2.0)
    hang = quick.replay_alone(_call(N("hpyrs_conv.sleep_released"), V(60_000)))
    assert [k for k, _ in problems("hpyrs_conv.sleep_released", hang)] == ["hang"], hang


def test_the_fuzzer_sees_leaks(fuzz_session, hpy_ext, hpy_mode, hpy_host):
    """In debug mode, a handle a call leaves open is a defect (the workers
    run each call inside hpy.debug's LeakDetector)."""
    if hpy_mode != "debug":
        pytest.skip(f"handles are tracked in debug mode only, not in {hpy_mode} mode")
    _skip_where_not_fuzzed(hpy_mode, hpy_host)
    session = fuzz_session.start(hpy_ext, hpy_mode, hpy_host)
    try:
        hpy_ext("hpyrs_debugcheck")  # an extension that misuses handles on purpose
    except KeyError as e:
        pytest.skip(f"this checkout has no hpyrs_debugcheck extension ({e})")
    pool = session.new_pool(["hpyrs_debugcheck"], size=1)
    leak = pool.replay_alone(_call(N("hpyrs_debugcheck.leak"), V(12345)))
    assert [k for k, _ in problems("hpyrs_debugcheck.leak", leak)] == ["leaked handles"], leak
    assert leak["leaks"] == ["int 12345"], leak
    fine = pool.replay_alone(_call(N("hpyrs_debugcheck.correct"), V(1), V("x")))
    assert not list(problems("hpyrs_debugcheck.correct", fine)), fine
