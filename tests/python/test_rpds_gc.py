"""Reference cycles through the collections of the rpds port
(examples/rpds) are collected: each collection reaches its ObjectStore
through a Field, and the store reports each object once
(docs/shared-objects.md)."""

import gc
import os
import sys
import weakref

import pytest
from hpyrs_helpers import collect

IS_PYPY = sys.implementation.name == "pypy"
# scripts/run-tests runs this file 20 times over in one PyPy process per
# mode with HPY_RS_RPDS_GC_STRICT=1: there a survivor fails the run (the
# whole-suite runs, where it was seen, keep the XFAIL below).
STRICT = os.environ.get("HPY_RS_RPDS_GC_STRICT") == "1"


def assert_collected(w):
    """The object `w` refers to is gone. On PyPy, a known intermittent
    defect is reported as such (XFAIL) instead of failing the run: in two
    of four fresh-clone runs of the whole suite one cycle of this file
    stayed alive through ten full collections on PyPy (once in debug mode,
    `HashTrieSet`; once in plain mode, `iterator`), and in none of twelve
    whole-suite PyPy runs since (docs/porting-rpds.md, "Interpreter limits
    met", tracks it). Before giving up, PyPy gets fifty more collections
    with time between them for its finalizer queue (HPy objects with
    tp_destroy are finalized in order, one collection per link of a chain
    of them), so the report tells a slow collection (dies late: passes,
    saying after how many) from a kept object (the XFAIL, naming its
    referrers, whether the collector is enabled and the live threads), or
    fails it with HPY_RS_RPDS_GC_STRICT=1 (run-tests' 20 rounds of this
    file). CPython asserts it."""
    if w() is None:
        return
    if IS_PYPY:
        import threading
        import time

        for extra in range(1, 51):
            gc.collect()
            time.sleep(0.002)
            if w() is None:
                sys.stderr.write(f"rpds cycle collected after {extra} more collections\n")
                return
        obj = w()
        holders = sorted({type(r).__name__ for r in gc.get_referrers(obj)})
        del obj
        threads = [t.name for t in threading.enumerate()]
        report = (
            "known PyPy defect: a cycle through an rpds collection stayed alive "
            f"after sixty full collections (referrers: {holders}; "
            f"gc.isenabled() {gc.isenabled()}; threads {threads})"
        )
        if STRICT:
            pytest.fail(report, pytrace=False)
        pytest.xfail(report)
    assert w() is None


class Obj:
    """Joins a cycle; its death is observable."""


MAKERS = {
    "HashTrieMap-value": lambda rpds, o: rpds.HashTrieMap({"me": o}),
    "HashTrieMap-key": lambda rpds, o: rpds.HashTrieMap().insert(o, 1),
    "HashTrieSet": lambda rpds, o: rpds.HashTrieSet([o]),
    "List": lambda rpds, o: rpds.List([1, o, 2]),
    "Stack": lambda rpds, o: rpds.Stack().push(o),
    "Queue": lambda rpds, o: rpds.Queue().enqueue(o),
    "keys-view": lambda rpds, o: rpds.HashTrieMap({o: 1}).keys(),
    "iterator": lambda rpds, o: iter(rpds.List([o])),
}


@pytest.mark.parametrize("kind", MAKERS)
def test_cycle_through_a_collection_is_collected(rpds, kind):
    o = Obj()
    o.attr = MAKERS[kind](rpds, o)
    w = weakref.ref(o)
    del o
    collect(w)
    assert_collected(w)


def test_cycle_through_maps_sharing_nodes_is_collected(rpds):
    base = rpds.HashTrieMap({i: str(i) for i in range(200)})
    o = Obj()
    o.first = base.insert("me", o)
    o.second = o.first.insert("more", 1)  # shares first's nodes, o among them
    o.third = o.second.remove(0)
    w = weakref.ref(o)
    del o, base
    collect(w)
    assert_collected(w)


def test_map_outside_the_cycle_keeps_the_shared_object(rpds):
    o = Obj()
    o.first = rpds.HashTrieMap().insert("me", o)
    outside = o.first.insert("more", 1)
    w = weakref.ref(o)
    del o
    collect()
    assert w() is not None
    assert outside["me"] is w()
    del outside
    collect(w)
    assert_collected(w)
