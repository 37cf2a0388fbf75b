"""Helpers shared by the test modules."""

import re

import pytest


def raises_exactly(exc, message):
    """pytest.raises that requires the whole message to be `message`."""
    return pytest.raises(exc, match="^" + re.escape(message) + "$")


def outcome(f, *args):
    """The result of f(*args), or the type and message of what it raised."""
    try:
        return ("ok", f(*args))
    except Exception as e:
        return ("raised", type(e), str(e))


class Index:
    """Not an int, but usable as one through __index__."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value
