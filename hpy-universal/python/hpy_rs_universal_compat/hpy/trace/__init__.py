"""``hpy.trace`` for Pythons without the ``hpy`` package: the counters of
HPy's trace mode (``HPY=trace``), served by hpy-rs's host ``hpy_rs_universal``.

* ``get_call_counts()``: a dict, context function name -> calls so far;
* ``get_durations()``: a dict, context function name -> time spent in it
  (in units of ``1 / get_frequency()`` seconds);
* ``get_frequency()``: ticks per second of the durations;
* ``set_trace_functions(on_enter=None, on_exit=None)``: Python callables
  called with the function's name around every traced call.
"""

from hpy.universal import _trace

get_call_counts = _trace.get_call_counts
get_durations = _trace.get_durations
set_trace_functions = _trace.set_trace_functions
get_frequency = _trace.get_frequency
