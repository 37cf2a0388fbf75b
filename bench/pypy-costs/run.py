"""Times single HPy operations on PyPy (bench/pypy-costs/pypy_costs.c,
universal ABI): `pypy3 bench/pypy-costs/run.py [--repeats R]` after
building the module (`python setup.py --hpy-abi=universal build_ext
--inplace` with a CPython that has hpy 0.9.0, e.g. .venv/bin/python).

Each row is a loop compiled on its own (as bench/harness.py does), warmed
up for 0.5 s (PyPy's JIT compiles the loop), then timed R times; the
median ns per loop iteration is printed, and per-operation costs derived
from differences of rows."""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pypy_costs as m  # noqa: E402

ROWS = [
    ("method call it.noop()", "it = m.Plain(0)", "it.noop()"),
    ("it.dups(0) (O method, no loop)", "it = m.Plain(0)", "it.dups(0)"),
    ("it.dups(10): +10 HPy_Dup/HPy_Close pairs", "it = m.Plain(0)", "it.dups(10)"),
    ("it.loads(10): +10 HPyField_Load/HPy_Close pairs", "it = m.Plain(0, 7)", "it.loads(10)"),
    ("it.typechecks(10): +10 Global_Load/TypeCheck/Close", "it = m.Plain(0)",
     "it.typechecks(10)"),
    ("it.typechecks_miss(o, 10): +10 of them failing", "it = m.Plain(0); o = object()",
     "it.typechecks_miss(o, 10)"),
    ("it.is_checks(it, 10): +10 Type/Global_Load/Is/Close/Close", "it = m.Plain(0)",
     "it.is_checks(it, 10)"),
    ("it.is_checks(o, 10): +10 of them failing", "it = m.Plain(0); o = object()",
     "it.is_checks(o, 10)"),
    ("it.hashes(7, 10): +10 HPy_Hash(int)", "it = m.Plain(0)", "it.hashes(7, 10)"),
    ("it.stores(o, 10): +10 HPyField_Store", "it = m.Plain(0, 7); o = object()",
     "it.stores(o, 10)"),
    ("it.__next__() (method, 1 AsStruct + Dup)", "it = m.Plain(10**12)", "it.__next__()"),
    ("it.next_rich() (+ what the port's __next__ does)", "it = m.Plain(10**12, m.Plain(0, 5))",
     "it.next_rich()"),
    ("for-loop item over an HPy iterator (per item)", "P = m.Plain",
     "for _ in P(100):\n            pass", 100),
    ("for-loop item over a list iterator (per item)", "xs = [None] * 100",
     "for _ in iter(xs):\n            pass", 100),
    ("next_all(iter(range(100)), next): HPy_Call(next) per item", "it = m.Plain(0); r = range(100)",
     "it.next_all(iter(r), next)", 100),
    ("getitem_all(list of 100): HPy_GetItem_i per item", "it = m.Plain(0); xs = list(range(100))",
     "it.getitem_all(xs)", 100),
    ("tuple_items(range(100), tuple): tuple(), GetItem_i", "it = m.Plain(0); r = range(100)",
     "it.tuple_items(r, tuple)", 100),
    ("Plain.new() (no tp_destroy)", "it = m.Plain(0)", "it.new()"),
    ("Destroyed.new() (tp_destroy: finalizer)", "it = m.Destroyed(0)", "it.new()"),
]


def compile_row(setup, stmt):
    src = "def run(n):\n    %s\n    for _ in range(n):\n        %s\n" % (setup, stmt)
    ns = {"m": m}
    exec(src, ns)
    return ns["run"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--target", type=float, default=0.05)
    args = p.parse_args()
    print("%s %s" % (sys.implementation.name, sys.version.split()[0]))
    for row in ROWS:
        name, setup, stmt = row[:3]
        per = row[3] if len(row) > 3 else 1
        run = compile_row(setup, stmt)
        n = 1
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            run(n)
            dt = time.perf_counter() - t0
            if dt < 0.05:
                n *= 2
        n = max(1, int(n * args.target / max(dt, 1e-9)))
        samples = []
        for _ in range(args.repeats):
            t0 = time.perf_counter_ns()
            run(n)
            samples.append((time.perf_counter_ns() - t0) / n / per)
        q = statistics.quantiles(samples, n=4)
        print("%-55s %8.1f ns  (%.1f-%.1f)" % (name, q[1], q[0], q[2]))


if __name__ == "__main__":
    main()
