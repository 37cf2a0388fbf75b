"""The macros' `crate = "..."` option (`crate:` in `hpy_module!`).

`hpyrs_reexport` has no dependency called `hpy`: it reaches hpy as
`hpy_reexport` (a renamed dependency) and through `crate::sdk::hpy` (a
re-export), so it only builds if every path the expansions emit starts with
the given path. These tests check that what it builds also works.
"""

import pytest


def test_function(hpyrs_reexport):
    assert hpyrs_reexport.double(21) == 42
    with pytest.raises(TypeError):
        hpyrs_reexport.double("x")


def test_module_doc(hpyrs_reexport):
    assert hpyrs_reexport.__doc__ == "Reaches hpy through the `crate` option only."


def test_class(hpyrs_reexport):
    g = hpyrs_reexport.Greeter("Ada")
    assert type(g).__module__ == "hpyrs_reexport"
    assert g.greet() == "Hello, Ada!"
    assert g.greet("?") == "Hello, Ada?"
    assert g.count == 2
    g.count = 10
    assert g.count == 10
    assert g.name == "Ada"
    assert g.shout == "ADA"
    assert len(g) == 3
    assert hpyrs_reexport.Greeter.default_name() == "world"
    with pytest.raises(TypeError):
        hpyrs_reexport.Greeter()
