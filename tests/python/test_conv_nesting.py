"""Conversions that recurse into a value's parts stop at a bound: a
container that contains itself, or data nested 10**5 deep, raises
RecursionError in both directions (Python to Rust and back) instead of
overflowing the C stack, in every mode; data nested less than the bound
(128 containers, serde_json's: PyPy's C stack holds about 250 levels of a
debug build) still converts.

hpyrs_features's nesting.rs: `Serde<serde_json::Value>` (a recursive
Deserialize and Serialize type) and a derived FromHPy/IntoHPy `Tree` whose
children are Trees."""

import pytest

DEEP = 10**5
BOUND = 128  # the most levels that convert: one a list, dict or Tree
TOO_DEEP = "maximum recursion depth exceeded while converting .more than 128 nested"


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
    for depth in (BOUND + 1, DEEP):
        with pytest.raises(RecursionError, match=TOO_DEEP):
            hpyrs_features.serde_json_value(make(depth))
    # At the bound: converted both ways.
    value = make(BOUND)
    assert hpyrs_features.serde_json_value(value) == value


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_serde_deep_to_python(hpyrs_features, kind):
    for depth in (BOUND + 1, DEEP):
        with pytest.raises(RecursionError, match=TOO_DEEP):
            hpyrs_features.serde_nested(kind, depth)
    make = nested_lists if kind == "list" else nested_dicts
    assert hpyrs_features.serde_nested(kind, BOUND) == make(BOUND)


def test_derived_cycle_from_python(hpyrs_features):
    t = {"label": 1, "children": []}
    t["children"].append(t)
    with pytest.raises(RecursionError, match=TOO_DEEP):
        hpyrs_features.tree_size(t)


def test_derived_deep_from_python(hpyrs_features):
    for depth in (BOUND + 1, DEEP):
        with pytest.raises(RecursionError, match=TOO_DEEP):
            hpyrs_features.tree_size(tree(depth))
    assert hpyrs_features.tree_size(tree(BOUND)) == BOUND


def test_derived_deep_to_python(hpyrs_features):
    for depth in (BOUND + 1, DEEP):
        with pytest.raises(RecursionError, match=TOO_DEEP):
            hpyrs_features.tree_chain(depth)
    assert hpyrs_features.tree_chain(BOUND) == tree(BOUND)
