"""Import, compile/eval, context variables and builtins through hpyrs_api."""

import builtins
import contextvars
import sys

import pytest
from hpyrs_helpers import raises_exactly


def test_import_module(hpyrs_api):
    assert hpyrs_api.import_module("math") is sys.modules["math"]
    import os.path
    assert hpyrs_api.import_module("os.path") is os.path
    with pytest.raises(ModuleNotFoundError) as e:
        hpyrs_api.import_module("no_such_module_hpyrs")
    assert e.value.name == "no_such_module_hpyrs"
    with raises_exactly(ValueError, "embedded null character"):
        hpyrs_api.import_module("ma\0th")


def test_builtins(hpyrs_api):
    b = hpyrs_api.builtins()
    assert b is builtins or b is builtins.__dict__
    assert (b["len"] if isinstance(b, dict) else b.len) is len


def test_eval_expression(hpyrs_api):
    g = {"x": 20}
    assert hpyrs_api.compile_eval("x * 2 + 2", "eval", g, None) == 42
    assert hpyrs_api.compile_eval("x + y", "eval", g, {"y": 1}) == 21
    assert hpyrs_api.compile_eval("len('abc')", "eval", {}, None) == 3


def test_exec_file_and_single(hpyrs_api):
    g = {}
    assert hpyrs_api.compile_eval("a = 1\ndef f(n):\n    return n + a\nb = f(41)\n", "exec", g, None) is None
    assert g["b"] == 42
    loc = {}
    hpyrs_api.compile_eval("c = 7", "single", g, loc)
    assert loc == {"c": 7} and "c" not in g


def test_compile_errors(hpyrs_api):
    with pytest.raises(SyntaxError) as e:
        hpyrs_api.compile_eval("1 +", "eval", {}, None)
    with pytest.raises(SyntaxError) as expected:
        compile("1 +", "<hpyrs>", "eval")
    assert e.value.msg == expected.value.msg and e.value.filename == "<hpyrs>"
    with raises_exactly(ValueError, "source code string cannot contain null bytes"):
        hpyrs_api.compile_eval("1\0", "eval", {}, None)
    with pytest.raises(ZeroDivisionError):
        hpyrs_api.compile_eval("1 / 0", "eval", {}, None)
    with raises_exactly(TypeError, "compile_eval() argument 'globals' must be dict, not list"):
        hpyrs_api.compile_eval("1", "eval", [], None)
    code = hpyrs_api.compile_only("x = 1", "myfile.py")
    assert code.co_filename == "myfile.py"
    g = {}
    exec(code, g)
    assert g["x"] == 1


def test_context_vars(hpyrs_api):
    v = hpyrs_api.context_var_new("v", None)
    assert isinstance(v, contextvars.ContextVar) and v.name == "v"
    assert hpyrs_api.context_var_get(v, None) == (False, None)
    assert hpyrs_api.context_var_get(v, 5) == (True, 5)

    def inside():
        token = hpyrs_api.context_var_set(v, "set")
        assert isinstance(token, contextvars.Token) and token.var is v
        assert v.get() == "set" and hpyrs_api.context_var_get(v, 5) == (True, "set")
        v.reset(token)
        assert hpyrs_api.context_var_get(v, None) == (False, None)

    contextvars.copy_context().run(inside)
    w = hpyrs_api.context_var_new("w", [1])
    assert w.get() == [1]
    assert hpyrs_api.context_var_get(w, None) == (True, [1])
    with pytest.raises(TypeError):
        hpyrs_api.context_var_get("not a var", None)
    with pytest.raises(TypeError):
        hpyrs_api.context_var_set(1, 2)
