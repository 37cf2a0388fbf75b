"""One fresh PyPy process per (implementation, row) of bench/rpds-twin-run:
runs one row of bench/workloads.py's RPDS suite N times in a loop after a
warm-up (N // 4), then gc.collect(), and prints the CPU time
(process_time) per iteration of the loop and the collection together, so
that the garbage collector's work for the row's objects (minor and major
collections, the finalizers of classes with tp_destroy) is charged to the
implementation that made them. Under callgrind (bench/rpds-twin-run), the
instruction count of N and 3N iterations gives the count per iteration.

    pypy3 levers.py KIND:MODULE:PATH ROW N

KIND is `hpy` (a universal binary loaded with PyPy's hpy.universal) or
`import` (PATH first on sys.path: rpds-py's wheel, the port's loader stub);
ROW is a row name of workloads.RPDS.
"""

import gc
import os
import sys
import time

BENCH = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, BENCH)
sys.path.insert(0, os.path.join(BENCH, "c", "kiwi"))
import workloads  # noqa: E402
from levers import load  # noqa: E402  (bench/c/kiwi/levers.py: KIND:MODULE:PATH)


def main():
    m = load(sys.argv[1])
    name, n = sys.argv[2], int(sys.argv[3])
    (row,) = [r for r in workloads.RPDS if r.name == name]
    run = row.compile(m)
    run(max(1, n // 4))  # the JIT's traces
    gc.collect()
    t0 = time.process_time()
    run(n)
    gc.collect()
    print((time.process_time() - t0) * 1e9 / n)


if __name__ == "__main__":
    main()
