"""Special methods HPy 0.9 has no slot for (issue 13 item 3): `__iter__`
and `__next__`, `__getattr__`/`__setattr__`/`__delattr__`, descriptors,
and `__hash__ = None` for a class that compares without hashing; on CPython
and PyPy, in every mode."""

import pytest


def test_iterator_protocol(hpyrs_classes):
    C = hpyrs_classes.Countdown
    assert list(C(3)) == [3, 2, 1]
    assert [x * 2 for x in C(2)] == [4, 2]
    it = iter(C(1))
    assert next(it) == 1
    with pytest.raises(StopIteration):
        next(it)
    assert next(it, "done") == "done"
    assert sum(C(4)) == 10
    assert list(zip(C(2), "ab")) == [(2, "a"), (1, "b")]


def test_attribute_hooks(hpyrs_classes):
    r = hpyrs_classes.Record()
    r.x = 1
    r.y = 2
    assert (r.x, r.y) == (1, 2)
    assert r.names() == ["x", "y"]  # real methods are still found first
    assert getattr(r, "missing", "default") == "default"
    with pytest.raises(AttributeError, match='no field "missing"'):
        r.missing
    del r.x
    assert r.names() == ["y"]
    with pytest.raises(AttributeError):
        del r.x
    with pytest.raises(TypeError):
        r.z = "not an int"


def test_descriptor(hpyrs_classes):
    d = hpyrs_classes.Doubler(21)

    class Holder:
        value = d

    h = Holder()
    assert h.value == 42
    assert Holder.value is d
    h.value = 7
    assert d.written == 7
    assert "value" not in vars(h)


def test_comparing_without_hash_is_unhashable(hpyrs_classes):
    a, b = hpyrs_classes.Record(), hpyrs_classes.Record()
    assert a == b
    a.x = 1
    assert a != b
    assert hpyrs_classes.Record.__hash__ is None
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)
    with pytest.raises(TypeError):
        {a}
    # A class with __richcmp__ and __hash__ stays hashable.
    v = hpyrs_classes.Vector(1, 2)
    assert isinstance(hash(v), int)


def test_async_protocols(hpyrs_classes):
    """`__await__`, `__aiter__` and `__anext__` written in Rust drive
    `await` and `async for` under asyncio."""
    import asyncio

    Ready, Ticker = hpyrs_classes.Ready, hpyrs_classes.Ticker

    async def main():
        got = [await Ready(7)]
        async for x in Ticker(3):
            got.append(x)
        got.append([x * 10 async for x in Ticker(2)])
        return got

    assert asyncio.run(main()) == [7, 3, 2, 1, [20, 10]]
    with pytest.raises(StopAsyncIteration):
        Ticker(0).__anext__()
    with pytest.raises(StopIteration) as info:
        next(Ready(4).__await__())
    assert info.value.value == 4
