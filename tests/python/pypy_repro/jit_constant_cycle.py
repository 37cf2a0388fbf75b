"""A reference cycle that PyPy's JIT keeps alive (issue 36, item 3).

A loop compiled by PyPy's JIT reads a module global as a constant of its
machine code. After the global is deleted, the object it named stays
reachable from that code until the loop is freed, so `gc.collect()` does
not collect its cycle; `pypyjit.releaseall()` frees the loops, and the
next collections collect the cycle. With the JIT off, the first collection
does. The same happens to a cycle of plain Python objects and to one that
runs through an rpds collection, so it is the interpreter's, not the
collection's `tp_traverse`.

    PYPY tests/python/pypy_repro/jit_constant_cycle.py            # plain objects
    PYTHONPATH=DIR PYPY tests/python/pypy_repro/jit_constant_cycle.py rpds
    PYPY --jit off tests/python/pypy_repro/jit_constant_cycle.py [rpds]

DIR holds an `rpds`: the port's universal build (`cargo hpy build
--universal`, or `bench/build/rpds-port-universal` after `bench/rpds-run`),
or any other. Prints, for the cycle: alive after `del` and five
collections, alive after `releaseall` and up to ten more.
"""

import gc
import sys
import weakref


class Node:
    pass


def make(through_rpds):
    a = Node()
    if through_rpds:
        from rpds import HashTrieMap

        a.m = HashTrieMap({"self": a})  # a -> map -> a
    else:
        b = Node()
        a.m = {"self": b}
        b.other = a  # a -> dict -> b -> a
    return a


target = None


def hot(n):
    """A loop the JIT compiles; `target` (a global) is a constant in it."""
    s = 0
    for _ in range(n):
        if "self" in target.m:
            s += 1
    return s


def main():
    global target
    through_rpds = sys.argv[1:] == ["rpds"]
    target = make(through_rpds)
    ref = weakref.ref(target)
    hot(5000)
    del target
    for _ in range(5):
        gc.collect()
    print("cycle through %s: alive after del and 5 collections: %s"
          % ("an rpds map" if through_rpds else "plain objects", ref() is not None))
    try:
        import pypyjit
    except ImportError:
        print("no pypyjit: not PyPy")
        return
    pypyjit.releaseall()
    for _ in range(10):
        gc.collect()
        if ref() is None:
            break
    print("alive after pypyjit.releaseall() and up to 10 collections: %s" % (ref() is not None))


if __name__ == "__main__":
    main()
