"""Classes written in Rust (#[hpy_class] / #[hpy_methods]), through
tests/ext/hpyrs_classes: every slot kind, members and properties, fields and
the garbage collector, inheritance, and the borrow rules."""

import gc
import math
import sys

import pytest
from hpyrs_helpers import raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


def collect():
    for _ in range(3):
        gc.collect()


# ------------------------------------------------------------ construction


def test_constructor_and_members(hpyrs_classes):
    V = hpyrs_classes.Vector
    v = V(3, 4)
    assert (v.x, v.y) == (3, 4)
    assert V(5).y == 0
    assert V(x=1, y=2).y == 2
    v.x = 10
    assert v.x == 10
    with pytest.raises(AttributeError):
        v.y = 1
    with pytest.raises(TypeError):
        v.x = "no"
    with raises_exactly(TypeError, "Vector() argument 'x' must be int, not str"):
        V("a")
    with raises_exactly(TypeError, "Vector() missing 1 required positional argument: 'x'"):
        V()
    assert type(v).__name__ == "Vector"
    assert type(v).__module__ == "hpyrs_classes"
    assert V.__doc__ == "A 2-D vector of integers, with the number protocol."
    assert hpyrs_classes.VectorAlias is V


def test_methods_and_receivers(hpyrs_classes):
    v = hpyrs_classes.Vector(3, 4)
    assert v.norm2() == 25
    v.scale(2)
    assert (v.x, v.y) == (6, 8)
    assert v.same_object() is v
    assert v.coord_sum() == 14
    assert v.coord_sum_named() == 14
    v.shift_named(1)
    assert v.coord_sum_named() == 15
    v.shift_named(-1)
    with pytest.raises(TypeError):
        hpyrs_classes.Vector.norm2(object())


def test_properties(hpyrs_classes):
    v = hpyrs_classes.Vector(1, 2)
    assert v.length_sq == 5
    assert v.label == "<1, 2>"
    v.label = "<7, 8>"
    assert (v.x, v.y) == (7, 8)


def test_property_errors(hpyrs_classes):
    v = hpyrs_classes.Vector(1, 2)
    with raises_exactly(AttributeError, "cannot set read-only attribute 'length_sq' of 'Vector' objects"):
        v.length_sq = 3
    with raises_exactly(ValueError, "expected '<x, y>'"):
        v.label = "nonsense"
    with pytest.raises(ValueError):
        v.label = "<a, b>"
    with raises_exactly(AttributeError, "cannot delete attribute 'label'"):
        del v.label


def test_no_constructor(hpyrs_classes):
    with pytest.raises(TypeError):
        hpyrs_classes.Token()
    t = hpyrs_classes.make_token(7)
    assert t.id == 7 and t.describe() == "token 7"


# ------------------------------------------------------------ slots


def test_repr_str_hash_bool_call(hpyrs_classes):
    V = hpyrs_classes.Vector
    v = V(2, 3)
    assert repr(v) == "Vector(2, 3)"
    assert str(v) == "(2, 3)"
    assert hash(v) == 2 * 31 + 3
    assert hash(V(0, -1)) == -2  # -1 is reserved for errors
    assert bool(v) and not bool(V(0, 0))
    assert v(10) == 20
    assert v(10, b=1) == 23
    with raises_exactly(TypeError, "__call__() got an unexpected keyword argument 'c'"):
        v(1, c=2)


def test_rich_compare(hpyrs_classes):
    V = hpyrs_classes.Vector
    assert V(1, 2) == V(1, 2)
    assert V(1, 2) != V(2, 1)
    assert V(1, 2) < V(2, 0) <= V(2, 0)
    assert V(3, 0) > V(2, 9) >= V(2, 9)
    assert (V(1, 2) == "x") is False  # NotImplemented, then identity
    with pytest.raises(TypeError):
        V(1, 2) < 3


