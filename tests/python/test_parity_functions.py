"""examples/parity, functions (issue 24, items 5-11): keyword arguments by
default, derived conversions, module constants, calls with Rust tuples, a
cached import and interned names, text signatures, Python called from a
Rust thread."""

import fractions
import inspect
import re
import sys
from types import SimpleNamespace

import pytest

IS_PYPY = sys.implementation.name == "pypy"


# ---- 5. keywords by default ----

def test_scale_positional_and_keywords(parity):
    assert parity.scale(3.0) == 6.0
    assert parity.scale(3.0, 3.0) == 9.0
    assert parity.scale(value=3.0, factor=3.0) == 9.0
    assert parity.scale(3.0, factor=0.5) == 1.5


def test_scale_wrong_calls(parity):
    with pytest.raises(TypeError, match=r"^scale\(\) got an unexpected keyword argument 'bogus'$"):
        parity.scale(1.0, bogus=2)
    with pytest.raises(TypeError, match=r"^scale\(\) got multiple values for argument 'value'$"):
        parity.scale(1.0, value=2.0)
    with pytest.raises(TypeError, match=r"^scale\(\) missing 1 required positional argument: 'value'$"):
        parity.scale(factor=2.0)
    with pytest.raises(TypeError, match=r"^scale\(\) takes from 1 to 2 positional arguments but 3 were given$"):
        parity.scale(1.0, 2.0, 3.0)


# ---- 6. derived conversions ----

def test_norm_from_attributes(parity):
    assert parity.norm_attrs(SimpleNamespace(x=3.0, y=4.0)) == 5.0
    assert parity.norm_attrs(SimpleNamespace(x=3, y=4, z="ignored")) == 5.0


def test_norm_from_items(parity):
    assert parity.norm_items({"x": 3.0, "y": 4.0}) == 5.0


def test_missing_attribute_names_the_field(parity):
    with pytest.raises(AttributeError, match=r"^Point\.y: cannot read attribute 'y' \(.*'y'.*\)$"):
        parity.norm_attrs(SimpleNamespace(x=3.0))


def test_missing_key_names_the_field(parity):
    with pytest.raises(KeyError, match=r"Point(Items)?\.y: cannot read item 'y'"):
        parity.norm_items({"x": 3.0})


def test_wrong_field_type_names_the_field(parity):
    with pytest.raises(TypeError, match=r"'p\.x' must be float, not str"):
        parity.norm_attrs(SimpleNamespace(x="3", y=4.0))


def test_make_point_is_a_dict(parity):
    assert parity.make_point(1.0, 2.0) == {"x": 1.0, "y": 2.0}
    assert type(parity.make_point(1.0, 2.0)) is dict


def test_enum_first_variant_that_matches(parity):
    assert parity.describe(7) == "int 7"
    assert parity.describe(2.5) == "float 2.5"
    assert parity.describe(1 + 2j) == "complex 1+2j"
    assert parity.describe("hi") == "text hi"


def test_enum_no_variant_lists_the_reasons(parity):
    with pytest.raises(TypeError, match=r"^no variant of Number matches \(Int: .*; Float: .*; "
                                        r"Complex: .*; Text: .*\)$"):
        parity.describe([])


# ---- 7. module constants ----

def test_constants(parity):
    assert parity.ANSWER == 42
    assert parity.NAME == "parity"


# ---- 8. calls with Rust tuples ----

def test_apply(parity):
    assert parity.apply(lambda a, b: (a, b), 1, "x") == (1, "x")
    assert parity.apply(pow, 2, 10) == 1024
    with pytest.raises(ZeroDivisionError):
        parity.apply(divmod, 1, 0)


def test_method_call_with_interned_name(parity):
    assert parity.upper("abc") == "ABC"
    assert parity.upper("déjà") == "DÉJÀ"
    with pytest.raises(AttributeError):
        parity.upper(3)


def test_keyword_call(parity):
    assert parity.sort_desc([3, -5, 1], abs) == [-5, 3, 1]
    assert parity.sort_desc(["bb", "a", "ccc"], len) == ["ccc", "bb", "a"]


# ---- 9. a cached import ----

def test_half(parity):
    h = parity.half()
    assert h == fractions.Fraction(1, 2)
    assert type(h) is fractions.Fraction
    assert type(parity.half()) is type(h)


# ---- 10. text signatures ----

def test_custom_sig(parity):
    assert parity.custom_sig(1) == 1
    assert parity.custom_sig(1, y=2) == 3
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 gives HPy functions no __text_signature__ (docs/signatures.md)")
    assert str(inspect.signature(parity.custom_sig)) == "(x, y=None)"


def test_default_signature_shows_keywords(parity):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 gives HPy functions no __text_signature__ (docs/signatures.md)")
    assert str(inspect.signature(parity.scale)) == "(value, factor=None)"


# ---- 11. Python called from a Rust thread ----

def test_call_from_thread(parity, hpy_mode, hpy_host):
    import threading

    seen = []

    def f():
        seen.append(threading.get_ident())
        return [1, 2, 3]

    supported = hpy_mode == "cpython" or (
        not IS_PYPY and getattr(hpy_host, "__name__", "") == "hpy_rs_universal")
    if not supported:
        with pytest.raises(NotImplementedError, match="HPy 0.9"):
            parity.call_from_thread(f)
        return
    assert parity.call_from_thread(f) == [1, 2, 3]
    assert seen and seen[0] != threading.get_ident()
    with pytest.raises(ZeroDivisionError):
        parity.call_from_thread(lambda: 1 / 0)
