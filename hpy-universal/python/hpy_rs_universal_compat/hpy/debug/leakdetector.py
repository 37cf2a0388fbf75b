"""``hpy.debug.leakdetector``: ``LeakDetector``, ``HPyDebugError`` and
``HPyLeakError`` of hpy-rs's host (``hpy_rs_universal.debug``)."""

from hpy_rs_universal.debug import HPyDebugError, HPyLeakError, LeakDetector  # noqa: F401
