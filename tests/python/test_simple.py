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


def test_conversions(simple):
    xs = [i * 0.5 for i in range(1000)]
    assert simple.sum_floats(xs) == sum(xs)
    assert simple.sum_floats(tuple(xs)) == sum(xs)
    assert simple.sum_floats([]) == 0.0
    assert simple.sum_floats([1, 2.5]) == 3.5
    assert simple.float_list() == xs
    assert simple.exclaim("conversion benchmark") == "conversion benchmark!"
    assert simple.exclaim("") == "!"
    assert simple.exclaim("naïve\0€") == "naïve\0€!"
    assert simple.make_dict() == {"k%02d" % i: i for i in range(100)}
    with pytest.raises(ValueError, match="raised by the benchmark"):
        simple.raise_value_error()
    assert simple.keywords(1, b=2, c=3) == 9
    assert simple.keywords(1, c=3, b=2, d=4) == 10
    assert simple.keywords(a=1, b=2, c=3) == 9


def test_conversion_errors(simple):
    with pytest.raises(TypeError):
        simple.sum_floats([1.0, "x"])
    with pytest.raises(TypeError):
        simple.sum_floats(1.0)
    with pytest.raises(TypeError):
        simple.exclaim(b"bytes")
    with pytest.raises(TypeError):
        simple.keywords(1, 2, 3)
    with pytest.raises(TypeError):
        simple.keywords(1, b=2)
    with pytest.raises(TypeError):
        simple.keywords(1, b=2, c=3, e=5)
    with pytest.raises(OverflowError):
        simple.keywords(2**31, b=2, c=3)


def test_sum_floats_of_a_list_changed_while_read(simple):
    """__float__ may empty the list being read: the items already read are
    kept alive, and reading past the new end raises IndexError."""
    xs = []

    class Shrinks:
        def __float__(self):
            xs.clear()
            return 1.0

    xs.extend([Shrinks(), 2.0, 3.0])
    with pytest.raises(IndexError):
        simple.sum_floats(xs)
