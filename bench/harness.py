"""Loading the implementations side by side and timing the workloads.

Runs on CPython and PyPy. Every implementation is given on the command line
as LABEL=KIND:MODULE:PATH, where KIND is

- ``ext``: a C-API extension (``.so``; on PyPy it goes through cpyext),
- ``hpy``: an HPy universal binary (``.hpy0.so``), loaded with
  ``hpy.universal.load`` (the interpreter's host: the ``hpy`` package on
  CPython, built in on PyPy),
- ``hpyrs``: an HPy universal binary loaded with ``hpy_rs_universal.load``
  (hpy-rs's host; ``--host-dir`` names the directory it is imported from),
- ``hpy-debug``, ``hpyrs-debug``: the same through each host's debug mode
  (``mode=MODE_DEBUG``, what ``HPY=debug`` selects),
- ``hpy-trace``, ``hpyrs-trace``: the same through each host's trace mode
  (``mode=MODE_TRACE``, what ``HPY=trace`` selects; for ``calls``),
- ``py``: a pure-Python module file.
- ``import``: the module imported by name, with PATH first on ``sys.path``
  (a package, or a module whose loader stub picks the host): it is the
  module ``sys.modules`` and pickle see, so a process holds one
  implementation of that name (``bench/rpds-run`` runs one per process).

Loading by path lets two builds of one module name (``simple`` for the
CPython ABI and for the universal ABI) live in one process under different
keys of ``sys.modules``. One universal binary file must not be loaded by two
hosts in one process: ``dlopen`` gives the same library again, whose global
context is then the one of the last host, for both modules. Give the second
host a copy of the file (``parse_impls`` refuses the same file twice).

An implementation whose class cannot work on this interpreter (HPy 0.9.0's
C runtime on CPython 3.13+, see ``broken_class``) keeps its function rows
and loses its class rows; the JSON outputs say why under ``skipped``.

Subcommands:

- ``time``: median ns/op of every workload row for every implementation,
  interleaved (each repetition runs every row of every implementation once,
  in an order rotated from one repetition to the next); JSON on stdout.
- ``callgrind``: meant to run under ``valgrind --tool=callgrind
  --dump-before=getppid``. For every row it calls ``os.getppid()`` (the
  marker that makes callgrind dump its counters), then runs the row N times
  (N // the row's ``divisor``), then the marker, then twice that; on PyPy
  a full collection runs before each of the two segments, outside them
  (between markers of its own). The difference between the two segments is
  the cost of that many iterations, with loop set-up and the marker
  cancelled. ``--row`` limits the rows measured.
- ``fresh``: for one implementation (a fresh process: start one per
  measurement) and every row of the suite (or the rows named by ``--row``),
  warms the row up, then runs it for about ``--target`` seconds followed by
  ``gc.collect()`` under ``time.process_time``: CPU ns per iteration with
  the garbage collector's work for that row's objects (finalizers of
  classes with ``tp_destroy`` included) charged to it; JSON on stdout.
- ``calls``: for implementations loaded in trace mode (``hpy-trace``,
  ``hpyrs-trace``), the HPy context calls per operation of every row: the
  trace mode's counters read before and after N runs of the row (after a
  warm-up of N runs), their difference divided by N, by function; JSON on
  stdout. The counters are the host's, shared by every module it loaded:
  the rows of one implementation run with no other module's code between
  the two readings.
"""

import argparse
import gc
import importlib.machinery
import importlib.util
import json
import os
import sys
import time

import board
import workloads


# The kinds that load a universal binary through a host (KIND-debug: in its
# debug mode).
UNIVERSAL_KINDS = ("hpy", "hpyrs", "hpy-debug", "hpyrs-debug", "hpy-trace", "hpyrs-trace")


def load(kind, name, path):
    """Imports the module ``name`` from the file ``path``."""
    path = os.path.abspath(path)
    if kind == "import":
        sys.path.insert(0, path)
        module = importlib.import_module(name)
        where = os.path.abspath(module.__file__)
        if not where.startswith(path + os.sep):
            raise SystemExit("import %s found %s, not a module under %s" % (name, where, path))
        return module
    if kind in UNIVERSAL_KINDS:
        host, _, mode = kind.partition("-")
        if host == "hpy":
            from hpy import universal
        else:
            import hpy_rs_universal as universal

        spec = importlib.machinery.ModuleSpec(name, None, origin=path)
        mode = {"debug": universal.MODE_DEBUG, "trace": universal.MODE_TRACE}.get(
            mode, universal.MODE_UNIVERSAL)
        return universal.load(name, path, spec, mode=mode)
    if kind == "ext":
        loader = importlib.machinery.ExtensionFileLoader(name, path)
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    elif kind == "py":
        spec = importlib.util.spec_from_file_location(name, path)
    else:
        raise ValueError("unknown kind %r" % kind)
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader
    loader.exec_module(module)
    return module


