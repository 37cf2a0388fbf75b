"""kiwisolver's calls one at a time, in one process: what matplotlib's
constrained layout asks of kiwisolver (docs/perf/real-workloads.md,
"Matplotlib's constrained layout in instructions"), per call.

    PYTHON bench/kiwi_calls.py [N]            # ns per call, min of 5 rounds
    PYTHON bench/kiwi_calls.py --count         # kiwisolver's method calls in one
                                               # draw of bench/real_workloads.py's
                                               # layout (CPython: sys.setprofile)

Whichever `kiwisolver` comes first on sys.path is measured (PYTHONPATH=
bench/build/kiwi-port-universal for the port's universal build after
`bench/real-workloads`). Each row runs N calls (N/20 for updateVariables)
after N/10 untimed ones; CPU time.
"""

import collections
import os
import sys
import time

import kiwisolver as kiwi

Variable = kiwi.Variable


def rows():
    """{row: f(n)}, each running one kind of call n times."""
    a = Variable("a"); b = Variable("b")
    sol = kiwi.Solver()
    ev = [Variable("m%d" % i) for i in range(50)]
    for v in ev: sol.addEditVariable(v, 'strong')
    sol.addConstraint((a + b == 10) | 'required')
    def value(n):
        for _ in range(n): a.value()
    def value3(n):
        for _ in range(n): (a.value() + b.value() - a.value())
    def var_named(n):
        for i in range(n): Variable("lefts[3]")
    def var_fstr(n):
        for i in range(n): Variable(f"abc{i}lefts[{i}]")
    def cons_req(n):
        for _ in range(n): (a >= b + 3.0) | 'required'
    def cons_strong(n):
        for _ in range(n): (a - b == 0.5 * a) | 'strong'
    def suggest(n):
        for i in range(n): sol.suggestValue(ev[i % 50], float(i % 7))
    def update(n):
        for _ in range(n): sol.updateVariables()
    def build(n):
        for _ in range(n // 100):
            s = kiwi.Solver()
            vs = [Variable(f"x{i}") for i in range(20)]
            for v in vs: s.addEditVariable(v, 'strong')
            for i in range(19):
                s.addConstraint((vs[i+1] >= vs[i] + 1.0) | 'required')
                s.addConstraint((vs[i+1] - vs[i] == 5.0) | 'strong')
            for i, v in enumerate(vs): s.suggestValue(v, i * 2.0)
            s.updateVariables()
            sum(v.value() for v in vs)
    return dict(value=value, value3=value3, var_named=var_named, var_fstr=var_fstr,
                cons_req=cons_req, cons_strong=cons_strong, suggest=suggest, update=update, build=build)


def count():
    """kiwisolver's method calls in one draw (after a warm-up draw)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import real_workloads

    counts = collections.Counter()

    def profile(frame, event, arg):
        if event == "c_call":
            owner = getattr(arg, "__self__", None)
            if owner is not None and type(owner).__module__ == "kiwisolver":
                counts[type(owner).__name__ + "." + arg.__name__] += 1

    real_workloads.matplotlib_layout(0)
    sys.setprofile(profile)
    real_workloads.matplotlib_layout(0)
    sys.setprofile(None)
    for name, n in counts.most_common():
        print(n, name)


def main():
    if sys.argv[1:] == ["--count"]:
        return count()
    table = rows()
    n_calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    best = {}
    for _ in range(5):
        for name, f in table.items():
            n = n_calls // 20 if name == "update" else n_calls
            f(n // 10)
            t = time.process_time()
            f(n)
            dt = time.process_time() - t
            best[name] = min(best.get(name, 1e9), dt / n * 1e9)
    print("kiwisolver from", kiwi.__file__)
    for name, ns in best.items():
        print("%-12s %8.1f ns" % (name, ns))


if __name__ == "__main__":
    main()
