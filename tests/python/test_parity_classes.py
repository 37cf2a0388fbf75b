"""examples/parity's classes (issue 24 items 1-4, issue 25 S4): unit enums,
weakref/__dict__ support, iteration by `__getitem__`, members of any
convertible type, and members under a method's borrow."""

import gc
import sys

import pytest
from hpyrs_helpers import raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


# ------------------------------------------------------------------ members


def test_members_of_any_convertible_type(parity):
    n = parity.Named("a")
    assert n.name == "a"
    assert n.tags == []
    n.name = "b"
    n.tags = ["x", "y"]
    assert (n.name, n.tags) == ("b", ["x", "y"])
    n.tags.append("z")  # a copy: the member is unchanged
    assert n.tags == ["x", "y"]
    n.tags = ("p",)  # any iterable converts to Vec<String>
    assert n.tags == ["p"]
    assert n.version == 1


def test_member_errors(parity):
    n = parity.Named("a")
    with pytest.raises(TypeError):
        n.name = 5
    with pytest.raises(TypeError):
        n.tags = [1]
    assert (n.name, n.tags) == ("a", [])
    with raises_exactly(AttributeError, "cannot set read-only attribute 'version' of 'Named' objects"):
        n.version = 2
    with raises_exactly(AttributeError, "cannot delete attribute 'name' of 'Named' objects"):
        del n.name
    assert n.version == 1


def test_member_descriptors_check_the_receiver(parity):
    class Other:
        pass

    prop = parity.Named.__dict__["name"]
    with pytest.raises(TypeError):
        prop.__get__(Other())
    with pytest.raises(TypeError):
        prop.__set__(Other(), "x")


def test_member_write_during_a_borrow_is_refused(parity):
    """S4: a method holds `&self` across a callback that assigns the member.
    The write raises RuntimeError inside the callback; the method's two reads
    agree (they differed between dev and release builds before: UB)."""
    p = parity.Probe(1)
    seen = []

    def write():
        try:
            p.a = 99
        except RuntimeError as e:
            seen.append(str(e))
            return "refused"
        return "written"

    assert p.read_around(write) == (1, 1, "refused")
    assert seen == ["Probe object is already borrowed"]
    assert p.a == 1
    # Uncaught, the error comes out of the method.
    def write_uncaught():
        p.a = 7

    with raises_exactly(RuntimeError, "Probe object is already borrowed"):
        p.read_around(write_uncaught)
    # Reading during the shared borrow is fine; after it, writing is too.
    assert p.read_around(lambda: p.a) == (1, 1, 1)
    p.a = 5
    assert p.a == 5


# ------------------------------------------------------------- sequences


def test_len_and_getitem_make_an_iterable(parity):
    bag = parity.Bag([1, 2, 3])
    assert len(bag) == 3
    assert bag[0] == 1 and bag[-1] == 3
    with raises_exactly(IndexError, "Bag index out of range"):
        bag[3]
    assert list(bag) == [1, 2, 3]
    assert list(parity.Bag([])) == []
    assert 2 in bag and 5 not in bag
    assert sorted(parity.Bag([3, 1, 2])) == [1, 2, 3]
    it = iter(bag)
    assert next(it) == 1
    with pytest.raises(TypeError):
        bag["x"]
