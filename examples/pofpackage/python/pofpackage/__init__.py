"""pofpackage: a Python package with an extension module written in Rust.

``pofpackage.foo`` is built from this crate by cargo-hpy (CPython ABI or HPy
universal ABI); this file and ``greeting.py`` are plain Python shipped next to
it.
"""

from .greeting import shout

__all__ = ["shout"]
