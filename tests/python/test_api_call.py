"""Calling through hpyrs_api: HPy_Call with and without kwnames, keyword
pairs, HPy_CallTupleDict and HPy_CallMethod, compared with Python calls."""

import pytest
from hpyrs_helpers import raises_exactly


def f(*args, **kwargs):
    return args, kwargs


def g(a, b=2, *, c=3):
    return a, b, c


def test_call_kwnames(hpyrs_api):
    m = hpyrs_api
    assert m.call_kwnames(f, (), None) == ((), {})
    assert m.call_kwnames(f, (1, 2), None) == ((1, 2), {})
    assert m.call_kwnames(f, (1, 2, 3), ("x", "y")) == ((1,), {"x": 2, "y": 3})
    assert m.call_kwnames(g, (1, 5), ("c",)) == (1, 2, 5)
    many = tuple(range(20))
    assert m.call_kwnames(f, many, ("k",)) == (many[:-1], {"k": 19})
    with raises_exactly(TypeError, "g() got an unexpected keyword argument 'z'"):
        m.call_kwnames(g, (1, 5), ("z",))
    with pytest.raises(TypeError) as python_error:
        g(1, a=1)
    with raises_exactly(TypeError, str(python_error.value)):
        m.call_kwnames(g, (1, 1), ("a",))


def test_call_kwnames_is_validated(hpyrs_api):
    m = hpyrs_api
    with raises_exactly(TypeError, "kwnames must be a tuple, not list"):
        m.call_kwnames(f, (1,), ["x"])
    with raises_exactly(TypeError, "kwnames names 2 keyword arguments but only 1 arguments were given"):
        m.call_kwnames(f, (1,), ("x", "y"))
    with raises_exactly(TypeError, "keywords must be strings"):
        m.call_kwnames(f, (1,), (5,))


def test_call_kw(hpyrs_api):
    assert hpyrs_api.call_kw(f, (1,), {}) == ((1,), {})
    assert hpyrs_api.call_kw(f, (), {"a": 1, "b": [2]}) == ((), {"a": 1, "b": [2]})
    assert hpyrs_api.call_kw(sorted, ([3, 1, 2],), {"reverse": True}) == [3, 2, 1]
    long_kw = {f"k{i}": i for i in range(12)}
    assert hpyrs_api.call_kw(f, tuple(range(5)), long_kw) == (tuple(range(5)), long_kw)


def test_call_errors_propagate(hpyrs_api):
    def boom(*a, **k):
        raise KeyError("boom")
    with pytest.raises(KeyError, match="boom"):
        hpyrs_api.call_kw(boom, (), {"a": 1})
    not_callable = 5
    with pytest.raises(TypeError) as python_error:
        not_callable()
    with raises_exactly(TypeError, str(python_error.value)):
        hpyrs_api.call_kwnames(5, (), None)


def test_call_tuple_dict(hpyrs_api):
    m = hpyrs_api
    assert m.call_tuple_dict(f, None, None) == ((), {})
    assert m.call_tuple_dict(f, (1, 2), None) == ((1, 2), {})
    assert m.call_tuple_dict(f, None, {"a": 1}) == ((), {"a": 1})
    assert m.call_tuple_dict(f, (1,), {"a": 1}) == ((1,), {"a": 1})
    with raises_exactly(TypeError, "HPy_CallTupleDict requires args to be a tuple or null handle"):
        m.call_tuple_dict(f, [1], None)
    with raises_exactly(TypeError, "HPy_CallTupleDict requires kw to be a dict or null handle"):
        m.call_tuple_dict(f, (), [("a", 1)])


class WithCall:
    def __call__(self, *args, **kwargs):
        return "call", args, kwargs


class TupleSub(tuple):
    pass


class DictSub(dict):
    pass


def _callables():
    import functools

    return [
        f,  # Python function: vectorcall
        max,  # builtin: vectorcall
        _RECEIVER.meth,  # bound method: vectorcall
        Receiver,  # heap type: the vectorcall flag but no function (tp_call)
        WithCall(),  # no vectorcall at all (tp_call)
        functools.partial(f, 0),  # vectorcall
        functools.partial(WithCall(), 0),  # the flag, a NULL function
        dict,  # builtin type with its own vectorcall
    ]


