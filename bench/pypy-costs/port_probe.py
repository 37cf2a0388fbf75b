"""Times small operations of the rpds port (or the original) on PyPy:
`pypy3 bench/pypy-costs/port_probe.py DIR [--long]` with DIR holding
`rpds`. Default: medians of 7 samples of about 30 ms after a JIT warm-up.
--long: each row 200,000 times to warm up, then 3 runs of 500,000 (the
garbage collector's work, finalizers included, inside the time)."""
import statistics, sys, time
sys.path.insert(0, sys.argv[1])
import rpds as m
ROWS = [
    ("len(xs)", "xs = m.List(range(100))", "len(xs)", 1),
    ("iter(xs) (make the iterator)", "xs = m.List(range(100))", "iter(xs)", 1),
    ("for over List(range(100)), per item", "xs = m.List(range(100))", "for _ in xs:\n            pass", 100),
    ("for over List(range(1000)), per item", "xs = m.List(range(1000))", "for _ in xs:\n            pass", 1000),
        ("xs.first", "xs = m.List(range(100))", "xs.first", 1),
    ("xs.push_front(1)", "xs = m.List(range(100))", "xs.push_front(1)", 1),
    ("xs.rest", "xs = m.List(range(100))", "xs.rest", 1),
    ("hash(h) (100 items)", "h = m.HashTrieMap((i, i) for i in range(100))", "hash(h)", 1),
    ("hash(xs) List (100 items)", "xs = m.List(range(100))", "hash(xs)", 1),
    ("HashTrieSet(list of 100)", "S = m.HashTrieSet; r = list(range(100))", "S(r)", 1),
    ("HashTrieMap(list of 100 pairs)", "M = m.HashTrieMap; r = [(i, i) for i in range(100)]",
     "M(r)", 1),
    ("pickle round trip (100 keys)",
     "import pickle; h = m.HashTrieMap((i, i) for i in range(100)); d, l = pickle.dumps, pickle.loads",
     "l(d(h))", 1),
]
LONG = "--long" in sys.argv[2:]
ROWS += [
    ("m.List() (a store and a list)", "L = m.List", "L()", 1),
]
for name, setup, stmt, per in ROWS:
    ns = {"m": m}
    exec("def run(n):\n    %s\n    for _ in range(n):\n        %s\n" % (setup, stmt), ns)
    run = ns["run"]
    if LONG:
        run(200000)
        s = []
        for _ in range(3):
            t0 = time.perf_counter_ns(); run(500000); s.append((time.perf_counter_ns() - t0) / 500000 / per)
        print("%-42s %9.1f ns %s" % (name, statistics.median(s), [round(x) for x in s]))
        continue
    n = 1
    deadline = time.perf_counter() + 0.7
    while time.perf_counter() < deadline:
        t0 = time.perf_counter(); run(n); dt = time.perf_counter() - t0
        if dt < 0.03: n *= 2
    n = max(1, int(n * 0.03 / max(dt, 1e-9)))
    s = []
    for _ in range(7):
        t0 = time.perf_counter_ns(); run(n); s.append((time.perf_counter_ns() - t0) / n / per)
    q = statistics.quantiles(s, n=4)
    print("%-42s %9.1f ns (%.1f-%.1f)" % (name, q[1], q[0], q[2]))
