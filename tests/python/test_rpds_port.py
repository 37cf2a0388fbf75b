"""The parts of the rpds port (examples/rpds) that its upstream tests do
not reach: what the hpy-rs SDK had to provide for it (docs/porting-rpds.md)."""

import copy
import pickle

import pytest
from hpyrs_helpers import assert_new_checks_its_class


class BadEq:
    """Equal hashes, and an `__eq__` that raises."""

    def __hash__(self):
        return 7

    def __eq__(self, other):
        raise ZeroDivisionError("no comparing")


def test_eq_exception_comes_out_of_the_map_operation(rpds):
    # Key equality runs inside ObjectStore::scope: the exception __eq__
    # raises is the operation's, not a panic and not a silent False.
    m = rpds.HashTrieMap().insert(BadEq(), 1)
    with pytest.raises(ZeroDivisionError, match="no comparing"):
        m.insert(BadEq(), 2)
    with pytest.raises(ZeroDivisionError):
        BadEq() in m
    assert len(m) == 1  # the map is unchanged and usable


def test_star_args_constructor_refuses_keywords(rpds):
    # `List(*elements)` takes no keywords (NewArgs::var_args, the keyword
    # check of a constructor whose only parameter is *args).
    with pytest.raises(TypeError):
        rpds.List(a=1)
    assert list(rpds.List(1, 2, 3)) == [1, 2, 3]
    assert list(rpds.Stack(1, 2)) == [2, 1]
    assert list(rpds.Queue(1, 2)) == [1, 2]


def test_set_operations_across_stores(rpds):
    # Two sets made separately have different ObjectStores: the result
    # re-stashes the other operand's objects into its own store.
    a = rpds.HashTrieSet([1, 2, 3, "x"])
    b = rpds.HashTrieSet([3, 4, "x"])
    assert a | b == {1, 2, 3, 4, "x"}
    assert a & b == {3, "x"}
    assert a - b == {1, 2}
    assert a ^ b == {1, 2, 4}
    assert (b | a) | rpds.HashTrieSet([5]) == {1, 2, 3, 4, 5, "x"}


def test_maps_of_different_stores_compare(rpds):
    a = rpds.HashTrieMap({1: "one", (2, 3): [4]})
    b = rpds.HashTrieMap({(2, 3): [4]}).insert(1, "one")
    assert a == b
    assert not a != b
    assert a != b.insert(1, "uno")


def test_new_checks_its_class(rpds):
    # `List.__new__(default=1)` crashed PyPy 7.3.19 (issue 36): its own
    # `__new__` gave the constructor a class handle naming no object.
    for name in ("HashTrieMap", "HashTrieSet", "List", "Queue", "Stack"):
        assert_new_checks_its_class(getattr(rpds, name), name)
    assert rpds.List.__new__(rpds.List, 1, 2) == rpds.List([1, 2])
    # Pickling and copying go through the class (`__reduce__` returns it).
    for obj in (rpds.HashTrieMap({1: 2}), rpds.HashTrieSet([1]), rpds.List([1, 2])):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.copy(obj) == obj and copy.deepcopy(obj) == obj


def test_list_of_one_iterable_reads_it_as_reversed_would(rpds):
    """`List(x)` takes `reversed(x)` as rpds-py does; an exact list, tuple
    or range is read forwards instead (the same items, fewer calls), and
    anything `reversed` refuses is still refused with its TypeError."""
    for items in ([1, "a", None], (3, 2, 1), range(5, -5, -2), range(0), [], ()):
        assert list(rpds.List(items)) == list(items)

    class Seq:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            if i >= 3:
                raise IndexError(i)
            return i * 10

    assert list(rpds.List(Seq())) == [0, 10, 20]
    # (the wording is the interpreter's: PyPy says "'generator' has no length")
    for not_reversible in ((x for x in [1, 2]), {1, 2}):
        with pytest.raises(TypeError):
            rpds.List(not_reversible)
