"""`signature = (...)` on functions, methods and constructors (issue 13
item 1): defaults, keyword-only and positional-only parameters, `*args`,
`**kwargs`, CPython's error messages, and `inspect.signature` from the
generated `__text_signature__` (also for functions without a signature)."""

import inspect
import sys

import pytest

IS_PYPY = sys.implementation.name == "pypy"


def test_every_kind_of_parameter(hpyrs_test):
    f = hpyrs_test.sig_all
    assert f(1, c=3) == (1, 2, [], 3, None, None)
    assert f(1, 5, 6, 7, c=3, d=4) == (1, 5, [6, 7], 3, 4, None)
    assert f(a=1, b=9, c=3) == (1, 9, [], 3, None, None)
    a, b, rest, c, d, kwargs = f(1, c=3, zz=1, yy="x")
    assert (a, b, rest, c, d) == (1, 2, [], 3, None) and kwargs == {"zz": 1, "yy": "x"}
    assert f(1, 2, c=3, d=None) == (1, 2, [], 3, None, None)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda f: f(1), "sig_all() missing 1 required keyword-only argument: 'c'"),
        (lambda f: f(c=1), "sig_all() missing 1 required positional argument: 'a'"),
        (lambda f: f(1, a=2, c=3), "sig_all() got multiple values for argument 'a'"),
        (lambda f: f(1, c="x"), "sig_all() argument 'c' must be int, not str"),
    ],
)
def test_signature_errors(hpyrs_test, call, message):
    with pytest.raises(TypeError) as info:
        call(hpyrs_test.sig_all)
    assert str(info.value) == message


class Name(str):
    """A `str` subclass: never the interned name CPython passes for `f(c=3)`."""


def runtime(text):
    """`text` as a `str` made at run time, not interned (names of two or more
    characters: CPython shares every one-character `str`)."""
    return "".join(list(text))


def test_keyword_names_match_by_value(hpyrs_test):
    # The CPython ABI finds keywords by pointer among the interned parameter
    # names, then by value: names made at run time and `str` subclasses work
    # as literal keywords do, before and after the names are interned.
    f, k = hpyrs_test.sig_all, hpyrs_test.sig_keyword_only
    for _ in range(2):
        assert k(**{runtime("key"): "k"}) == ("k", False)
        assert k(**{Name("key"): "k", runtime("flag"): True}) == ("k", True)
        assert f(1, **{Name("c"): 3, Name("d"): 4}) == (1, 2, [], 3, 4, None)
        assert f(1, **{runtime("zz"): 1}, c=3)[5] == {"zz": 1}
        with pytest.raises(TypeError) as info:
            f(1, **{Name("a"): 2}, c=3)
        assert str(info.value) == "sig_all() got multiple values for argument 'a'"
        with pytest.raises(TypeError) as info:
            k(key="k", **{runtime("kez"): 1})
        assert str(info.value) == "sig_keyword_only() got an unexpected keyword argument 'kez'"
        with pytest.raises(TypeError) as info:
            hpyrs_test.sig_positional_only(1, **{Name("y"): 2})
        assert str(info.value) == ("sig_positional_only() got some positional-only arguments "
                                   "passed as keyword arguments: 'y'")


def test_positional_only(hpyrs_test):
    f = hpyrs_test.sig_positional_only
    assert f(1, 2) == (1, 2, 3.5)
    assert f(1, 2, 4.0) == (1, 2, 4.0) == f(1, 2, z=4.0)
    with pytest.raises(TypeError, match=r"sig_positional_only\(\) got some positional-only "
                                        r"arguments passed as keyword arguments: 'y'"):
        f(1, y=2)
    with pytest.raises(TypeError, match=r"takes from 2 to 3 positional arguments but 4 were given"):
        f(1, 2, 3, 4)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'w'"):
        f(1, 2, w=1)


def test_keyword_only(hpyrs_test):
    f = hpyrs_test.sig_keyword_only
    assert f(key="k") == ("k", False)
    assert f(flag=True, key="k") == ("k", True)
    with pytest.raises(TypeError, match=r"takes 0 positional arguments but 1 was given"):
        f("k")
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only argument: 'key'"):
        f()


