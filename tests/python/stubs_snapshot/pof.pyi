# Written by cargo-hpy from the module's hpy-rs definitions; do not edit.
"""HPy example module `pof`, written in Rust with hpy-rs."""

import typing

def do_nothing() -> None:
    """Does nothing and returns None."""

def double(x: object, /) -> typing.Any:
    """Returns `x + x` for any object `x`."""

def add_ints(a: int, b: int, /) -> int:
    """Adds two C longs given by position only (`varargs`: HPy's proof of
    concept declares it `HPyFunc_VARARGS`)."""

def add_ints_kw(a: int, b: int) -> int:
    """Adds two C longs given by position or by keyword."""

class PanicException(BaseException):
    """A Rust panic in this module."""

@typing.final
class Point:
    """A point in the plane."""
    x: float
    """The x coordinate."""
    y: float
    """The y coordinate."""
    def __new__(cls, x: float, y: float) -> typing.Self: ...
    def __repr__(self) -> str: ...
