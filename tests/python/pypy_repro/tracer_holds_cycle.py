"""A reference cycle that PyPy's JIT tracer keeps alive while it records a
trace (issue 36, item 3: the survivors of the CI runs).

When a loop becomes hot (after about 1,000 iterations), PyPy's JIT runs one
iteration while recording a trace of it. The tracer keeps the values it
meets, among them the interpreter frames of the functions the iteration
enters and the arrays of their locals, returned or not, until the trace is
over. A cycle made in that iteration therefore outlives every
`gc.collect()` and `pypyjit.releaseall()` made during it, and dies at the
first collection after the loop has moved on. The same happens to a cycle
of plain Python objects (a dict's keys view, by default) and to one through
an rpds collection, so it is the interpreter's, not the collection's
`tp_traverse`. The script finds the tracer with tests/python/pypy_jit.py
(the root types that exist only while a trace is recorded).

    PYPY tests/python/pypy_repro/tracer_holds_cycle.py            # plain objects
    PYTHONPATH=DIR PYPY tests/python/pypy_repro/tracer_holds_cycle.py rpds
    PYPY --jit off tests/python/pypy_repro/tracer_holds_cycle.py [rpds]

DIR holds an `rpds` (see jit_constant_cycle.py). Prints, for each cycle
found alive while a trace was recorded (after five collections, then
`releaseall` and ten more): its iteration, then whether it is still alive
after the loop, before and after one collection.
"""

import gc
import os
import sys
import weakref

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pypy_jit import release_code, trace_in_progress, tracer_types  # noqa: E402


class Node:
    pass


def one(keys_view_of):
    o = Node()
    o.attr = keys_view_of(o)  # o -> view -> map -> o
    w = weakref.ref(o)
    del o
    if trace_in_progress():
        for _ in range(5):
            gc.collect()
        if w() is not None and not release_code(lambda: w() is not None):
            return w
    return None


def loop(keys_view_of, n):
    held = []
    for i in range(n):
        w = one(keys_view_of)
        if w is not None:
            held.append((i, w))
    return held


def main():
    through_rpds = sys.argv[1:] == ["rpds"]
    if through_rpds:
        from rpds import HashTrieMap

        def keys_view_of(o):
            return HashTrieMap({o: 1}).keys()
    else:
        def keys_view_of(o):
            return {o: 1}.keys()
    print(f"{sys.implementation.name} {sys.version.split()[0]}, cycle through "
          f"{'rpds.HashTrieMap' if through_rpds else 'a dict'}; the tracer's root types: "
          f"{sorted(tracer_types()) or 'none (no JIT, or not found)'}")
    held = loop(keys_view_of, 1500)
    if not held:
        print("no cycle was alive while a trace was recorded")
    for i, w in held:
        print(f"iteration {i}: alive while the loop was traced, after five collections and "
              "pypyjit.releaseall() with ten more")
    alive = [i for i, w in held if w() is not None]
    gc.collect()
    dead = [i for i, w in held if w() is None]
    print(f"after the loop: alive {alive}; after one collection: dead {dead}")


if __name__ == "__main__":
    main()
