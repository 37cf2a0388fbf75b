"""Keyword sets (`#[derive(FromKeywords)]` + `#[hpy(keywords)]`) and
`alias = "..."`, through tests/ext/hpyrs_test (its keywords.rs).

A set's fields must behave exactly as the same parameters written out one
by one: `cost_set` takes the set `Three { a, b, c }` (all `Option<i64>`),
`cost_plain` the same three parameters written out, and every call below,
good or bad, gives the same outcome from both (the messages with the
function's name swapped)."""

import inspect
import sys
from pathlib import Path

import pytest

IS_PYPY = sys.implementation.name == "pypy"

STYLE = "width=2 bold=true label=None fill=-"

# Calls of `f(*args, **kwargs)`, valid and not, for the twin comparison.
CALLS = [
    ((), {}),
    ((1,), {}),
    ((1, 2, 3), {}),
    ((), {"c": 7}),
    ((5,), {"b": 6}),
    ((1, 2, 3, 4), {}),
    ((1,), {"a": 2}),
    ((), {"d": 1}),
    ((), {"a": "x"}),
    ((), {"a": 2**70}),
    ((1.5,), {}),
    ((), {"a": None, "b": None}),
    ((), {"a": 1, "b": 2, "c": 3, "e": 4}),
]


def _outcome(f, args, kwargs, name):
    try:
        return ("ok", f(*args, **kwargs))
    except Exception as e:  # the outcome is compared, whatever it is
        return ("error", type(e).__name__, str(e).replace(name, "FUNC"))


@pytest.mark.parametrize("args,kwargs", CALLS)
def test_set_behaves_as_parameters_written_out(hpyrs_test, args, kwargs):
    plain = _outcome(hpyrs_test.cost_plain, args, kwargs, "cost_plain")
    as_set = _outcome(hpyrs_test.cost_set, args, kwargs, "cost_set")
    assert as_set == plain


def test_twin_calls_cover_values_and_errors(hpyrs_test):
    kinds = {_outcome(hpyrs_test.cost_set, a, k, "cost_set")[0] for a, k in CALLS}
    assert kinds == {"ok", "error"}


def test_defaults_positional_and_keyword(hpyrs_test):
    m = hpyrs_test
    assert m.kw_render(1) == f"obj=1 {STYLE}"
    assert m.kw_render(1, 3, False, "x", [1]) == "obj=1 width=3 bold=false label=Some(\"x\") fill=[1]"
    assert m.kw_render(obj=1, fill=None, label="y") == \
        "obj=1 width=2 bold=true label=Some(\"y\") fill=-"
    # `bold` is read by truth (a FromHPy of the test's own), its default a
    # Rust expression.
    assert m.kw_render(1, bold=[]) == "obj=1 width=2 bold=false label=None fill=-"


def test_wrong_calls_raise_the_usual_errors(hpyrs_test):
    m = hpyrs_test
    with pytest.raises(TypeError, match=r"kw_render\(\) got an unexpected keyword argument 'nope'"):
        m.kw_render(1, nope=1)
    with pytest.raises(TypeError, match=r"kw_render\(\) got multiple values for argument 'width'"):
        m.kw_render(1, 2, width=3)
    with pytest.raises(TypeError, match=r"kw_render\(\) argument 'width' must be int, not str"):
        m.kw_render(1, width="x")
    with pytest.raises(TypeError, match=r"kw_render\(\) takes from 1 to 5 positional arguments but 6 were given"):
        m.kw_render(1, 2, 3, 4, 5, 6)
    with pytest.raises(TypeError, match=r"kw_window\(\) missing 1 required positional argument: 'start'"):
        m.kw_window()


def test_keyword_only_set_after_positional_only(hpyrs_test):
    m = hpyrs_test
    assert m.kw_save(1, "f", width=5) == "obj=1 fp=f width=5 bold=true label=None fill=-"
    with pytest.raises(TypeError, match=r"kw_save\(\) takes 2 positional arguments but 3 were given"):
        m.kw_save(1, "f", 5)
    with pytest.raises(TypeError, match=r"positional-only arguments passed as keyword arguments: 'obj'"):
        m.kw_save(obj=1, fp="f")


def test_two_sets_and_a_required_field(hpyrs_test):
    m = hpyrs_test
    assert m.kw_window(1) == f"1:-1 {STYLE}"
    assert m.kw_window(4, 5, 6) == "4:5 width=6 bold=true label=None fill=-"
    assert m.kw_window(start=4, bold=0) == "4:-1 width=2 bold=false label=None fill=-"


