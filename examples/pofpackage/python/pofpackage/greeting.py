"""Pure-Python code using the extension module next to it."""

from . import foo


def shout():
    """``foo.hello()`` in capitals."""
    return foo.hello().upper() + "!"
