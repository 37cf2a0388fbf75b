"""Helpers shared by the test modules."""

import re

import pytest


def raises_exactly(exc, message):
    """pytest.raises that requires the whole message to be `message`."""
    return pytest.raises(exc, match="^" + re.escape(message) + "$")


class Index:
    """Not an int, but usable as one through __index__."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value
