"""`hpy::TypedField`: a reference from one instance to an instance of a
`frozen` hpy-rs class, read as `&U` with no HPy call (`Ref::get_typed`),
through tests/ext/hpyrs_classes's `Knot`, `Holder` and `FrozenHolder`."""

import gc
import sys

import pytest

IS_PYPY = sys.implementation.name == "pypy"

PYPY_SUBCLASS_ABORT = pytest.mark.skipif(
    IS_PYPY,
    reason="PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
    "Python subclass of an HPy type with tp_destroy",
)


def collect():
    for _ in range(3):
        gc.collect()


def test_get_after_construction(hpyrs_classes):
    m = hpyrs_classes
    k = m.Knot(7, "seven")
    h = m.Holder(k)
    assert h.value() == 7
    assert h.value_loaded() == 7
    assert h.value_n(3) == h.value_loaded_n(3) == 21
    assert h.name() == "seven"
    assert h.knot() is k
    assert m.FrozenHolder(k).knot_value() == 7
    empty = m.Holder()
    assert empty.value() is None
    assert empty.value_loaded() is None
    assert empty.knot() is None


def test_a_typed_field_copied_into_a_new_instance(hpyrs_classes):
    """`WithFields::set_typed_from`: the new holder keeps the same knot,
    read through its own cache entry, and outlives the first holder; a
    Rust subclass's knot (its block not at the start) too."""
    m = hpyrs_classes
    for knot, value, name in ((m.Knot(7, "seven"), 7, "seven"), (m.BigKnot(11, 4), 11, "big 11")):
        first = m.FrozenHolder(knot)
        second = first.copy()
        assert second is not first
        assert second.knot() is knot
        assert second.knot_value() == first.knot_value() == value
        del first
        collect()
        assert second.copy().knot_name() == name
        refs = sys.getrefcount(knot) if hasattr(sys, "getrefcount") else None
        copies = [second.copy() for _ in range(10)]
        if refs is not None and sys.implementation.name == "cpython":
            assert sys.getrefcount(knot) == refs + 10
        del copies
        if refs is not None and sys.implementation.name == "cpython":
            assert sys.getrefcount(knot) == refs


def test_more_typed_fields_than_the_builder_keeps_inline(hpyrs_classes):
    # WithFields keeps four objects inline: the fifth and sixth TypedField
    # objects (after an untyped one) take the builder's spill path.
    m = hpyrs_classes
    label = object()
    knots = [m.Knot(i, str(i)) for i in range(6)]
    c = m.Chain(label, knots)
    assert c.values() == [0, 1, 2, 3, 4, 5]
    assert c.label() is label
    assert m.Chain(label, knots[:2]).values() == [0, 1, None, None, None, None]


def test_set_typed_replaces_and_clears(hpyrs_classes):
    m = hpyrs_classes
    a, b = m.Knot(1, "a"), m.Knot(2, "b")
    h = m.Holder(a)
    h.set(b)
    assert h.value() == 2 and h.knot() is b
    h.set(None)
    assert h.value() is None and h.knot() is None
    h.set(a)
    assert h.value() == 1
    h.set_extra(b)
    assert (h.value(), h.extra_value()) == (1, 2)
    h.set_extra(None)
    assert (h.value(), h.extra_value()) == (1, None)
    with pytest.raises(TypeError):
        h.set(m.Sealed(3))


def test_replaced_object_is_released(hpyrs_classes):
    m = hpyrs_classes
    collect()
    knots0, _ = m.typed_counts()
    h = m.Holder(m.Knot(1, "first"))
    h.set(m.Knot(2, "second"))
    collect()
    assert m.typed_counts()[0] - knots0 == 1
    assert h.name() == "second"
    h.set(None)
    collect()
    assert m.typed_counts()[0] - knots0 == 2


@PYPY_SUBCLASS_ABORT
def test_subclass_instance_stored(hpyrs_classes):
    m = hpyrs_classes

    class SubKnot(m.Knot):
        def twice(self):
            return 2 * self.value

    s = SubKnot(21, "sub")
    h = m.Holder(s)
    assert h.value() == 21 and h.knot() is s
    h.set(SubKnot(5, "other"))
    assert h.value() == 5
    assert h.knot().twice() == 10