def test_number_protocol(hpyrs_classes):
    V = hpyrs_classes.Vector
    a, b = V(1, 2), V(10, 20)
    assert repr(a + b) == "Vector(11, 22)"
    assert repr(b - a) == "Vector(9, 18)"
    assert repr(a * 3) == "Vector(3, 6)"
    assert repr(3 * a) == "Vector(3, 6)"
    assert repr(b // 3) == "Vector(3, 6)"
    with raises_exactly(ZeroDivisionError, "division by zero"):
        b // 0
    assert repr(a ** 2) == "Vector(1, 4)"
    assert repr(pow(V(3, 4), 2, 5)) == "Vector(4, 1)"
    assert repr(-a) == "Vector(-1, -2)"
    assert repr(+a) == "Vector(1, 2)"
    assert abs(V(3, 4)) == 5.0
    assert repr(~a) == "Vector(2, 1)"
    assert int(V(7, 1)) == 7
    assert float(V(7, 1)) == 7.0
    assert [0, 1, 2, 3][V(2, 0)] == 2  # __index__
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        a * 1.5
    c = V(1, 1)
    before = c
    c += V(2, 3)
    assert c is before and repr(c) == "Vector(3, 4)"


def test_method_aliases(hpyrs_classes):
    # `#[method(alias = "...")]`: one Rust method under several Python
    # names; a special method's name fills that slot.
    L = hpyrs_classes.Labelled
    a, b = L(1, label="a"), L(2, label="b")
    assert a.join(b) == a.joined(b) == a + b == "a+b"
    assert b + a == "b+a"
    assert a.__add__(3) is NotImplemented
    with pytest.raises(TypeError, match="unsupported operand"):
        a + 3
    with pytest.raises(TypeError, match="Labelled"):
        a.joined(3)
    # The alias keeps the method's signature, its checks and its doc.
    assert a.repeat(2, sep="/") == a.label(2, sep="/") == "a/a"
    with pytest.raises(TypeError, match="positional-only arguments passed as keyword"):
        a.repeat(times=2)
    assert L.repeat.__doc__ == L.label.__doc__ == "The label, repeated."
    assert {"join", "joined", "label", "repeat"} <= set(vars(L))


def test_operator_methods(hpyrs_classes):
    # The operator methods themselves (on PyPy the type dict's `__mul__`
    # and `__rmul__` are what the operators call): results, NotImplemented
    # for an operand of the wrong type, and the receiver's type checked.
    V = hpyrs_classes.Vector
    a, b = V(1, 2), V(10, 20)
    assert repr(a.__add__(b)) == "Vector(11, 22)"
    assert repr(b.__sub__(a)) == "Vector(9, 18)"
    assert repr(a.__mul__(3)) == "Vector(3, 6)"
    assert repr(a.__rmul__(3)) == "Vector(3, 6)"
    assert repr(b.__floordiv__(3)) == "Vector(3, 6)"
    assert a.__add__(1) is NotImplemented
    assert a.__mul__(1.5) is NotImplemented
    assert a.__rmul__("x") is NotImplemented
    with raises_exactly(ZeroDivisionError, "division by zero"):
        b.__floordiv__(0)
    for name, arg in [("__add__", a), ("__mul__", 3), ("__rmul__", 3)]:
        with pytest.raises(TypeError, match="Vector"):
            getattr(V, name)(5, arg)


@pytest.mark.skipif(not IS_PYPY, reason="CPython keeps its slot wrappers in the type dict")
def test_operators_are_methods_on_pypy(hpyrs_classes):
    # PyPy calls operators through the type dict; hpy-rs's own methods must
    # be what it finds there, not PyPy's wrappers of the number slots.
    V = hpyrs_classes.Vector
    method = type(V.__dict__["norm2"])  # an ordinary method of the class
    assert type(V.__dict__["__repr__"]) is not method  # a slot's wrapper
    for name in ["__add__", "__sub__", "__mul__", "__rmul__", "__floordiv__"]:
        assert type(V.__dict__[name]) is method, name


def test_mapping_and_sequence(hpyrs_classes):
    s = hpyrs_classes.Seq([1, 2, 3])
    assert len(s) == 3
    assert s[0] == 1 and s[-1] == 3
    with raises_exactly(IndexError, "Seq index out of range"):
        s[3]
    s[1] = 20
    assert s.tolist() == [1, 20, 3]
    del s[0]
    assert s.tolist() == [20, 3]
    assert 3 in s and 4 not in s
    t = hpyrs_classes.Seq([9])
    assert (s + t).tolist() == [20, 3, 9]
    assert (t * 3).tolist() == [9, 9, 9]
    with pytest.raises(TypeError):
        s["a"]


def test_sq_slots(hpyrs_classes):
    q = hpyrs_classes.SqOnly(4)
    assert len(q) == 4
    assert q[2] == 2
    with raises_exactly(IndexError, "SqOnly index out of range"):
        q[10]
    q[1] = 100
    assert q.tolist() == [0, 100, 2, 3]
    del q[0]
    assert q.tolist() == [100, 2, 3]


# ------------------------------------------------------------ inheritance


def test_python_subclass(hpyrs_classes):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
                    "Python subclass of an HPy type")
    class Sub(hpyrs_classes.Vector):
        def extra(self):
            return self.norm2() + 1

    s = Sub(3, 4)
    assert s.extra() == 26
    assert isinstance(s, hpyrs_classes.Vector)
    assert hpyrs_classes.is_vector(s) and not hpyrs_classes.is_vector(1)
    assert repr(s + s) == "Vector(6, 8)"


