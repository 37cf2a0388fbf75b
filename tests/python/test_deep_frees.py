"""Freeing long chains and deep trees of hpy-rs objects must not recurse once
per object on the C stack: a million-long chain of frozen `Cons` cells once
crashed CPython 3.11 when its head was deleted (each deallocator released
the next object from inside itself). Every structure here is built and
freed in a child interpreter, so that a crash fails one test instead of
killing pytest; the child also checks that the whole structure was freed
(a weakly referenced Python object sits at its deepest point).

Each case goes through a different deallocation path of hpy-rs: a frozen
class's (`Cons`, `Tri`: *simple* classes, their fields emptied by code
compiled for the class, or by the host's plan in the universal ABI), a
subclassable class's (`Animal`: the generic deallocator that walks the type
chain), a class with `__del__` (`Node`: a finalizer), and fields kept
inside the Rust value (`Shapes.maybe`: emptied through the value's field
visitor). A chain of a Python subclass of an hpy-rs class is not among
them: CPython's deallocator for Python subclasses bounds its own nesting.

On PyPy the collector frees these structures without recursing; the test
checks that there too (and that the chains whose classes have no
`tp_destroy` are freed by a collection; PyPy finalizes a chain of objects
with `tp_destroy` one link per collection, so those are only built and
dropped).
"""

import os
import subprocess
import sys

import pytest

IS_PYPY = sys.implementation.name == "pypy"

# How deep each structure is. The chain and the tree are the failure as it
# was found: CPython 3.11 crashed freeing a 10**6-long chain of `Cons` cells
# (10**5 passed: about 80 bytes of C stack per nested deallocation against
# the main thread's 8 MiB). The other cases, and every case in the
# universal and debug modes (where each call tracks its handles, several
# times slower), are 10**5 deep: every structure is built and freed in a
# thread with a 1 MiB stack (STACK), where a free that nests one
# deallocation per object needs at least 8 times the stack there is, as
# 10**6 objects did in the main thread (each crashed before deallocation
# was bounded).
FULL = 10**6
REDUCED = 10**5
STACK = 1 << 20
HEADLINE = ("cons chain", "tri tree")
# The cases whose classes have a `tp_destroy` (drop glue or `__del__`).
DESTROYED = ("subclassable chain", "finalizer chain", "value field chain")

# The structures, built in the child as `head` from `m` (hpyrs_classes),
# with the Python object `tail` at their deepest point.
CASES = {
    # A chain of a frozen class with one field.
    "cons chain": """
head = tail
for _ in range(n):
    head = m.Cons(head)
""",
    # A tree of a frozen class with three fields: the deep child moves
    # from field to field; beside it a leaf shared by many nodes (not
    # freed until the last goes) and, every 24 levels, a fresh subtree
    # (freed on the way down).
    "tri tree": """
head = tail
leaf = m.Cons(None)
for i in range(n // 3):
    head = m.Tri(head, None, None)
    head = m.Tri(leaf, head, None)
    head = m.Tri(None if i % 8 else m.Cons(m.Cons(None)), leaf, head)
del leaf
""",
    # The generic deallocator (a subclassable class, fields found by
    # walking the type chain).
    "subclassable chain": """
head = tail
for _ in range(n):
    a = m.Animal("a", 4)
    a.befriend(head)
    head = a
del a
""",
    # A class with `__del__` (a finalizer runs before the fields go).
    "finalizer chain": """
head = tail
for i in range(n):
    node = m.Node(i)
    node.set_next(head)
    head = node
del node
""",
    # Fields inside the Rust value (an `Option<Field>`), emptied through
    # the value's field visitor.
    "value field chain": """
head = tail
for _ in range(n):
    s = m.Shapes()
    s.put("maybe", head)
    head = s
del s
""",
}

CHILD = """
import gc, sys, threading, weakref
sys.path.insert(0, {folder!r})
import hpyrs_classes as m

class Tail:
    pass

def build_and_free(n, answer):
    tail = Tail()
    gone = weakref.ref(tail)
{build}
    del tail
    del head
    # CPython frees the whole structure as its head goes; PyPy's collector
    # frees it at a collection.
    if sys.implementation.name == "pypy":
        for _ in range(3):
            if gone() is None:
                break
            gc.collect()
    answer.append("freed" if gone() is None else "still alive")

answer = []
threading.stack_size({stack})
worker = threading.Thread(target=build_and_free, args=({n}, answer))
worker.start()
worker.join()
print(*answer)
"""


def _depth(case, hpy_mode):
    # The full size in the CPython ABI only (its chain and tree take 2-5 s of
    # CPU each with the tests' unoptimised builds); the universal ABI's
    # deallocators are the same code driven by the host. PyPy frees through
    # its collector, not hpy-rs's deallocators.
    return FULL if case in HEADLINE and hpy_mode == "cpython" else REDUCED


@pytest.mark.parametrize("case", sorted(CASES))
def test_deep_structure_frees(case, hpyrs_classes, hpy_mode, hpy_host):
    if IS_PYPY and hpy_mode == "debug":
        pytest.skip("PyPy frees these structures with its collector, not with hpy-rs's "
                    "deallocators (checked in universal mode); in HPy's C debug context "
                    "building them takes minutes")
    if hpy_host is not None and hpy_host.__name__ == "hpy.universal" and not IS_PYPY:
        pytest.skip("the hpy package's hpy.universal deallocates with HPy 0.9's own C "
                    "runtime, which releases fields recursively (hpy-rs's host does not)")
    folder = os.path.dirname(os.path.abspath(hpyrs_classes.__file__))
    n = _depth(case, hpy_mode)
    build = "".join("    " + line + "\n" for line in CASES[case].strip().splitlines())
    code = CHILD.format(folder=folder, n=n, build=build, stack=STACK)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=600)
    assert child.returncode == 0, (
        f"freeing a {case} {n} deep ended the interpreter "
        f"(exit status {child.returncode}): {child.stderr[-2000:]}")
    answers = ["freed", "still alive"] if IS_PYPY and case in DESTROYED else ["freed"]
    assert child.stdout.strip() in answers, (child.stdout, child.stderr[-2000:])


def test_classes_hold_their_children(hpyrs_classes):
    """The classes the children free, used in this process too (in debug
    mode this shows the module ran on the debug context)."""
    m = hpyrs_classes
    leaf = m.Cons(None)
    assert leaf.next() is None
    chain = m.Cons(leaf)
    assert chain.next() is leaf
    tri = m.Tri(1, leaf, "x")
    assert tri.children() == (1, leaf, "x")