def test_rust_subclass_instance_stored(hpyrs_classes):
    # A Rust subclass (`extends = Knot`): its Knot block is not at the start
    # of its data, and it is what the cache names.
    m = hpyrs_classes
    b = m.BigKnot(11, 4)
    h = m.Holder(b)
    assert (h.value(), h.name(), h.knot().extra) == (11, "big 11", 4)
    h.set(m.BigKnot(12, 5))
    assert h.value() == 12 and h.value_loaded() == 12
    assert m.FrozenHolder(b).knot_value() == 11


def test_other_class_in_the_same_instance(hpyrs_classes):
    m = hpyrs_classes
    h = m.Holder()
    h.set_sealed(m.Sealed(9))
    h.set(m.Knot(4, "four"))
    assert (h.sealed_value(), h.value()) == (9, 4)


def test_cycle_through_typed_fields_is_collected(hpyrs_classes):
    m = hpyrs_classes
    collect()
    knots0, holders0 = m.typed_counts()
    k = m.Knot(1, "cycle")
    h = m.Holder(k)
    k.bind(h)  # Knot -> Holder (Field), Holder -> Knot (TypedField)
    h2 = m.Holder()
    k2 = m.Knot(2, "cycle2")
    h2.set(k2)
    k2.bind(h2)
    del k, h, k2, h2
    collect()
    knots, holders = m.typed_counts()
    assert (knots - knots0, holders - holders0) == (2, 2)


def test_moved_field_does_not_clobber_a_typed_slot(hpyrs_classes):
    # A `Field` moved in from another instance names a slot that, in its
    # new owner, holds a `TypedField`'s object: storing through it takes a
    # free slot instead, and the typed read still sees its own object.
    m = hpyrs_classes
    k = m.Knot(5, "five")
    b = m.Holder(k)  # main: b's first slot
    a = m.Holder()
    x, y = object(), object()
    a.put_plain(x)  # plain: a's first slot
    a.take_plain()
    b.put_back_plain()  # b.plain now names b's first slot, which holds k
    assert b.plain() is k  # the untyped read sees the slot's object
    b.put_plain(y)
    assert b.value() == 5 and b.knot() is k
    assert b.plain() is y
    # Clearing through the stale name leaves the typed slot alone too.
    a.put_plain(x)
    a.take_plain()
    b.put_back_plain()
    b.put_plain(None)
    assert b.value() == 5 and b.knot() is k
    assert b.plain() is None


def test_moved_typed_field_never_reads_another_class(hpyrs_classes):
    # A `TypedField<Knot>` moved in from another instance may name a slot
    # that holds another class's object here: the read says None, and a
    # typed store through it takes a free slot rather than dropping a
    # `Field`'s object.
    m = hpyrs_classes
    a = m.Holder(m.Knot(1, "a"))  # a.main: a's first slot
    b = m.Holder()
    s = m.Sealed(8)
    b.set_sealed(s)  # b.sealed: b's first slot
    a.take_main()
    b.put_back_main()  # b.main names the first slot, which holds a Sealed
    assert b.value() is None
    assert b.sealed_value() == 8
    b.set(m.Knot(3, "three"))
    assert (b.value(), b.sealed_value()) == (3, 8)
    # Clearing through such a name leaves the Sealed too.
    e = m.Holder(m.Knot(1, "e"))
    f = m.Holder()
    f.set_sealed(m.Sealed(10))
    e.take_main()
    f.put_back_main()
    f.set(None)
    assert (f.value(), f.sealed_value()) == (None, 10)
    # Into a slot an untyped Field keeps.
    c = m.Holder(m.Knot(6, "c"))
    d = m.Holder()
    z = object()
    d.put_plain(z)  # d.plain: d's first slot
    c.take_main()
    d.put_back_main()
    assert d.value() is None and d.plain() is z
    d.set(m.Knot(7, "seven"))
    assert d.value() == 7 and d.plain() is z


def test_get_after_owner_swap_keeps_objects(hpyrs_classes):
    m = hpyrs_classes
    a = m.Holder(m.Knot(1, "a"))
    b = m.Holder(m.Knot(2, "b"))
    a.take_main()
    b.take_main()
    a.put_back_main()  # b's name into a: same slot number, a's own object
    b.put_back_main()
    assert (a.value(), b.value()) == (1, 2)


