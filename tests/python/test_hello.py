"""Behaviour of examples/hello."""

import re

import pytest


def test_greet(hello):
    assert hello.greet("world") == "Hello, world!"


@pytest.mark.parametrize("name", ["wörld", "世界", "🐍", "", "a\0b"])
def test_greet_round_trips_text(hello, name):
    assert hello.greet(name) == f"Hello, {name}!"


def test_greet_rejects_non_str(hello):
    with pytest.raises(TypeError, match="^" + re.escape("greet() argument 'name' must be str, not int") + "$"):
        hello.greet(1)
    assert hello.greet("again") == "Hello, again!"


def test_greet_lone_surrogate(hello):
    # Not encodable as UTF-8, so it cannot become a Rust &str.
    with pytest.raises(UnicodeEncodeError):
        hello.greet("\ud800")
    assert hello.greet("again") == "Hello, again!"


@pytest.mark.parametrize("args", [(), ("a", "b")])
def test_greet_wrong_argument_count(hello, args):
    with pytest.raises(TypeError):
        hello.greet(*args)


def test_module_identity(hello):
    assert hello.__name__ == "hello"
    assert isinstance(hello.__doc__, str) and hello.__doc__.strip()
    assert isinstance(hello.greet.__doc__, str) and hello.greet.__doc__.strip()


def test_greet_all(hello):
    assert hello.greet_all(["a", "wörld"]) == ["Hello, a!", "Hello, wörld!"]
    assert hello.greet_all([]) == []

    class Names(list):
        pass

    assert hello.greet_all(Names(["sub"])) == ["Hello, sub!"]


def test_greet_all_checks_types(hello):
    with pytest.raises(TypeError, match="^" + re.escape("greet_all() argument 'names' must be list, not tuple") + "$"):
        hello.greet_all(("a",))
    with pytest.raises(TypeError, match="^expected str, got int$"):
        hello.greet_all(["a", 1])
