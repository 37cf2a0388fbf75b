"""Conversions that recurse into a value's parts stop at a bound: a
container that contains itself, or data nested 10**5 deep, raises
RecursionError in both directions (Python to Rust and back) instead of
overflowing the C stack, in every mode; data nested less than the bound
(1000 containers, CPython's default recursion limit) still converts.

hpyrs_features's nesting.rs: `Serde<serde_json::Value>` (a recursive
Deserialize and Serialize type) and a derived FromHPy/IntoHPy `Tree` whose
children are Trees."""

import pytest

DEEP = 10**5
TOO_DEEP = "maximum recursion depth exceeded while converting"


def nested_lists(depth):
    value = None
    for _ in range(depth):
        value = [value]
    return value


def nested_dicts(depth, key="a"):
    value = None
    for _ in range(depth):
        value = {key: value}
    return value


def tree(depth):
    t = {"label": depth, "children": []}
    for label in range(depth - 1, 0, -1):
        t = {"label": label, "children": [t]}
    return t


def self_containing_list():
    a = []
    a.append(a)
    return a


def self_containing_dict():
    d = {}
    d["a"] = d
    return d


@pytest.mark.parametrize("make", [self_containing_list, self_containing_dict],
                         ids=["list", "dict"])
def test_serde_cycle_from_python(hpyrs_features, make):
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.serde_json_value(make())


@pytest.mark.parametrize("make", [nested_lists, nested_dicts], ids=["list", "dict"])
def test_serde_deep_from_python(hpyrs_features, make):
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.serde_json_value(make(DEEP))
    # Under the bound: converted both ways.
    value = make(500)
    assert hpyrs_features.serde_json_value(value) == value


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_serde_deep_to_python(hpyrs_features, kind):
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.serde_nested(kind, DEEP)
    make = nested_lists if kind == "list" else nested_dicts
    assert hpyrs_features.serde_nested(kind, 500) == make(500)


def test_derived_cycle_from_python(hpyrs_features):
    t = {"label": 1, "children": []}
    t["children"].append(t)
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.tree_size(t)


def test_derived_deep_from_python(hpyrs_features):
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.tree_size(tree(DEEP))
    assert hpyrs_features.tree_size(tree(500)) == 500


def test_derived_deep_to_python(hpyrs_features):
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.tree_chain(DEEP)
    # 300 trees are 600 containers (a dict and a list each): == compares
    # them within CPython's own recursion limit.
    t = hpyrs_features.tree_chain(300)
    assert t == tree(300)