def test_target_destroyed_while_referenced(hpyrs_classes):
    # Issue 25's N2: PyPy runs tp_destroy after __del__ even when __del__
    # kept the object, and then frees its storage. A knot whose __del__
    # brings back the holder referring to it is destroyed while that holder
    # is alive again: the holder must never read the knot's storage (on
    # PyPy a read asks HPy for the knot's data first, and finds none). CPython
    # keeps both alive and valid.
    m = hpyrs_classes
    m.knot_nest()

    def make():
        k = m.PhoenixKnot(13)
        h = m.PhoenixHolder(k)
        k.bind(h)
        assert h.knot_value() == 13

    make()
    collect()
    h = m.knot_nest()
    assert h is not None, "__del__ did not run"
    for _ in range(5):
        collect()
        [bytearray(64) for _ in range(10000)]
    for _ in range(3):
        if IS_PYPY:
            assert h.knot_value() is None and h.knot_name() is None
            with pytest.raises(RuntimeError, match="was destroyed"):
                h.knot().value
        else:
            assert (h.knot_value(), h.knot_name()) == (13, "knot 13")
    del h
    collect()
    m.knot_nest()


RESCUED = []


@PYPY_SUBCLASS_ABORT
def test_subclass_target_destroyed_while_referenced(hpyrs_classes):
    # Issue 25's N2: PyPy runs tp_destroy after __del__ even when __del__
    # kept the object. A Holder whose Knot was destroyed that way must
    # never read the Knot's storage: it says the holder was destroyed (it
    # is finalized with its knot, or before it) or still reads a live knot.
    m = hpyrs_classes

    class DelKnot(m.Knot):
        def __del__(self):
            RESCUED.append(self.holder)

    def make():
        k = DelKnot(13, "phoenix")
        h = m.Holder(k)
        k.holder = h
        k2 = DelKnot(14, "phoenix2")
        h2 = m.Holder()
        h2.set(k2)
        k2.holder = h2

    make()
    collect()
    assert len(RESCUED) == 2
    for _ in range(5):
        collect()
        [bytearray(64) for _ in range(10000)]
    for h in RESCUED:
        try:
            value = h.value()
        except RuntimeError as e:
            assert IS_PYPY, f"refused on CPython: {e}"
            assert "was destroyed" in str(e)
        else:
            assert value in (13, 14)
    RESCUED.clear()
    collect()


def test_builders_that_borrow_their_knot(hpyrs_classes):
    """`WithFields::set_typed_borrowed`: the builder borrows the argument's
    handle (no duplicate, no close) from a constructor, a method and a
    module function; the instance holds its own reference (the knot
    outlives the call and the caller's name), a borrowed entry that is
    replaced or given up is not closed, and under debug mode nothing
    leaks and no borrowed handle is closed."""
    m = hpyrs_classes
    label = object()
    a, b = m.Knot(1, "a"), m.Knot(2, "b")
    h = m.BorrowingHolder(a, label)
    assert (h.knot_value(), h.knot(), h.label()) == (1, a, label)
    assert h.knot() is a and h.label() is label
    replaced = m.BorrowingHolder(a, label, b)
    assert replaced.knot() is b and replaced.knot_value() == 2
    again = h.rebind(b)
    assert again.knot() is b and again.label() is None
    f = m.borrowing_holder(b, label)
    assert f.knot() is b and f.knot_value() == 2 and f.label() is label
    with pytest.raises(TypeError):
        m.BorrowingHolder(m.Sealed(3), label)
    with pytest.raises(TypeError):
        m.borrowing_holder(label, label)
    with pytest.raises(m.PanicException, match="no field for this knot"):
        m.borrowing_panics(a, label)
    # The knots and the label are still alive and usable after every path.
    assert (m.FrozenHolder(a).knot_value(), m.FrozenHolder(b).knot_name()) == (1, "b")
    refs = sys.getrefcount(a) if sys.implementation.name == "cpython" else None
    many = [m.BorrowingHolder(a, label) for _ in range(10)]
    if refs is not None:
        assert sys.getrefcount(a) == refs + 10
    del many
    if refs is not None:
        assert sys.getrefcount(a) == refs
    # Each instance keeps its knot without the caller's reference.
    held = m.BorrowingHolder(m.Knot(5, "five"), label)
    collect()
    assert held.knot_value() == 5 and m.FrozenHolder(held.knot()).knot_name() == "five"
