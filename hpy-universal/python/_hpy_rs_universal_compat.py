"""Serves ``hpy.universal``, ``hpy.debug`` and ``hpy.trace`` from hpy-rs's
host when no installed ``hpy`` provides them (imported at startup by
``hpy_rs_universal_compat.pth``).

The modules live in ``hpy_rs_universal_compat/hpy/`` next to this file. The
finder is appended to ``sys.meta_path``, so it is asked only after the
normal import system found nothing anywhere on ``sys.path``: an installed
``hpy`` package (a namespace package) is always the one imported, and
whatever submodule it has wins over ours. With no ``hpy`` installed, code
written for it (the loader stubs ``hpy.devel`` writes, ``hpy.debug``'s
``LeakDetector``, ``hpy.trace``'s counters) runs on ``hpy_rs_universal``.
"""

import os
import sys
from importlib.machinery import PathFinder

_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hpy_rs_universal_compat")


class HPyCompatFinder:
    """Finds ``hpy`` and its submodules in ``hpy_rs_universal_compat/``."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "hpy" and not name.startswith("hpy."):
            return None
        parent = os.path.join(_ROOT, *name.split(".")[:-1])
        return PathFinder.find_spec(name, [parent])


if not any(getattr(f, "__name__", None) == "HPyCompatFinder" for f in sys.meta_path):
    sys.meta_path.append(HPyCompatFinder)
