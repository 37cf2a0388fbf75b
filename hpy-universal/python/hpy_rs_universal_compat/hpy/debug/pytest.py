"""``hpy.debug.pytest``: a pytest plugin for HPy's debug mode, served by
hpy-rs's host when the ``hpy`` package is not installed.

``python -m pytest -p hpy.debug.pytest`` (or ``pytest_plugins =
["hpy.debug.pytest"]`` in a conftest) gives tests the fixture ``hpy_debug``:
a :class:`~hpy.debug.LeakDetector` that is watching for the whole test, so
that a test leaking a handle of a debug-mode module fails in its teardown
with ``HPyLeakError``. The test may use it to look at or stop the
detection (``hpy_debug.stop()``). As with the ``hpy`` package, only tests
that ask for the fixture are checked.
"""

import pytest

from .leakdetector import LeakDetector


@pytest.fixture
def hpy_debug():
    """Fails the test that requests it if it leaks an HPy debug handle."""
    detector = LeakDetector()
    with detector:
        yield detector
