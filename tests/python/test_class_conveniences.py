"""Static and class methods, and #[hpy_class(eq, ord, hash, frozen, str)],
through tests/ext/hpyrs_conveniences; also a class without #[hpy_methods]
and `types:` listing a subclass before its parent."""

import inspect
import pydoc
import sys

import pytest
from hpyrs_helpers import raises_exactly

IS_PYPY = sys.implementation.name == "pypy"

SUBCLASS_WITH_DESTROY = (
    "PyPy 7.3.19 aborts (RPython AssertionError) when it collects an instance of a "
    "Python subclass of an HPy type with tp_destroy (Samples holds a Vec)")


# ------------------------------------------------------------ static methods


def test_static_methods_on_class_and_instance(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    assert S.version() == "1.0"
    assert S().version() == "1.0"
    assert S.add(2, 3) == 5
    assert S().add(2, 3) == 5
    assert S.double(21) == 42
    assert S.count() == 0
    assert S.count(1, "a", None) == 3
    assert S.nothing() is None
    assert not hasattr(S, "none_at_all")


def test_static_method_signature_option(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    assert S.scaled(1.0) == (1.0 + 10.0) * 1.5
    assert S.scaled(1.0, 3.0) == 6.0
    assert S.scaled(1.0, y=3.0, scale=2.0) == 8.0
    with raises_exactly(TypeError, "scaled() got some positional-only arguments passed as "
                                   "keyword arguments: 'x'"):
        S.scaled(x=1.0)
    with raises_exactly(TypeError, "scaled() takes from 1 to 2 positional arguments but 3 "
                                   "were given"):
        S.scaled(1.0, 2.0, 3.0)


def test_static_method_argument_errors(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    with pytest.raises(TypeError):
        S.add(1)
    with pytest.raises(TypeError):
        S.add(1, 2, 3)
    with raises_exactly(TypeError, "add() argument 'a' must be int, not str"):
        S.add("1", 2)
    with pytest.raises(TypeError):
        S.version(1)
    with pytest.raises(TypeError):
        S.double()


def test_static_method_errors_and_panics(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    with raises_exactly(ValueError, "static failure"):
        S.fails()
    with pytest.raises(hpyrs_conveniences.PanicException, match="static panic"):
        S.panics()
    # The module still works.
    assert S.version() == "1.0"


def test_static_method_beside_module_function(hpyrs_conveniences):
    assert hpyrs_conveniences.version() == "module"
    assert hpyrs_conveniences.Samples.version() == "1.0"


def test_wrapped_in_the_builtins(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    assert isinstance(S.__dict__["version"], staticmethod)
    assert isinstance(S.__dict__["from_list"], classmethod)


# ------------------------------------------------------------- class methods


def test_class_method_makes_an_instance(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    s = S.from_list([1.0, 2.0, 6.0])
    assert type(s) is S
    assert len(s) == 3 and s.mean() == 3.0
    assert len(S().from_list([1.0])) == 1
    with raises_exactly(TypeError, "from_list() missing 1 required positional argument: 'xs'"):
        S.from_list()
    with pytest.raises(TypeError):
        S.from_list([1.0], 2)
    with pytest.raises(TypeError):
        S.from_list(["x"])


def test_class_method_receives_the_class(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    assert S.class_name() == "Samples"
    assert S().class_name() == "Samples"
    assert S.build() == ("Samples", "none", 0)
    assert S.build(1, 2, 3, label="x") == ("Samples", "x", 3)
    with raises_exactly(TypeError, "build() got an unexpected keyword argument 'other'"):
        S.build(other=1)
    assert S.scaled_mean([1.0, 3.0]) == 2.0
    assert S.scaled_mean(xs=[1.0, 3.0], factor=3.0) == 6.0
    with pytest.raises(TypeError):
        S.scaled_mean()


def test_class_method_in_python_subclass(hpyrs_conveniences):
    Animal = hpyrs_conveniences.Animal

    class Cat(Animal):
        pass

    assert Cat.kind() == "Cat"
    assert Cat(4).kind() == "Cat"
    assert Cat.kingdom() == "animalia"
    assert Animal.kind() == "Animal"


def test_class_method_calls_the_subclass(hpyrs_conveniences):
    if IS_PYPY:
        pytest.skip(SUBCLASS_WITH_DESTROY)
    S = hpyrs_conveniences.Samples

    class Sub(S):
        pass

    assert Sub.class_name() == "Sub"
    made = Sub.make(3)
    assert type(made) is Sub and len(made) == 3 and made.mean() == 1.0
    assert Sub.build(1, label="y") == ("Sub", "y", 1)
    # Returning `Self` makes an instance of the Rust class itself.
    assert type(Sub.from_list([1.0])) is S


def test_rust_subclass_inherits(hpyrs_conveniences):
    m = hpyrs_conveniences
    assert m.Dog.kind() == "Dog"
    assert m.Dog().kind() == "Dog"
    assert m.Dog.kingdom() == "animalia"


def test_class_method_function_needs_the_class(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    function = S.__dict__["build"].__func__
    with raises_exactly(TypeError, "build() is a class method: it takes the class as its "
                                   "first argument"):
        function()
    assert function(S, 1) == ("Samples", "none", 1)


# ------------------------------------------------------- help and signatures


def test_signatures(hpyrs_conveniences):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 has no text signatures for HPy methods")
    S = hpyrs_conveniences.Samples
    # Named parameters without a `signature` take keywords (no `/`).
    expected = {
        "version": "()",
        "add": "(a, b)",
        "double": "(x)",
        "scaled": "(x, /, y=10.0, *, scale=1.5)",
        "count": "(*args)",
        "nothing": "()",
        "from_list": "(xs)",
        "class_name": "()",
        "make": "(n)",
        "build": "(*values, label='none')",
        "scaled_mean": "(xs, factor=None)",
    }
    for name, sig in expected.items():
        assert str(inspect.signature(getattr(S, name))) == sig, name
        assert str(inspect.signature(getattr(S(), name))) == sig, name
    assert str(inspect.signature(hpyrs_conveniences.Version.parse)) == "(text)"


def test_names_and_docs(hpyrs_conveniences):
    S = hpyrs_conveniences.Samples
    assert S.version.__doc__ == "The version of the format."
    assert S.from_list.__doc__ == "The samples in `xs` (an instance of this class, not of `cls`)."
    if not IS_PYPY:
        # As for CPython's own static and class methods of builtin types
        # (e.g. `dict.fromkeys`), the qualified name is the plain name.
        assert S.version.__name__ == S.version.__qualname__ == "version"
        assert S.from_list.__name__ == S.from_list.__qualname__ == "from_list"


def test_help(hpyrs_conveniences):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 has no text signatures for HPy methods")
    text = pydoc.render_doc(hpyrs_conveniences.Samples, renderer=pydoc.plaintext)
    static = text[text.index("Static methods defined here"):]
    classm = text[text.index("Class methods defined here"):text.index("Static methods")]
    assert " |  version()\n |      The version of the format." in static
    assert "method of" not in static
    assert "scaled(x, /, y=10.0, *, scale=1.5)" in static
    assert "from_list(xs)" in classm
    assert "build(*values, label='none')" in classm


# ----------------------------------------------------- no #[hpy_methods]


def test_class_without_methods_block(hpyrs_conveniences):
    m = hpyrs_conveniences
    with raises_exactly(TypeError, "cannot create 'hpyrs_conveniences.Bare' instances"):
        m.Bare()
    b = m.Samples.bare(3)
    assert type(b) is m.Bare
    assert (b.x, b.y) == (3, 1.5)
    b.x = 7
    assert b.x == 7
    with pytest.raises(AttributeError):
        b.y = 1.0
    assert m.Bare.__module__ == "hpyrs_conveniences"


# ------------------------------------------------------ derived dunders


def test_eq_ord_hash_str(hpyrs_conveniences):
    V = hpyrs_conveniences.Version
    a, b, c = V(1, 2), V(1, 2), V(1, 3)
    assert a == b and not (a != b)
    assert a != c and not (a == c)
    assert a < c and a <= c and c > a and c >= a and a <= b and a >= b
    assert not (c < a)
    assert hash(a) == hash(b)
    assert len({a, b, c}) == 2
    assert {a: "x"}[b] == "x"
    assert str(a) == "v1.2"
    assert repr(a).startswith("<hpyrs_conveniences.Version object")
    assert a.bumped() == c
    assert a.text() == "v1.2"
    assert V.parse("3.4") == V(3, 4)
    with raises_exactly(ValueError, "expected MAJOR.MINOR"):
        V.parse("34")


def test_comparing_with_other_types(hpyrs_conveniences):
    V = hpyrs_conveniences.Version
    a = V(1, 2)
    assert a != 5 and not (a == 5)
    assert a != "v1.2"
    with pytest.raises(TypeError):
        a < 5
    with pytest.raises(TypeError):
        5 >= a


def test_frozen_members_are_readonly(hpyrs_conveniences):
    a = hpyrs_conveniences.Version(1, 2)
    assert (a.major, a.minor) == (1, 2)
    with pytest.raises(AttributeError):
        a.major = 3
    assert a.major == 1


def test_eq_alone_is_unhashable_and_unordered(hpyrs_conveniences):
    m = hpyrs_conveniences
    p, q = m.Samples.point(1, 2), m.Samples.point(1, 2)
    assert p == q and not (p != q)
    assert p != m.Samples.point(2, 1)
    assert m.Point.__hash__ is None
    with pytest.raises(TypeError, match="unhashable"):
        hash(p)
    with pytest.raises(TypeError):
        p < q
    p.x = 5
    assert p != q


def test_eq_with_handwritten_hash(hpyrs_conveniences):
    Tag = hpyrs_conveniences.Tag
    assert Tag("abc") == Tag("abc") and Tag("abc") != Tag("abd")
    assert hash(Tag("abc")) == 3
    assert len({Tag("abc"), Tag("abc"), Tag("x")}) == 2


def test_str_alone(hpyrs_conveniences):
    g = hpyrs_conveniences.Greeting("you")
    assert str(g) == "hello, you"
    assert repr(g) == 'Greeting("you")'
    assert f"{g}!" == "hello, you!"
    assert hash(g) == hash(g)  # no comparison: hashable by identity


# ----------------------------------------------------------- types: order


def test_subclass_listed_before_parent(hpyrs_conveniences):
    m = hpyrs_conveniences
    d = m.Dog()
    assert isinstance(d, m.Animal)
    assert (d.legs, d.good) == (4, True)
    assert m.Dog.__mro__[1] is m.Animal
