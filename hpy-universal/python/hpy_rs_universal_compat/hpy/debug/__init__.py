"""``hpy.debug`` for Pythons without the ``hpy`` package: leak detection in
HPy's debug mode, served by hpy-rs's host ``hpy_rs_universal``."""

from .leakdetector import HPyDebugError, HPyLeakError, LeakDetector  # noqa: F401


def set_handle_stack_trace_limit(limit):
    """Record the allocation stack (up to ``limit`` frames) of every new debug
    handle; ``None`` stops recording."""
    from hpy.universal import _debug

    _debug.set_handle_stack_trace_limit(limit)


def disable_handle_stack_traces():
    """Stop recording allocation stacks of debug handles."""
    set_handle_stack_trace_limit(None)