def test_as_class_dispatch(hpyrs_classes):
    """`Handle::as_class` borrows an instance of the class it names and
    answers None for anything else, without raising."""
    assert hpyrs_classes.x_or_id(hpyrs_classes.Vector(3, 4)) == ("vector", 3)
    assert hpyrs_classes.x_or_id(hpyrs_classes.make_token(7)) == ("token", 7)
    for other in (1, "Vector", None, hpyrs_classes.Vector, [hpyrs_classes.Vector(1, 2)]):
        assert hpyrs_classes.x_or_id(other) is None
    if not IS_PYPY:  # see test_python_subclass

        class Sub(hpyrs_classes.Vector):
            pass

        assert hpyrs_classes.x_or_id(Sub(5, 6)) == ("vector", 5)


def test_as_class_refuses_a_value_borrowed_mutably(hpyrs_classes):
    """A `Vector` whose value is borrowed mutably (its method calls back
    into Python) is reported as such, not read."""
    v = hpyrs_classes.Vector(1, 2)
    seen = []

    def probe():
        with pytest.raises(RuntimeError, match="already mutably borrowed"):
            hpyrs_classes.x_or_id(v)
        seen.append(True)

    v.mutate_while_calling(probe)
    assert seen == [True]


def test_final_class_refuses_subclasses(hpyrs_classes):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 does not enforce HPy_TPFLAGS_BASETYPE: any HPy type can be subclassed")
    with pytest.raises(TypeError):

        class NoSub(hpyrs_classes.Seq):  # not a base type
            pass


PYPY_SHAPES = (
    "PyPy 7.3.19's HPy does not implement builtin shapes (no _HPy_AsStruct_Float/List; "
    "list-shaped instances abort PyPy): classes extending builtin types are CPython-only"
)


def test_float_shape(hpyrs_classes):
    if IS_PYPY:
        pytest.skip(PYPY_SHAPES)
    f = hpyrs_classes.TaggedFloat(2.5)
    assert isinstance(f, float)
    assert f == 2.5 and f * 2 == 5.0
    assert hpyrs_classes.TaggedFloat("3.5") == 3.5
    assert f.tag == 0  # Default::default() on first access
    f.tag = 7
    assert f.tag == 7


def test_list_shape(hpyrs_classes):
    if IS_PYPY:
        pytest.skip(PYPY_SHAPES)
    l = hpyrs_classes.CountingList([1, 2])
    assert isinstance(l, list)
    assert l == [1, 2]
    l.append(4)
    l.push(3)
    assert l == [1, 2, 4, 3] and l.pushes == 1


def test_metaclass(hpyrs_classes):
    assert type(hpyrs_classes.WithMeta) is hpyrs_classes.Meta
    assert isinstance(hpyrs_classes.WithMeta(), hpyrs_classes.WithMeta)


def test_constructor_without_parameters_rejects_arguments(hpyrs_classes):
    # `#[new] fn new() -> WithMeta` skips argument parsing when there is
    # nothing to parse; arguments must still be refused.
    with raises_exactly(TypeError, "WithMeta() takes 0 positional arguments but 1 was given"):
        hpyrs_classes.WithMeta(1)
    with raises_exactly(TypeError, "WithMeta() got an unexpected keyword argument 'a'"):
        hpyrs_classes.WithMeta(a=1)
    assert isinstance(hpyrs_classes.WithMeta(*(), **{}), hpyrs_classes.WithMeta)


# ------------------------------------------------------------ borrows


def test_conflicting_borrow_raises(hpyrs_classes, hpy_mode):
    v = hpyrs_classes.Vector(1, 1)
    with raises_exactly(RuntimeError, "Vector object is already mutably borrowed"):
        v.mutate_while_calling(lambda: v.norm2())
    assert v.x == 2  # the mutation happened; the object is usable again
    assert v.norm2() == 5
    with raises_exactly(RuntimeError, "Vector object is already borrowed"):
        hpyrs_classes.read_then_call(v, lambda w: w.scale(2))
    # shared borrows nest fine
    assert hpyrs_classes.read_then_call(v, lambda w: w.norm2()) == 5
    assert hpyrs_classes.sum_x(v, v, hpyrs_classes.Vector(3)) == 7


# ------------------------------------------------------------ lifetime


def test_values_are_dropped(hpyrs_classes):
    collect()
    base = hpyrs_classes.live_vectors()
    # One leaked Vector a call would leave 20000: as clear as more calls,
    # which cost minutes in PyPy's debug mode.
    for i in range(20_000):
        hpyrs_classes.Vector(i, i) + hpyrs_classes.Vector(1, 1)
    collect()
    assert hpyrs_classes.live_vectors() == base