def test_defaults_and_kwargs(hpyrs_test):
    assert hpyrs_test.sig_default_str() == "hello world"
    assert hpyrs_test.sig_default_str("you") == "hello you" == hpyrs_test.sig_default_str(name="you")
    assert hpyrs_test.sig_kwargs_dict() == {}
    assert hpyrs_test.sig_kwargs_dict(a=1, b=[2]) == {"a": 1, "b": [2]}
    with pytest.raises(TypeError, match=r"takes 0 positional arguments but 1 was given"):
        hpyrs_test.sig_kwargs_dict(1)
    assert hpyrs_test.sig_star_args() == 0
    assert hpyrs_test.sig_star_args(1, 2, 3) == 6 * 255
    assert hpyrs_test.sig_star_args(1, 2, scale=2) == 6
    with pytest.raises(TypeError, match=r"argument 'scale' must be int"):
        hpyrs_test.sig_star_args(1, scale="x")
    assert hpyrs_test.sig_rest(1) == (1, 0) and hpyrs_test.sig_rest(1, "a", None) == (1, 2)
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'first'"):
        hpyrs_test.sig_rest()


def test_constructor_and_method_signatures(hpyrs_classes):
    L = hpyrs_classes.Labelled
    a = L(1)
    assert (a.x, a.y, a.label()) == (1, 0, "none")
    b = L(1, 2, label="ab")
    assert (b.x, b.y) == (1, 2)
    assert b.label(3) == "ab-ab-ab" and b.label(2, sep="+") == "ab+ab"
    assert L(x=5, y=6).y == 6
    with pytest.raises(TypeError, match=r"takes from 1 to 2 positional arguments but 3 were given"):
        L(1, 2, "c")
    with pytest.raises(TypeError, match=r"positional-only arguments passed as keyword arguments: 'times'"):
        b.label(times=2)
    assert b.extras() is None
    assert b.extras(z=1, a=2) == ["a", "z"]


SIGNATURES = [
    ("hpyrs_test", "sig_all", "(a, b=2, *args, c, d=None, **kwargs)"),
    ("hpyrs_test", "sig_positional_only", "(x, y, /, z=3.5)"),
    ("hpyrs_test", "sig_keyword_only", "(*, key, flag=False)"),
    ("hpyrs_test", "sig_default_str", "(name='world')"),
    ("hpyrs_test", "sig_kwargs_dict", "(**kw)"),
    ("hpyrs_test", "sig_star_args", "(*args, scale=Ellipsis)"),
    ("hpyrs_test", "sig_rest", "(first, /, *rest)"),
    # Without a signature: by position or keyword, as in Python and PyO3.
    ("hpyrs_test", "echo_i64", "(x)"),
    # `keywords`: every parameter may be given by keyword.
    ("hpyrs_test", "sum_defaults", "(a, b=None, c=None)"),
    ("hpyrs_test", "unit", "()"),
    ("hpyrs_classes", "Labelled", "(x, y=0, *, label=Ellipsis)"),
    ("hpyrs_classes", "Labelled.label", "(self, times=1, /, *, sep='-')"),
    # CPython shows `self` of a method as positional-only.
    ("hpyrs_classes", "Labelled.extras", "(self, /, **extra)"),
    ("hpyrs_classes", "Vector", "(x, y=None)"),
    ("hpyrs_classes", "Node.set_next", "(self, /, obj)"),
]


@pytest.mark.parametrize("module, path, expected", SIGNATURES, ids=[p for _, p, _ in SIGNATURES])
def test_inspect_signature(request, module, path, expected):
    if IS_PYPY:
        pytest.skip("PyPy 7.3.19 has no __text_signature__ for HPy functions and types: "
                    "inspect.signature() gives (*args, **keywords)")
    obj = request.getfixturevalue(module)
    for part in path.split("."):
        obj = getattr(obj, part)
    assert str(inspect.signature(obj)) == expected


def test_docstrings_keep_their_text(hpyrs_test, hpyrs_classes):
    # The signature header is CPython's to strip (PyPy strips it from
    # functions; classes get no header there).
    assert hpyrs_test.sig_all.__doc__ == "Every kind of parameter: `(a, b, args, c, d, kwargs)` as received."
    assert hpyrs_classes.Labelled.__doc__ == "A class whose constructor and method have signatures."
    assert hpyrs_classes.Labelled.label.__doc__ == "The label, repeated."
