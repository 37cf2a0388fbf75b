"""`create_exception!(..., attributes = [...])`: exception classes whose
`__init__` takes and keeps named values (kiwisolver's `e.constraint`),
raised from Rust with `new_err(ctx, values...)` and made from Python."""

import pytest


def test_raised_from_rust_with_its_values(hpyrs_conveniences):
    m = hpyrs_conveniences
    assert m.check_range(2, 0, 3) == 2
    with pytest.raises(m.OutOfRange) as e:
        m.check_range(5, 0, 3)
    assert isinstance(e.value, ValueError)
    assert (e.value.value, e.value.low, e.value.high) == (5, 0, 3)
    assert e.value.args == (5, 0, 3)
    assert str(e.value) == "(5, 0, 3)"


def test_keeps_the_object_itself(hpyrs_conveniences):
    m = hpyrs_conveniences
    item = object()
    with pytest.raises(m.Rejected) as e:
        m.reject(item)
    assert e.value.item is item
    assert e.value.args == (item,)
    assert type(e.value).__mro__[1] is Exception


def test_the_class_as_python_sees_it(hpyrs_conveniences):
    m = hpyrs_conveniences
    cls = m.OutOfRange
    assert cls.__module__ == "hpyrs_conveniences"
    assert cls.__qualname__ == "OutOfRange"
    assert cls.__doc__ == "A value outside its range."
    assert cls.__slots__ == ("value", "low", "high")
    e = cls(1, 2, high=3)
    assert (e.value, e.low, e.high, e.args) == (1, 2, 3, (1, 2, 3))
    e.low = 7
    assert e.low == 7


def test_wrong_arguments_from_python(hpyrs_conveniences):
    m = hpyrs_conveniences
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'high'"):
        m.OutOfRange(1, 2)
    with pytest.raises(TypeError, match="takes 4 positional arguments but 5 were given"):
        m.OutOfRange(1, 2, 3, 4)
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        m.Rejected(1, nope=2)


def test_python_subclass(hpyrs_conveniences):
    m = hpyrs_conveniences

    class Mine(m.Rejected):
        pass

    with pytest.raises(m.Rejected) as e:
        raise Mine("x")
    assert e.value.item == "x"