def test_no_growth_over_many_objects(hpyrs_classes):
    def live_objects():
        collect()
        return len(gc.get_objects())

    for _ in range(1000):  # warm up caches
        hpyrs_classes.Vector(1, 2).norm2()
    before = live_objects()
    for i in range(20_000):  # one object a call left behind: 20000, far past the margin
        v = hpyrs_classes.Vector(i, i)
        v.scale(2)
        repr(v)
    after = live_objects()
    assert after - before < 100, (before, after)


def test_gc_collects_cycles_through_fields(hpyrs_classes):
    collect()
    dropped0, finalized0 = hpyrs_classes.node_counts()
    a, b = hpyrs_classes.Node(1), hpyrs_classes.Node(2)
    a.set_next(b)
    b.set_next(a)
    assert a.get_next() is b and b.get_next() is a
    del a, b
    collect()
    dropped, finalized = hpyrs_classes.node_counts()
    assert dropped - dropped0 == 2
    assert finalized - finalized0 == 2
    n = hpyrs_classes.Node(3)
    n.set_next(None)
    assert n.get_next() is None


SHAPES = ["maybe", "pair0", "pair1", "alias", "link"]


@pytest.mark.parametrize("which", SHAPES)
def test_gc_collects_cycles_through_every_field_shape(hpyrs_classes, which):
    # D10: Option<Field>, arrays, aliases and a user struct's Fields are
    # traversed like a plain Field, so a cycle through any of them is
    # collected (and the stored object is seen by the collector).
    collect()
    before = hpyrs_classes.dropped_shapes()
    s = hpyrs_classes.Shapes()
    s.put(which, s)
    assert s.get(which) is s
    t = hpyrs_classes.Shapes()
    s_list = [t]
    t.put(which, s_list)
    assert t.get(which) is s_list
    t.put(which, None)
    assert t.get(which) is None
    del s, t, s_list
    collect()
    assert hpyrs_classes.dropped_shapes() - before == 2


class Tracked:
    """An object whose death can be observed."""


def test_field_moved_out_keeps_its_object_in_the_instance(hpyrs_classes):
    # S1: `mem::take` of a Field moves only the name of its slot: the object
    # stays in the instance (and visible to the GC) until the instance dies,
    # and putting the Field into another object never makes that object use
    # the first one's reference.
    import weakref

    collect()
    a, b = hpyrs_classes.Shapes(), hpyrs_classes.Shapes()
    x, y = Tracked(), Tracked()
    x_ref = weakref.ref(x)
    a.put("alias", x)
    del x
    a.take_out("alias")
    assert a.get("alias") is None
    b.put_back("link")
    assert b.get("link") is None  # names a slot of b's that is empty
    b.put("link", y)
    assert b.get("link") is y
    collect()
    assert x_ref() is not None  # still kept by a
    del a
    collect()
    assert x_ref() is None
    assert b.get("link") is y
    a2 = hpyrs_classes.Shapes()
    a2.put("pair0", y)
    a2.take_out("pair0")
    a2.put_back("pair1")  # moved within the same object: still its slot
    assert a2.get("pair1") is y and a2.get("pair0") is None
    del b, a2
    collect()


def test_field_swap_swaps_objects(hpyrs_classes):
    s = hpyrs_classes.Shapes()
    x, y = object(), object()
    s.put("pair0", x)
    s.put("pair1", y)
    s.swap_pair()
    assert s.get("pair0") is y and s.get("pair1") is x


def test_field_slots_run_out_with_a_clear_error(hpyrs_classes):
    # Replacing a Field that holds an object by a new one keeps the object's
    # slot until the instance dies; the slots (one per declared Field) run
    # out with an error that says so, never a write past the object.
    s = hpyrs_classes.Shapes()
    held = [object() for _ in range(5)]
    for obj in held:
        s.renew_maybe()
        s.put("maybe", obj)
    s.renew_maybe()
    with pytest.raises(hpyrs_classes.PanicException, match="every Field slot"):
        s.put("maybe", object())
    s.put("maybe", None)  # clearing needs no slot
    assert s.get("maybe") is None


def test_constructor_fills_fields(hpyrs_classes):
    Pair = hpyrs_classes.Pair
    x, y = object(), [1, 2]
    p = Pair(x, y)
    assert p.first() is x and p.second() is y and p.tag == 7
    q = p.swapped(False)
    assert q.first() is y and q.second() is x and q.tag == 8
    half = p.swapped(True)
    assert half.first() is y and half.second() is None
    with raises_exactly(TypeError, "Pair() missing 1 required positional argument: 'second'"):
        Pair(x)
    with raises_exactly(hpyrs_classes.PanicException,
                        "Rust panic in misuse(): WithFields::set: the Field is not part of the value"):
        p.misuse()


