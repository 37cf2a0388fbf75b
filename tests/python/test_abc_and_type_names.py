"""`hpy::Abc` (registering a class with a `collections.abc` interface,
testing against one) and `Handle::type_qualified_name` (the dotted type
name CPython's messages use), through hpyrs_conveniences."""

import collections
import collections.abc
import decimal
import sys

import pytest


def test_every_name_is_a_collections_abc_class(hpyrs_conveniences):
    m = hpyrs_conveniences
    names = m.abc_names()
    assert len(names) == len(set(names)) == 24
    for name in names:
        assert m.abc_class(name) is getattr(collections.abc, name), name


def test_registered_in_exec(hpyrs_conveniences):
    m = hpyrs_conveniences
    t = m.Tag("a")
    assert issubclass(m.Tag, collections.abc.Sequence)
    assert isinstance(t, collections.abc.Sequence)
    assert m.abc_is_instance("Sequence", t)
    # Registration is per interface and per class: Tag is no Mapping, and
    # Greeting (not registered) is no Sequence.
    assert not m.abc_is_instance("Mapping", t)
    assert not issubclass(m.Greeting, collections.abc.Sequence)


def test_register_a_python_class(hpyrs_conveniences):
    m = hpyrs_conveniences

    class Bag:
        pass

    assert not isinstance(Bag(), collections.abc.MutableSet)
    m.abc_register("MutableSet", Bag)
    assert isinstance(Bag(), collections.abc.MutableSet)
    assert isinstance(Bag(), collections.abc.Set)
    assert m.abc_is_instance("Set", Bag())


def test_is_instance_uses_subclass_hooks(hpyrs_conveniences):
    m = hpyrs_conveniences
    assert m.abc_is_instance("Mapping", {})
    assert m.abc_is_instance("Sized", [1])
    assert m.abc_is_instance("Iterable", iter(()))
    assert m.abc_is_instance("Hashable", 1)
    assert not m.abc_is_instance("Hashable", [])
    assert not m.abc_is_instance("Sequence", {1})


def test_register_errors(hpyrs_conveniences):
    m = hpyrs_conveniences
    with pytest.raises(TypeError) as got:
        m.abc_register("Mapping", 3)
    with pytest.raises(TypeError) as expected:
        collections.abc.Mapping.register(3)
    assert str(got.value) == str(expected.value)
    with pytest.raises(ValueError, match="no collections.abc.Nope"):
        m.abc_register("Nope", dict)


class Local:
    class Inner:
        pass


def test_qualified_type_names(hpyrs_conveniences):
    m = hpyrs_conveniences
    name = m.type_qualified_name
    # Extension types: CPython's tp_name, as its messages spell it.
    assert name(m.Tag("a")) == "hpyrs_conveniences.Tag"
    assert name(decimal.Decimal(1)) == "decimal.Decimal"
    assert name(collections.OrderedDict()) == "collections.OrderedDict"
    # Builtins: the bare name.
    assert name(1) == "int"
    assert name(None) == "NoneType"
    assert name(int) == "type"
    # Classes defined in Python: module and qualified name.
    assert name(Local.Inner()) == f"{__name__}.Local.Inner"


def test_qualified_name_matches_cpython_messages(hpyrs_conveniences):
    if sys.implementation.name != "cpython":
        pytest.skip("PyPy's own messages name types by __name__ ('Tag'); "
                    "type_qualified_name follows CPython's tp_name")
    m = hpyrs_conveniences
    t = m.Tag("a")
    with pytest.raises(TypeError) as expected:
        t < 1
    assert f"'{m.type_qualified_name(t)}' and 'int'" in str(expected.value)
