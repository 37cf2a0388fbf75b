"""examples/simple: the call-overhead workload of the benchmarks."""

import pytest


def test_functions(simple):
    assert simple.noargs() is None
    assert simple.onearg(None) is None
    assert simple.varargs() is None
    assert simple.varargs(1, "two", [3]) is None
    assert simple.allocate_int() == 2048
    assert simple.allocate_tuple() == (2048, 2049)


def test_calls_back_into_python(simple):
    assert simple.call_with_tuple(lambda *a: a, (1, 2)) == (1, 2)
    assert simple.call_with_tuple(max, (3, 9, 4)) == 9
    assert simple.call_with_tuple_and_dict(lambda *a, **k: (a, k), (1,), {"x": 2}) == ((1,), {"x": 2})
    with pytest.raises(TypeError):
        simple.call_with_tuple_and_dict(lambda a: a, (1, 2), {})
    with pytest.raises(ZeroDivisionError):
        simple.call_with_tuple(lambda: 1 / 0, ())
    with pytest.raises(TypeError):
        simple.onearg()
    with pytest.raises(TypeError):
        simple.noargs(1)


@pytest.mark.parametrize("name", ["Foo", "HTFoo"])
def test_class(simple, name):
    cls = getattr(simple, name)
    assert simple.HTFoo is simple.Foo
    f = cls()
    assert f.noargs() is None
    assert f.onearg(1) is None
    assert f.varargs() is None and f.varargs(1, 2, 3) is None
    assert len(f) == 42
    assert f[0] is None and f[-5] is None and f["key"] is None
    with pytest.raises(TypeError):
        cls(1)