def test_a_field_set_twice_keeps_the_last_object(hpyrs_classes):
    """`WithFields` has room for as many objects as the class has `Field`
    slots: setting one again replaces its object, whether the builder is
    full (in place: first, second, first) or not (by value: first twice,
    then second), and the replaced object's handle is closed (debug mode
    counts it; CPython, its reference count)."""
    x, y, z = object(), object(), object()
    counts = [sys.getrefcount(o) for o in (x, y, z)] if hasattr(sys, "getrefcount") else None
    for in_place in (True, False):
        p = hpyrs_classes.Pair.set_twice(x, y, z, in_place)
        assert p.first() is z and p.second() is y, in_place
        del p
    if counts is not None and sys.implementation.name == "cpython":
        assert [sys.getrefcount(o) for o in (x, y, z)] == counts


def test_constructor_fields_named_by_another_instance(hpyrs_classes):
    """`WithFields` stores its objects slot by slot, each `Field` renamed to
    its own slot when it is set: `Field`s moved out of another instance
    (whose names are that instance's slots 1 and 2, taken out in the order
    that makes `first` name slot 2 and `second` slot 1) neither share a
    slot nor keep their old names, and setting `first` again replaces its
    object (released: CPython's reference count; debug mode, the handle)."""
    m = hpyrs_classes
    x, y, z = object(), object(), object()
    counts = [sys.getrefcount(o) for o in (x, y, z)] if hasattr(sys, "getrefcount") else None
    for _ in range(3):
        s = m.Shapes()
        s.put("alias", object())  # slot 1
        s.put("pair0", object())  # slot 2
        s.take_out("alias")
        s.take_out("pair0")  # popped first: `first` names slot 2
        p = m.Pair.from_stash(x, y, z)
        assert p.first() is z and p.second() is y and p.tag == 9
        assert s.get("alias") is None and s.get("pair0") is None
        del p, s
        collect()
    if counts is not None and sys.implementation.name == "cpython":
        assert [sys.getrefcount(o) for o in (x, y, z)] == counts


def test_fields_filled_by_the_constructor_are_seen_by_the_gc(hpyrs_classes):
    import weakref

    class Box:
        pass

    for _ in range(3):
        b = Box()
        p = hpyrs_classes.Pair(b, b)
        b.pair = p  # a cycle: b -> p -> (Field) b
        r = weakref.ref(b)
        del b, p
        collect()
        assert r() is None


@pytest.mark.parametrize("make", [
    lambda m, o: m.Cons(o),
    lambda m, o: m.Pair(o, o),
    lambda m, o: m.Tri(o, o, o),
    lambda m, o: m.Pair(o, o).swapped(True),
], ids=["one field", "two fields", "three fields", "a field left empty"])
def test_field_holders_release_their_objects(hpyrs_classes, make):
    """An instance holding objects in Fields, with no Drop of its own,
    releases them when it dies: on CPython at once, by its reference count
    (through hpy_rs_universal such classes get a deallocator compiled for
    their number of field slots); on PyPy at the next collection."""
    import weakref

    class Box:
        pass

    held = [Box() for _ in range(20)]
    refs = [weakref.ref(o) for o in held]
    holders = [make(hpyrs_classes, o) for o in held]
    del held
    assert all(r() is not None for r in refs)
    del holders
    if IS_PYPY:
        collect()
    assert [r() for r in refs] == [None] * len(refs)


# ------------------------------------------------------------ __init__


def test_init_sets_up_the_instance(hpyrs_classes):
    c = hpyrs_classes.Counter(10)
    assert (c.tick(), c.tick(), c.inits) == (11, 12, 1)
    c = hpyrs_classes.Counter(10, step=-5)
    assert c.tick() == 5


def test_init_can_run_again(hpyrs_classes):
    c = hpyrs_classes.Counter(1)
    c.__init__(100, 2)
    assert (c.tick(), c.inits) == (102, 2)


def test_init_argument_errors(hpyrs_classes):
    Counter = hpyrs_classes.Counter
    with raises_exactly(TypeError, "Counter.__init__() missing 1 required positional argument: 'start'"):
        Counter()
    with raises_exactly(TypeError, "Counter.__init__() argument 'start' must be int, not str"):
        Counter("x")
    with raises_exactly(TypeError, "Counter.__init__() got an unexpected keyword argument 'stop'"):
        Counter(1, stop=2)
    with raises_exactly(ValueError, "step must not be zero"):
        Counter(1, 0)


