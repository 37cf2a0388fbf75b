"""examples/parity's classes (issue 24 items 1-4, issue 25 S4): unit enums,
weakref/__dict__ support, iteration by `__getitem__`, members of any
convertible type, and members under a method's borrow."""

import sys
import weakref

import pytest
from hpyrs_helpers import collect, raises_exactly

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


def test_member_write_during_a_borrow_is_refused(parity, hpy_mode):
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


# ------------------------------------------------------------------ enums


def test_unit_enum(parity):
    Color = parity.Color
    assert Color.Green == Color.Green
    assert Color.Green != Color.Red
    assert not (Color.Green != Color.Green)
    assert Color.Red is Color.Red
    assert type(Color.Red) is Color
    assert [int(c) for c in (Color.Red, Color.Green, Color.Blue)] == [0, 1, 2]
    assert repr(Color.Green) == "Color.Green"
    # Ints compare equal to their variant, and hash alike.
    assert Color.Blue == 2 and 2 == Color.Blue and Color.Blue != 1
    assert Color.Blue != "Blue" and Color.Blue != 2.5
    assert hash(Color.Blue) == hash(2)
    assert {Color.Red: "r", Color.Green: "g"}[Color.Green] == "g"
    assert len({Color.Red, Color.Red, Color.Blue}) == 2
    # Methods return variants (new objects that compare equal).
    assert Color.Red.next() == Color.Green
    assert Color.Blue.next() == Color.Red
    with pytest.raises(TypeError):
        Color()
    with pytest.raises(TypeError):
        Color.Red < Color.Blue


_MATCH_SHAPE = '''
def kind(s, Shape):
    match s:
        case Shape.Circle(r=r):
            return f"circle {r}"
        case Shape.Rect(w, h):
            return f"rect {w}x{h}"
        case Shape.Cell(x, y):
            return f"cell {x},{y}"
    return "?"
'''


def test_data_enum(parity):
    Shape = parity.Shape
    c = Shape.Circle(r=1.0)
    assert isinstance(c, Shape) and type(c) is Shape.Circle
    assert c.r == 1.0 and repr(c) == "Shape.Circle(r=1.0)"
    assert Shape.Cell(2, 3)._0 == 2 and repr(Shape.Cell(2, 3)) == "Shape.Cell(2, 3)"
    assert c.area() == pytest.approx(3.141592653589793)
    b = c.bounds()
    assert type(b) is Shape.Rect and (b.w, b.h) == (2.0, 2.0)
    assert b == Shape.Rect(2.0, 2.0) and b != Shape.Rect(2.0, 1.0) and b != c
    ns = {}
    exec(_MATCH_SHAPE, ns)  # 3.10 syntax, compiled here
    assert [ns["kind"](s, Shape) for s in (c, b, Shape.Cell(4, 5))] == [
        "circle 1.0", "rect 2.0x2.0", "cell 4,5"]
    with pytest.raises(TypeError):
        Shape.Circle()
    with pytest.raises(TypeError):
        Shape.Rect(1.0, 2.0, 3.0)
    with pytest.raises(TypeError):
        Shape()


# ---------------------------------------------------- weakref and __dict__


def _object_slots_supported(hpy_mode, hpy_host):
    # PyPy gives every HPy object a __dict__ and weak references natively.
    return (hpy_mode == "cpython" or IS_PYPY
            or getattr(hpy_host, "__name__", "") == "hpy_rs_universal")


UNSUPPORTED = ("`dict`/`weakref` classes are plain classes on stock hpy.universal: its "
               "deallocator would leave weak references to dead objects")


def test_weakref_and_dict(parity, hpy_mode, hpy_host):
    Node = parity.Node
    node = Node(1)
    if not _object_slots_supported(hpy_mode, hpy_host):
        print(UNSUPPORTED)
        with pytest.raises(TypeError):
            weakref.ref(node)
        with pytest.raises(AttributeError):
            node.extra = 5
        assert node.value == 1
        return
    ref = weakref.ref(node)
    assert ref() is node
    node.extra = 5
    assert node.extra == 5
    assert node.__dict__ == {"extra": 5}
    node.__dict__ = {"other": 1}
    assert node.other == 1 and not hasattr(node, "extra")
    with pytest.raises(TypeError):  # PyPy's native __dict__ words it its own way
        node.__dict__ = [1]
    assert node.value == 1
    del node
    collect(ref)
    assert ref() is None


def test_cycle_through_dict_is_collected(parity, hpy_mode, hpy_host):
    if not _object_slots_supported(hpy_mode, hpy_host):
        pytest.skip(UNSUPPORTED)
    Node = parity.Node
    a, b = Node(1), Node(2)
    a.peer, b.peer = b, a
    a.me = a
    refs = [weakref.ref(a), weakref.ref(b)]
    del a, b
    collect(*refs)
    assert [r() for r in refs] == [None, None]


def test_weakref_without_dict(parity, hpy_mode, hpy_host):
    leaf = parity.Leaf(3)
    if not _object_slots_supported(hpy_mode, hpy_host):
        print(UNSUPPORTED)
        with pytest.raises(TypeError):
            weakref.ref(leaf)
        return
    ref = weakref.ref(leaf)
    assert ref() is leaf and ref().value == 3
    if not IS_PYPY:  # PyPy gives every object a __dict__
        with pytest.raises(AttributeError):
            leaf.extra = 1
    del leaf
    collect(ref)
    assert ref() is None
    # Many short-lived referents: each weak reference is cleared on time.
    refs = [weakref.ref(parity.Leaf(i)) for i in range(100)]
    collect(*refs)
    assert all(r() is None for r in refs)