@pytest.mark.parametrize("index", range(8))
def test_call_tuple_dict_any_callable(hpyrs_api, index):
    # Every way CPython can dispatch a call (vectorcall function, flag
    # without a function, tp_call), with no keywords, an empty dict and a
    # real one, and tuple/dict subclasses: the result is Python's own.
    fn = _callables()[index]
    for args, kw in [((3, 4), None), ((3, 4), {}), ((3,), {"key": abs}), (TupleSub((5, 6)), DictSub())]:
        try:
            expected = ("ok", fn(*args, **(kw or {})))
        except TypeError as e:
            expected = ("TypeError", str(e))
        try:
            got = ("ok", hpyrs_api.call_tuple_dict(fn, args, kw))
        except TypeError as e:
            got = ("TypeError", str(e))
        assert got == expected, (fn, args, kw)


def test_call_tuple_dict_not_callable_and_errors(hpyrs_api):
    not_callable = 5
    with pytest.raises(TypeError) as python_error:
        not_callable(1)
    with raises_exactly(TypeError, str(python_error.value)):
        hpyrs_api.call_tuple_dict(not_callable, (1,), None)
    with pytest.raises(ZeroDivisionError):
        hpyrs_api.call_tuple_dict(lambda x: x / 0, (1,), None)
    with pytest.raises(ZeroDivisionError):
        hpyrs_api.call_tuple_dict(lambda x, y: x / y, (1,), {"y": 0})


class Receiver:
    def meth(self, *args, **kwargs):
        return self, args, kwargs


_RECEIVER = Receiver()


def test_call_method(hpyrs_api):
    r = Receiver()
    assert hpyrs_api.call_method(r, "meth", (1, 2)) == (r, (1, 2), {})
    assert hpyrs_api.call_method_s(r, "meth", ()) == (r, (), {})
    assert hpyrs_api.call_method_kw(r, "meth", (1,), {"k": 2}) == (r, (1,), {"k": 2})
    assert hpyrs_api.call_method_s("a,b", "split", (",",)) == ["a", "b"]
    assert hpyrs_api.call_method_kw("a b c", "split", (), {"maxsplit": 1}) == ["a", "b c"]
    with pytest.raises(AttributeError) as python_error:
        r.nope
    with raises_exactly(AttributeError, str(python_error.value)):
        hpyrs_api.call_method_s(r, "nope", ())
    with pytest.raises(TypeError):
        hpyrs_api.call_method(r, 5, ())


class StrSub(str):
    pass


def test_call_tuple_dict_keyword_edge_cases(hpyrs_api):
    # The keyword path of HPy_CallTupleDict: up to 8 arguments on a stack
    # buffer, more through CPython; keys that are not exactly str (a str
    # subclass, a non-str key) and a callee that empties the dict while it
    # runs. Each result or error is Python's own.
    many = {"k%d" % i: i for i in range(12)}
    for args, kw in [((1,), {"b": 2}), ((1, 2, 3), many), ((), dict(list(many.items())[:8]))]:
        assert hpyrs_api.call_tuple_dict(f, args, kw) == f(*args, **kw)
    sub = {StrSub("x"): 1}
    assert hpyrs_api.call_tuple_dict(f, (), sub) == f(**sub)
    # (PyPy words it with or without the function's name, depending on the
    # call path, so only the substance is compared.)
    with pytest.raises(TypeError, match="keywords must be strings"):
        hpyrs_api.call_tuple_dict(f, (), {1: 2})
    with pytest.raises(TypeError, match="keywords must be strings"):
        hpyrs_api.call_tuple_dict(f, (), {"a": 1, 2: 3})

    class Payload:
        pass

    kw = {"a": Payload(), "b": 2}

    def clears(a, b):
        kw.clear()
        import gc

        gc.collect()
        # `a` must still be alive (held by the call, not only by the dict).
        return type(a).__name__, b

    assert hpyrs_api.call_tuple_dict(clears, (), kw) == ("Payload", 2)
    assert kw == {}
    with pytest.raises(TypeError) as python_error:
        g(1, a=2)
    with raises_exactly(TypeError, str(python_error.value)):
        hpyrs_api.call_tuple_dict(g, (1,), {"a": 2})