def test_argument_errors_name_the_python_class(hpyrs_classes):
    # Rust `RustCell` and `RustTally` are `cell` and `tally` in Python: as
    # CPython's `int(foo=1)` says `int()`, the errors give the Python name.
    cell, tally = hpyrs_classes.cell, hpyrs_classes.tally
    assert cell(3).value == 3 and tally(4).count == 4
    with raises_exactly(TypeError, "cell() got an unexpected keyword argument 'foo'"):
        cell(foo=1)
    with raises_exactly(TypeError, "cell() missing 1 required positional argument: 'value'"):
        cell()
    with raises_exactly(TypeError, "cell() argument 'value' must be int, not str"):
        cell("x")
    with raises_exactly(TypeError, "tally.__init__() got an unexpected keyword argument 'foo'"):
        tally(foo=1)
    with raises_exactly(TypeError, "tally.__init__() argument 'count' must be int, not str"):
        tally("x")
    with raises_exactly(TypeError, "'hpyrs_classes.cell' object does not support item deletion"):
        del cell(1)[0]


def test_init_of_a_python_subclass(hpyrs_classes):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
                    "Python subclass of an HPy type")

    class Twice(hpyrs_classes.Counter):
        def __init__(self, start):
            super().__init__(start, 2)

    t = Twice(1)
    assert (t.tick(), t.inits) == (3, 1)


def test_class_call_follows_init_and_new_set_from_python(hpyrs_classes):
    """In the CPython ABI a call of a class with a constructor and no
    `__init__` runs the constructor directly (the type's vectorcall); one
    made after `__init__` was set on the class from Python takes
    `type.__call__`, which runs it, with positional and keyword arguments,
    and the direct call comes back once it is gone. (`__new__` is not
    tried: CPython cannot give a class its C constructor back once
    `__new__` was replaced, and the class is shared by the other tests.)"""
    V = hpyrs_classes.Vector
    seen = []

    def init(self, *args, **kwargs):
        seen.append((args, kwargs))

    V.__init__ = init
    try:
        v = V(1, y=2)
        assert (v.x, v.y) == (1, 2)
        assert seen == [((1,), {"y": 2})]
    finally:
        del V.__init__
    assert V(3, y=4).y == 4 and len(seen) == 1

    with raises_exactly(TypeError, "Vector() missing 1 required positional argument: 'x'"):
        V(y=1)


def test_class_call_of_a_python_subclass(hpyrs_classes):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
                    "Python subclass of an HPy type")

    class Scaled(hpyrs_classes.Vector):
        def __init__(self, x, y=0):
            self.sum = x + y

    s = Scaled(1, y=2)
    assert (s.x, s.y, s.sum) == (1, 2, 3)
    with pytest.raises(TypeError):
        Scaled(1, 2, 3)


def test_immutable_type(hpyrs_classes, hpy_mode, hpy_host):
    """`immutable_type`: the class object refuses new or changed attributes
    (Py_TPFLAGS_IMMUTABLETYPE) in the CPython ABI and through
    hpy_rs_universal in every mode (debug mode must not change what a class
    allows); elsewhere HPy has no such flag and the class stays mutable.
    Either way it works as a class."""
    S = hpyrs_classes.Sealed
    assert S(3).doubled() == 6 and S(value=4).value == 4
    assert type(S.unit) is S and S.unit.value == 1
    frozen = not IS_PYPY and (
        hpy_mode == "cpython" or hpy_host.__name__ == "hpy_rs_universal")
    assert bool(S.__flags__ & (1 << 8)) == frozen
    if frozen:
        with pytest.raises(TypeError, match="immutable type"):
            S.extra = 1
        with pytest.raises(TypeError, match="immutable type"):
            S.doubled = None
        with pytest.raises(TypeError, match="immutable type"):
            del S.unit
        assert S(5).doubled() == 10
    else:
        S.extra = 1
        del S.extra


# ------------------------------------------------------------ plain classes
# In the CPython ABI, a class with nothing to drop, no GC, no __del__ and no
# __call__ is "plain": hpy-rs allocates its instances itself and gives the
# type its own tp_dealloc (Counter and Token are plain; Vector has Drop).


def _tp_dealloc(t):
    import ctypes
    # offsetof(PyTypeObject, tp_dealloc): after the var-object header,
    # tp_name, tp_basicsize and tp_itemsize (layout test in hpy-sys).
    return ctypes.c_void_p.from_address(id(t) + 6 * ctypes.sizeof(ctypes.c_void_p)).value