def test_set_from_another_module(hpyrs_test):
    assert hpyrs_test.kw_span(2, 7) == 5
    assert hpyrs_test.kw_span(stop=3, start=1) == 2
    with pytest.raises(TypeError, match=r"kw_span\(\) missing 1 required positional argument: 'start'"):
        hpyrs_test.kw_span()


def test_set_beside_kwargs(hpyrs_test):
    m = hpyrs_test
    assert m.kw_rest(1, width=3, zz=1) == "obj=1 width=3 bold=true label=None fill=- rest={'zz': 1}"
    assert m.kw_rest(1) == f"obj=1 {STYLE} rest=-"
    with pytest.raises(TypeError, match=r"kw_rest\(\) takes 1 positional argument but 2 were given"):
        m.kw_rest(1, 2)


def test_alias_is_the_same_function_under_its_own_name(hpyrs_test):
    m = hpyrs_test
    assert m.kw_paint.__name__ == "kw_paint"
    assert m.kw_render.__name__ == "kw_render"
    assert m.kw_paint is not m.kw_render
    for args, kwargs in [((1,), {}), ((2,), {"label": "y", "width": 0})]:
        assert m.kw_paint(*args, **kwargs) == m.kw_render(*args, **kwargs)
    with pytest.raises(TypeError, match=r"kw_paint\(\) got an unexpected keyword argument 'nope'"):
        m.kw_paint(1, nope=2)


def test_class_constructor_and_method_take_sets(hpyrs_test):
    c = hpyrs_test.Canvas(start=1)
    assert c.draw("t", width=9) == "1:-1 t width=9 bold=true label=None fill=-"
    assert hpyrs_test.Canvas(3, 4).paint("u") == f"3:4 u {STYLE}"
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'start'"):
        hpyrs_test.Canvas()
    with pytest.raises(TypeError, match=r"draw\(\) got an unexpected keyword argument 'nope'"):
        c.draw("t", nope=1)
    assert hpyrs_test.Canvas.span_of(2, stop=9) == 7
    assert c.span_of(start=5) == -6
    with pytest.raises(TypeError, match=r"span_of\(\) missing 1 required positional argument: 'start'"):
        hpyrs_test.Canvas.span_of()


SIGNATURES = {
    "kw_render": "(obj, width=2, bold=True, label=None, fill=None)",
    "kw_paint": "(obj, width=2, bold=True, label=None, fill=None)",
    "kw_save": "(obj, fp, /, *, width=2, bold=True, label=None, fill=None)",
    "kw_window": "(start, stop=-1, width=2, bold=True, label=None, fill=None)",
    "kw_rest": "(obj, *, width=2, bold=True, label=None, fill=None, **rest)",
    "cost_set": "(a=None, b=None, c=None)",
    "kw_span": "(start, stop=-1)",
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_text_signature(hpyrs_test, name):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 has no __text_signature__ for HPy functions: "
                    "inspect.signature() gives (*args, **keywords)")
    assert str(inspect.signature(getattr(hpyrs_test, name))) == SIGNATURES[name]


def test_text_signature_of_methods(hpyrs_test):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 has no __text_signature__ for HPy functions and types")
    assert str(inspect.signature(hpyrs_test.Canvas)) == "(start, stop=-1)"
    draw = "(self, /, text, width=2, bold=True, label=None, fill=None)"
    assert str(inspect.signature(hpyrs_test.Canvas.draw)) == draw
    assert str(inspect.signature(hpyrs_test.Canvas.paint)) == draw
    assert str(inspect.signature(hpyrs_test.Canvas.span_of)) == "(start, stop=-1)"


def test_stub_lists_the_fields(hpyrs_test, request):
    if request.config.getoption("--hpy-mode") not in (None, "cpython") or IS_PYPY:
        pytest.skip("the stub is checked once, next to the CPython-ABI build "
                    "(the same file is written for every build)")
    stub = (Path(hpyrs_test.__file__).with_name("hpyrs_test.pyi")).read_text()
    fields = "width: int = ..., bold: typing.Any = ..., label: str | None = ..., fill: object | None = ..."
    assert f"def kw_render(obj: int, {fields}) -> str:" in stub
    assert f"def kw_paint(obj: int, {fields}) -> str:" in stub
    assert f"def kw_save(obj: int, fp: str, /, *, {fields}) -> str:" in stub
    assert "def cost_set(a: int | None = ..., b: int | None = ..., c: int | None = ...) -> int:" in stub
    assert "def __new__(cls, start: int, stop: int = ...) -> typing.Self: ..." in stub