# CPython's tp_flags bits (Include/object.h, 3.13+).
Py_TPFLAGS_INLINE_VALUES = 1 << 2
Py_TPFLAGS_MANAGED_DICT = 1 << 4


def broken_class(module):
    """Why the module's class ``Foo`` must not be used on this interpreter,
    or None. HPy 0.9.0's C runtime (``hpy.devel``'s CPython ABI and
    ``hpy.universal``) marks every HPy type with tp_flags bit 2
    (``HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE``), which CPython 3.13+ reads as
    ``Py_TPFLAGS_INLINE_VALUES``: attribute and method lookups on instances
    then read inline attribute values the object does not have (method
    calls crash). CPython itself never sets that bit without
    ``Py_TPFLAGS_MANAGED_DICT``."""
    cls = getattr(module, "Foo", None)
    if cls is None or sys.implementation.name != "cpython" or sys.version_info < (3, 13):
        return None
    flags = cls.__flags__
    if flags & Py_TPFLAGS_INLINE_VALUES and not flags & Py_TPFLAGS_MANAGED_DICT:
        return (
            "class rows left out: HPy 0.9.0's runtime marks its types with tp_flags "
            "bit 2, which CPython 3.13+ reads as Py_TPFLAGS_INLINE_VALUES "
            "(method calls on instances crash)"
        )
    return None


class Impl:
    """One implementation: its label, its module, and the attributes of the
    module that rows must not use (``{name: reason}``)."""

    def __init__(self, label, module, kind=""):
        self.label = label
        self.kind = kind
        self.module = module
        self.hidden = {}
        reason = broken_class(module)
        if reason:
            self.hidden["Foo"] = reason

    def runs(self, row):
        return row.applies(self.module) and row.needs not in self.hidden

    def has(self, name):
        return hasattr(self.module, name) and name not in self.hidden


def parse_impls(specs):
    """[Impl] from LABEL=KIND:MODULE:PATH strings."""
    impls = []
    universal_files = {}
    imported = set()
    for spec in specs:
        label, _, rest = spec.partition("=")
        kind, name, path = rest.split(":", 2)
        if kind == "import":
            if name in imported:
                raise SystemExit("two implementations imported as %s: one per process" % name)
            imported.add(name)
        if kind in UNIVERSAL_KINDS:
            st = os.stat(path)
            other = universal_files.setdefault((st.st_dev, st.st_ino), label)
            if other != label:
                raise SystemExit(
                    "%s and %s load the same file %s: give each host its own copy "
                    "(one dlopen handle has one global context)" % (other, label, path)
                )
        impls.append(Impl(label, load(kind, name, path), kind))
    return impls


def skipped(impls):
    """{label: reason} of the implementations that leave rows out."""
    return {i.label: "; ".join(i.hidden.values()) for i in impls if i.hidden}


def time_rows(suite, impls, reps, target_s, warmup_s):
    """{row: {label: [ns/op per repetition]}}, interleaved."""
    rows = workloads.SUITES[suite]
    loops = {}
    for row in rows:
        for impl in impls:
            if not impl.runs(row):
                continue
            # One function per (row, implementation): PyPy's JIT traces each
            # separately, and CPython specialises each separately.
            loops[row.name, impl.label] = row.compile(impl.module)
    # Choose N per loop so one sample takes about target_s, after warming
    # up (which also lets PyPy's JIT compile the loop).
    counts = {}
    for key, run in loops.items():
        n = 1
        deadline = time.perf_counter() + warmup_s
        while True:
            t0 = time.perf_counter()
            run(n)
            dt = time.perf_counter() - t0
            if dt > warmup_s / 4 or time.perf_counter() > deadline:
                break
            n *= 2
        counts[key] = max(1, int(n * target_s / max(dt, 1e-9)))
    results = {row.name: {} for row in rows}
    keys = list(loops)
    for rep in range(reps):
        shift = rep % len(keys)
        for key in keys[shift:] + keys[:shift]:
            n = counts[key]
            t0 = time.perf_counter_ns()
            loops[key](n)
            dt = time.perf_counter_ns() - t0
            results[key[0]].setdefault(key[1], []).append(dt / n)
    return results