def test_plain_classes_are_marked(hpyrs_classes, hpy_mode):
    if IS_PYPY or hpy_mode != "cpython":
        pytest.skip("plain classes are a CPython-ABI allocation path")
    m = hpyrs_classes
    assert _tp_dealloc(m.Counter) == _tp_dealloc(m.Token)
    assert _tp_dealloc(m.Vector) != _tp_dealloc(m.Counter)  # has Drop
    assert _tp_dealloc(m.Node) != _tp_dealloc(m.Counter)  # has __del__

    class Sub(m.Counter):
        pass

    assert _tp_dealloc(Sub) != _tp_dealloc(m.Counter)  # CPython's subtype_dealloc


def test_simple_classes_are_marked(hpyrs_classes, hpy_mode):
    """A class Python cannot subclass, with fields or Drop but no finalizer
    (Shapes), gets a tp_dealloc of its own on the CPython ABI; a
    subclassable one (Vector) and one with __del__ (Node) keep HPy's."""
    if IS_PYPY or hpy_mode != "cpython":
        pytest.skip("simple classes are a CPython-ABI deallocation path")
    m = hpyrs_classes
    generic = _tp_dealloc(m.Vector)
    assert _tp_dealloc(m.Node) == generic
    assert _tp_dealloc(m.Shapes) not in (generic, _tp_dealloc(m.Counter))


def test_simple_instances_release_everything(hpyrs_classes):
    # Shapes is a simple class on the CPython ABI (its own tp_dealloc):
    # the value is dropped, the fields and the type are released.
    m = hpyrs_classes
    held = [object() for _ in range(50)]

    def fill():
        shapes = [m.Shapes() for _ in range(50)]
        for i in range(50):
            shapes[i].put("pair1", held[i])
        return shapes

    # Once first, so that whatever the interpreter caches on the way is
    # there before counting.
    fill()
    collect()
    ty_before = None if IS_PYPY else sys.getrefcount(m.Shapes)
    held_before = None if IS_PYPY else [sys.getrefcount(o) for o in held]
    dropped = m.dropped_shapes()
    shapes = fill()
    # Counted outside the asserts: pytest's rewritten asserts keep their
    # operands in variables of their own.
    if not IS_PYPY:
        ty_now, held_now = sys.getrefcount(m.Shapes), [sys.getrefcount(o) for o in held]
        assert ty_now == ty_before + 50
        assert held_now == [n + 1 for n in held_before]
    del shapes
    collect()
    assert m.dropped_shapes() - dropped == 50
    if not IS_PYPY:
        ty_now, held_now = sys.getrefcount(m.Shapes), [sys.getrefcount(o) for o in held]
        assert ty_now == ty_before
        assert held_now == held_before


def test_plain_instances_hold_their_type_and_data(hpyrs_classes):
    Counter = hpyrs_classes.Counter
    counters = [Counter(i, step=i + 1) for i in range(200)]
    tokens = [hpyrs_classes.make_token(i) for i in range(200)]
    assert [c.tick() for c in counters] == [2 * i + 1 for i in range(200)]
    assert [t.id for t in tokens] == list(range(200))
    if not IS_PYPY:
        before = sys.getrefcount(Counter)
        more = [Counter(1) for _ in range(50)]
        assert sys.getrefcount(Counter) == before + 50
        del more
        assert sys.getrefcount(Counter) == before


def test_python_subclass_of_a_plain_class_is_freed(hpyrs_classes):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
                    "Python subclass of an HPy type")
    import weakref

    class Sub(hpyrs_classes.Counter):
        pass

    s = Sub(5)
    s.extra = "in the instance dict"
    dead = []
    r = weakref.ref(s, lambda _: dead.append(True))
    assert (s.tick(), s.extra) == (6, "in the instance dict")
    before = sys.getrefcount(Sub)
    del s
    collect()
    assert r() is None and dead == [True]
    assert sys.getrefcount(Sub) == before - 1


# ------------------------------------------------------------ Rust subclasses (extends)


def test_rust_subclass_has_both_parts(hpyrs_classes):
    m = hpyrs_classes
    d = m.Dog("sit")
    assert isinstance(d, m.Animal) and issubclass(m.Dog, m.Animal)
    assert d.describe() == " (0 legs)"  # the Animal part starts as Default
    d.setup("Rex", 4)
    d.learn("roll")
    assert d.describe() == "Rex (4 legs)" and d.tricks() == ["sit", "roll"]
    d.rename("Max")
    d.legs = 3
    assert (d.describe(), d.legs, d.good) == ("Max (3 legs)", 3, True)
    d.good = False
    assert d.good is False and d.tricks() == ["sit", "roll"]


