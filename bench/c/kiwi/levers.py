"""One fresh PyPy process per (implementation, row): builds a constraint
N times in a loop after a warm-up, then runs gc.collect(), and prints the
CPU time (process_time: the machine is shared) per constraint of the loop
and the collection together, so that the
garbage collector's work for those objects (major collections, finalizers
of classes with tp_destroy) is charged to the implementation that caused it.

    pypy3 levers.py KIND:MODULE:PATH ROW N

KIND is `hpy` (a universal binary loaded with PyPy's hpy.universal) or
`import` (PATH first on sys.path); ROW is `variable` (Variable()), `mul` (x * 2.0), `add` (a + b), `ge`
(expr >= c), `strong` (constraint | 'strong'), as bench/workloads.py's
KIWI_OBJECTS rows, `full` (a * 2.0 + b - 3 >= b / 2.0 + 1) or `strength`
((a + b * 0.5 == 10) | "strong"). bench/object-costs
runs it.
"""

import gc
import importlib
import importlib.machinery
import sys
import time


def load(spec):
    kind, name, path = spec.split(":", 2)
    if kind == "import":
        sys.path.insert(0, path)
        return importlib.import_module(name)
    from hpy import universal

    return universal.load(name, path, importlib.machinery.ModuleSpec(name, None, origin=path))


def main():
    m = load(sys.argv[1])
    row, n = sys.argv[2], int(sys.argv[3])
    a, b, c = m.Variable("a"), m.Variable("b"), m.Variable("c")
    # The rows of bench/workloads.py's KIWI_OBJECTS, on names bound once.
    names = {"V": m.Variable, "a": a, "b": b, "c": c, "e": a * 2.0 + b, "cn": a + 1 == b}
    body = {
        "variable": "V()",
        "mul": "a * 2.0",
        "add": "a + b",
        "ge": "e >= c",
        "strong": "cn | 'strong'",
        "full": "a * 2.0 + b - 3 >= b / 2.0 + 1",
        "strength": "(a + b * 0.5 == 10) | 'strong'",
    }[row]
    exec("def loop(k):\n    for _ in range(k):\n        %s\n" % body, names)
    loop = names["loop"]
    loop(n // 4)  # the JIT's traces
    gc.collect()
    t0 = time.process_time()
    loop(n)
    gc.collect()
    print((time.process_time() - t0) * 1e9 / n)


if __name__ == "__main__":
    main()