def fresh_rows(suite, impl, seconds, names):
    """{row: CPU ns per iteration}: the ``fresh`` subcommand."""
    import gc

    results = {}
    for row in workloads.SUITES[suite]:
        if (names and row.name not in names) or not impl.runs(row):
            continue
        run = row.compile(impl.module)
        # Warm-up (PyPy's JIT traces the loop) doubling the count until a
        # run takes a tenth of the time asked for; then one run of about
        # that time, so that the closing collection (tens of ms on PyPy)
        # is a small part of it.
        k = 1
        while True:
            t0 = time.process_time()
            run(k)
            dt = time.process_time() - t0
            if dt > seconds / 10:
                break
            k *= 2
        k = max(1, int(k * seconds / max(dt, 1e-9)))
        gc.collect()
        t0 = time.process_time()
        run(k)
        gc.collect()
        results[row.name] = (time.process_time() - t0) * 1e9 / k
    return results


def callgrind_rows(suite, impls, n, rows=()):
    """The segment sequence documented in the module docstring. Returns
    what each callgrind dump holds, in order: dump i holds what ran before
    the i-th marker ("other", or [row, label, iterations])."""
    dumps = ["other"]

    def marker(next_segment):
        os.getppid()
        dumps.append(next_segment)

    # On PyPy each segment starts after a full collection (outside the
    # segments): the collections and the frees of raw instance data that a
    # segment pays for are then those of its own objects, not of the
    # previous segment's garbage, which otherwise lands in one segment or
    # the other by chance (seen: C HPy's `t * 2.0` counted with negative
    # frees, the row at 1.43x of it where settled it is 1.08x). CPython
    # frees as it goes: its sequence stays as it was.
    settle = sys.implementation.name == "pypy"

    for row in workloads.SUITES[suite]:
        if rows and row.name not in rows:
            continue
        for impl in impls:
            if not impl.runs(row):
                continue
            # Compiled before the first marker, so that only the loops
            # themselves run between markers.
            short, long = row.compile(impl.module), row.compile(impl.module)
            k = max(1, n // row.divisor)
            if settle:
                gc.collect()
            marker([row.name, impl.label, k])
            short(k)
            if settle:
                marker("other")
                gc.collect()
            marker([row.name, impl.label, 2 * k])
            long(2 * k)
            marker("other")
    return dumps


def call_counts(suite, impls, n):
    """{row: {label: {context function: calls per operation}}}: the
    ``calls`` subcommand."""
    counters = {}
    for impl in impls:
        if impl.kind.startswith("hpyrs"):
            import hpy_rs_universal
            counters[impl.label] = hpy_rs_universal._trace.get_call_counts
        else:
            from hpy.universal import _trace
            counters[impl.label] = _trace.get_call_counts
    results = {}
    for row in workloads.SUITES[suite]:
        for impl in impls:
            if not impl.runs(row):
                continue
            run = row.compile(impl.module)
            run(n)
            get = counters[impl.label]
            before = dict(get())
            run(n)
            after = get()
            per = {name: (after[name] - before.get(name, 0)) / n for name in after}
            results.setdefault(row.name, {})[impl.label] = {
                name: v for name, v in sorted(per.items()) if v}
    return results


def check_simple(impl):
    """Every implementation of `simple` must compute the same things (its
    class only where the class is usable)."""
    m = impl.module
    pair = lambda a, b: (a, b)  # noqa: E731
    got = [
        m.noargs(),
        m.onearg(1),
        m.varargs(1, 2),
        m.call_with_tuple(pair, (1, 2)),
        m.call_with_tuple_and_dict(pair, (1,), {"b": 2}),
        m.allocate_int(),
        m.allocate_tuple(),
    ]
    want = [None, None, None, (1, 2), (1, 2), 2048, (2048, 2049)]
    if impl.has("sum_floats"):
        xs = [i * 0.5 for i in range(1000)]
        try:
            m.raise_value_error()
            raised = None
        except ValueError as e:
            raised = str(e)
        got += [
            m.sum_floats(xs),
            m.float_list(),
            m.exclaim("conversion benchmark"),
            m.make_dict(),
            raised,
            m.keywords(1, b=2, c=3),
            m.keywords(1, b=2, c=3, d=4),
        ]
        want += [
            sum(xs),
            xs,
            "conversion benchmark!",
            {"k%02d" % i: i for i in range(100)},
            "raised by the benchmark",
            9,
            10,
        ]
    if impl.has("Foo"):
        o = m.Foo()
        got += [o.noargs(), o.onearg(1), o.varargs(1, 2), len(o), o[0], m.HTFoo is m.Foo]
        want += [None, None, None, 42, None, True]
    if got != want:
        raise SystemExit("%s: got %r, want %r" % (impl.label, got, want))


def check_rpds(impl):
    """What the rpds rows compute, against Python's own containers."""
    m = impl.module
    import pickle

    h = m.HashTrieMap((i, i) for i in range(100))
    h2 = m.HashTrieMap()
    for k in range(100):
        h2 = h2.insert(k, k)
    converted = m.HashTrieMap.convert({str(i): i for i in range(100)})
    q = m.Queue(range(100))
    got = [
        dict(h.items()),
        h == h2,
        hash(h) == hash(h2),
        pickle.loads(pickle.dumps(h)) == h,
        sorted(h),
        567 in m.HashTrieMap((i, i) for i in range(1000)),
        dict(converted.items()),
        sorted(m.HashTrieSet(range(100))),
        list(m.List(range(100)).push_front(-1))[:3],
        (list(q.enqueue(100))[-1], next(iter(q.dequeue())), len(q.dequeue())),
        list(m.Stack(range(3)).push(7)),
    ]
    want = [
        {i: i for i in range(100)},
        True,
        True,
        True,
        list(range(100)),
        True,
        {str(i): i for i in range(100)},
        list(range(100)),
        [-1, 0, 1],
        (100, 1, 99),
        [7, 2, 1, 0],  # the top first
    ]
    if got != want:
        raise SystemExit("%s: got %r, want %r" % (impl.label, got, want))


def check_kiwi(impl):
    """The constraints of the kiwi-objects rows, as kiwisolver makes them:
    reduced terms (variable names and coefficients), constant, operator and
    strength."""
    m = impl.module
    a, b = m.Variable("a"), m.Variable("b")

    def shape(cn):
        e = cn.expression()
        # kiwisolver orders reduced terms by the variables' addresses
        # (a std::map of pointers): compare them sorted.
        terms = sorted((t.variable().name(), t.coefficient()) for t in e.terms())
        return terms, e.constant(), cn.op(), cn.strength()

    got = [shape(a * 2.0 + b - 3 >= b / 2.0 + 1), shape((a + b * 0.5 == 10) | "strong"),
           shape(-(2 * a) <= 3 - b / 4)]
    want = [([("a", 2.0), ("b", 0.5)], -4.0, ">=", 1001001000.0),
            ([("a", 1.0), ("b", 0.5)], -10.0, "==", 1000000.0),
            ([("a", -2.0), ("b", 0.25)], -3.0, "<=", 1001001000.0)]
    if got != want:
        raise SystemExit("%s: got %r, want %r" % (impl.label, got, want))


def check_object_twins(impl):
    """What the object-twins rows make (bench/object-twins): the same values,
    types and errors from every implementation; on CPython also that nothing
    leaks (the reference counts of the objects and classes involved and
    CPython's allocated blocks do not grow over a loop of every row) and
    that a Term is tracked by the garbage collector where a Var is not."""
    m = impl.module
    v = m.make_var(1.5)
    t = m.make_term(v, 1.5)
    o = m.Op()

    def raises(f):
        try:
            f()
        except Exception as e:  # the type is what is compared
            return type(e).__name__
        return None

    def var(x):
        return (type(x) is m.Var, x.value)

    def term(x):
        return (type(x) is m.Term, x.coefficient, x.var is v)

    got = [
        var(v), var(v * 2.0), var(m.Var(1.5)), var(m.Var(x=2.5)), var(m.make_var(2)),
        term(t), term(t * 2.0), term(m.Term(v, 1.5)), term(m.Term(var=v, coefficient=3.0)),
        m.nothing(1.5), m.nothing_term(v, 1.5), o * 2.0,
        raises(lambda: m.make_var("x")), raises(lambda: m.nothing("x")),
        raises(lambda: m.make_term(1.0, 1.5)), raises(lambda: m.nothing_term(1.0, 1.5)),
        raises(lambda: m.make_term(v, "x")), raises(lambda: m.Term(1.0, 1.5)),
        raises(lambda: m.Var("x")), raises(lambda: v * "x"), raises(lambda: t * "x"),
        raises(lambda: o * "x"), raises(lambda: 2.0 * v), raises(lambda: m.make_var(x=1.0)),
        raises(lambda: setattr(v, "value", 2.0)), raises(lambda: setattr(t, "coefficient", 2.0)),
    ]
    want = [
        (True, 1.5), (True, 3.0), (True, 1.5), (True, 2.5), (True, 2.0),
        (True, 1.5, True), (True, 3.0, True), (True, 1.5, True), (True, 3.0, True),
        None, None, None,
        "TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError",
        "TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError",
        "AttributeError", "AttributeError",
    ]
    if got != want:
        raise SystemExit("%s: got %r, want %r" % (impl.label, got, want))
    if sys.implementation.name != "cpython":
        return
    import gc

    def loop(n):
        for _ in range(n):
            m.make_var(1.5), v * 2.0, m.Var(1.5), m.make_term(v, 1.5), m.Term(v, 1.5)
            t * 2.0, m.nothing(1.5), m.nothing_term(v, 1.5), o * 2.0

    watched = (v, t, o, m.Var, m.Term, m.Op)
    loop(2000)
    gc.collect()
    refs, blocks = [sys.getrefcount(x) for x in watched], sys.getallocatedblocks()
    loop(10000)
    gc.collect()
    after = [sys.getrefcount(x) for x in watched]
    grown = [a - r for a, r in zip(after, refs)]
    more_blocks = sys.getallocatedblocks() - blocks
    if any(grown) or more_blocks > 20:
        raise SystemExit("%s leaks: references of (v, t, Op(), Var, Term, Op) grew by %r, "
                         "allocated blocks by %d over 10000 loops"
                         % (impl.label, grown, more_blocks))
    if (gc.is_tracked(v), gc.is_tracked(t)) != (False, True):
        raise SystemExit("%s: gc.is_tracked(Var, Term) = %r, want (False, True)"
                         % (impl.label, (gc.is_tracked(v), gc.is_tracked(t))))


def check_rk4(impls):
    """Every array implementation must integrate to the same state."""
    finals = []
    for impl in impls:
        label, module = impl.label, impl.module
        step = board.make_step(module)
        x = board.initial_state(module)
        e0 = board.energy(x)
        for _ in range(2000):
            x = step(x)
        finals.append((label, [x[i] for i in range(4)]))
        drift = abs(board.energy(x) - e0)
        if drift > 1e-4:
            raise SystemExit("%s: energy drifted by %g" % (label, drift))
    for label, state in finals[1:]:
        if any(abs(a - b) > 1e-9 for a, b in zip(state, finals[0][1])):
            raise SystemExit("%s ends at %s, %s at %s" % (label, state, finals[0][0], finals[0][1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["time", "callgrind", "check", "fresh", "calls"])
    parser.add_argument("--row", action="append",
                        help="fresh, callgrind: only this row (repeatable)")
    parser.add_argument("--suite", default="simple", choices=sorted(workloads.SUITES))
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--target", type=float, default=0.02, help="seconds per sample")
    parser.add_argument("--warmup", type=float, default=0.2, help="seconds of warm-up per loop")
    parser.add_argument("-n", type=int, default=20000, help="callgrind iterations")
    parser.add_argument(
        "--host-dir", help="directory to import hpy_rs_universal from (for KIND hpyrs, hpyrs-debug)"
    )
    parser.add_argument("impls", nargs="+", metavar="LABEL=KIND:MODULE:PATH")
    args = parser.parse_args()
    if args.host_dir:
        sys.path.insert(0, os.path.abspath(args.host_dir))
    impls = parse_impls(args.impls)
    if args.command == "check":
        for row in workloads.SUITES[args.suite]:
            for impl in impls:
                if impl.runs(row):
                    row.compile(impl.module)(3)
        if args.suite == "rk4":
            check_rk4(impls)
        elif args.suite in ("rpds", "rpds-objects"):
            for impl in impls:
                check_rpds(impl)
        elif args.suite == "kiwi-objects":
            for impl in impls:
                check_kiwi(impl)
        elif args.suite == "object-twins":
            for impl in impls:
                check_object_twins(impl)
        else:
            for impl in impls:
                check_simple(impl)
        print("ok: %s" % ", ".join(i.label for i in impls))
        for label, reason in skipped(impls).items():
            print("%s: %s" % (label, reason))
    elif args.command == "fresh":
        if len(impls) != 1:
            raise SystemExit("fresh measures one implementation per process")
        json.dump(fresh_rows(args.suite, impls[0], args.target, args.row or []), sys.stdout)
    elif args.command == "calls":
        json.dump({"n": args.n, "calls": call_counts(args.suite, impls, args.n),
                   "skipped": skipped(impls)}, sys.stdout)
    elif args.command == "callgrind":
        dumps = callgrind_rows(args.suite, impls, args.n, args.row or [])
        json.dump({"n": args.n, "dumps": dumps, "skipped": skipped(impls)}, sys.stdout)
    else:
        results = time_rows(args.suite, impls, args.reps, args.target, args.warmup)
        json.dump(
            {
                "interpreter": sys.implementation.name,
                "version": sys.version.replace("\n", " "),
                "results": results,
                "skipped": skipped(impls),
            },
            sys.stdout,
        )


if __name__ == "__main__":
    main()