def test_rust_subclass_two_levels(hpyrs_classes):
    m = hpyrs_classes
    p = m.Puppy()
    assert isinstance(p, m.Dog) and isinstance(p, m.Animal) and p.is_puppy()
    p.setup("Bit", 4)
    p.learn("wag")
    assert (p.describe(), p.tricks(), p.good) == ("Bit (4 legs)", ["wag"], False)


def test_rust_subclass_drops_every_part(hpyrs_classes):
    m = hpyrs_classes
    gc.collect()  # PyPy frees earlier tests' objects only when collecting
    before = m.dropped_animals()
    for _ in range(1000):
        m.Dog("x").setup("y", 1)
        m.Puppy()
    gc.collect()
    assert m.dropped_animals() - before == 2000


def test_rust_subclass_cycle_through_inherited_field(hpyrs_classes):
    m = hpyrs_classes
    gc.collect()
    before = m.dropped_animals()
    d = m.Dog("x")
    d.befriend(d)  # a cycle through the Animal part's Field
    del d
    assert m.dropped_animals() == before  # only the collector can free it
    gc.collect()
    assert m.dropped_animals() == before + 1


def test_rust_subclass_base_methods_refuse_other_types(hpyrs_classes):
    with pytest.raises(TypeError):
        hpyrs_classes.Animal.describe(hpyrs_classes.Vector(1, 2))


def test_python_subclass_of_rust_subclass(hpyrs_classes):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
                    "Python subclass of an HPy type")

    class Pet(hpyrs_classes.Dog):
        def intro(self):
            return self.describe() + " knows " + ", ".join(self.tricks())

    p = Pet("fetch")
    p.setup("Odie", 4)
    assert p.intro() == "Odie (4 legs) knows fetch"
    gc.collect()
    before = hpyrs_classes.dropped_animals()
    del p
    gc.collect()
    assert hpyrs_classes.dropped_animals() == before + 1


def test_rust_subclass_constructor_sets_the_parent(hpyrs_classes):
    m = hpyrs_classes
    c = m.Cat("Tom")
    assert (c.describe(), c.lives, c.legs) == ("Tom (4 legs)", 9, 4)
    assert m.Cat("Felix", lives=3).lives == 3
    with raises_exactly(ValueError, "a cat has at least one life"):
        m.Cat("Nope", 0)
    gc.collect()
    before = m.dropped_animals()
    del c
    gc.collect()
    assert m.dropped_animals() == before + 1


def test_class_attributes(hpyrs_classes):
    V = hpyrs_classes.Vector
    assert V.dimensions == 2 and V(1, 2).dimensions == 2
    assert isinstance(V.zero, V) and (V.zero.x, V.zero.y) == (0, 0)
    assert V.axes == ("x", "y")
    assert "dimensions" in V.__dict__


# ------------------------------------------------------------ hpy-sys's CPython runtime
# CPython ABI only: hpy-sys marks the types it creates with bit 21 of
# tp_flags and keeps their HPy data in a block that replaces the type's own
# name buffer (see hpy-sys/DESIGN.md). The universal ABI goes through
# hpy.universal's runtime instead.

HPY_TYPE_FLAG = 1 << 21


def _cpython_abi_only(hpy_mode):
    if IS_PYPY or hpy_mode != "cpython":
        pytest.skip("tests hpy-sys's own CPython-ABI runtime")


def test_hpy_types_are_marked_and_python_subclasses_are_not(hpyrs_classes, hpy_mode):
    _cpython_abi_only(hpy_mode)
    m = hpyrs_classes
    for cls in (m.Vector, m.Counter, m.Meta, m.WithMeta):
        assert cls.__flags__ & HPY_TYPE_FLAG, cls

    class Sub(m.Vector):
        pass

    assert not Sub.__flags__ & HPY_TYPE_FLAG
    assert not int.__flags__ & HPY_TYPE_FLAG


def test_renamed_class_keeps_its_hpy_data(hpyrs_classes, hpy_mode):
    # Renaming repoints tp_name; hpy-sys finds the class's destructor and
    # shape through the buffer it installed, not through tp_name (HPy 0.9.0
    # reads them from tp_name, and loses them).
    _cpython_abi_only(hpy_mode)
    m = hpyrs_classes
    old = m.Vector.__name__
    collect()
    base = m.live_vectors()
    m.Vector.__name__ = "RenamedVector"
    try:
        v = m.Vector(3, 4)
        assert type(v).__name__ == "RenamedVector"
        assert v.norm2() == 25
        del v
        collect()
        assert m.live_vectors() == base  # its Drop ran through tp_destroy
    finally:
        m.Vector.__name__ = old
    assert repr(m.Vector).endswith(".Vector'>")
