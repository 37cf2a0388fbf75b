"""hpy::ObjectStore and hpy::Stored (docs/shared-objects.md): Python objects
kept inside Rust values that many instances share, through the persistent
stack `hpyrs_shared.Chain`."""

import weakref

import pytest
from hpyrs_helpers import collect




class Obj:
    """An object whose death can be observed and that can join a cycle."""


def test_items_survive_sharing(hpyrs_shared):
    a, b, c = Obj(), Obj(), Obj()
    base = hpyrs_shared.Chain().push(a)
    left = base.push(b)
    right = base.push(c)
    del base
    collect()
    assert left.items() == [b, a]
    assert right.items() == [c, a]
    assert len(left) == len(right) == 2
    assert left.pop().shares_top(right.pop())
    assert right.pop().items() == [a]


def test_objects_stay_alive_while_a_chain_holds_them(hpyrs_shared):
    o = Obj()
    w = weakref.ref(o)
    chain = hpyrs_shared.Chain().push(o).push(1)
    del o
    collect()
    assert w() is not None
    assert chain.items()[1] is w()


def test_released_when_the_last_rust_owner_drops(hpyrs_shared):
    o = Obj()
    w = weakref.ref(o)
    keeper = hpyrs_shared.Chain().push("kept")
    with_o = keeper.push(o)
    assert keeper.store_len() == 2
    del o, with_o
    collect()
    # The store still keeps the dead reference until it sweeps.
    keeper.sweep()
    collect(w)
    assert w() is None
    assert keeper.store_len() == 1
    assert keeper.items() == ["kept"]


def test_sweeps_on_its_own_as_the_store_grows(hpyrs_shared):
    keeper = hpyrs_shared.Chain()
    for i in range(200):
        keeper.push(Obj())  # each result dies at once (on PyPy: at a collection)
        if i % 20 == 0:
            collect()
    assert keeper.store_len() < 100


def test_cycle_through_one_chain_is_collected(hpyrs_shared):
    o = Obj()
    o.chain = hpyrs_shared.Chain().push(o)
    w = weakref.ref(o)
    del o
    collect(w)
    assert w() is None


def test_cycle_through_shared_nodes_is_collected(hpyrs_shared):
    # Two chains share the node that holds `o`, and `o` holds both.
    o = Obj()
    first = hpyrs_shared.Chain().push(o)
    o.first = first
    o.second = first.push("more")
    o.third = first.push(o)
    w = weakref.ref(o)
    del o, first
    collect(w)
    assert w() is None


def test_shared_node_outside_the_cycle_keeps_the_object(hpyrs_shared):
    # The cycle o -> first -> o is garbage, but `other` shares first's node
    # (and store) and is alive: o must stay alive and readable.
    o = Obj()
    first = hpyrs_shared.Chain().push(o)
    o.first = first
    other = first.push("x")
    w = weakref.ref(o)
    del o, first
    collect()
    assert w() is not None
    assert other.items()[1] is w()
    del other
    collect(w)
    assert w() is None


def test_store_of_another_chain_is_refused(hpyrs_shared):
    one = hpyrs_shared.Chain().push(1)
    two = hpyrs_shared.Chain().push(2)
    with pytest.raises(ValueError, match="does not keep it"):
        one.top_through(two)
    assert one.push(3).top_through(one) == 3


def test_object_store_cannot_be_made_from_python(hpyrs_shared):
    with pytest.raises(TypeError):
        hpyrs_shared.ObjectStore()
