"""Runs the C HPy reproducers of this directory on the interpreter running
this script, each call in a child process (a crash must not end the run),
and prints what each call did. Build first (hpy.devel, any Python with
hpy==0.9.0), then run on PyPy 7.3.19 and on CPython with the hpy package:

    .venv/bin/python tests/python/pypy_repro/setup.py -q --hpy-abi=universal \\
        build --build-base /tmp/pypy-repro            # from tests/python/pypy_repro
    PYPY tests/python/pypy_repro/run.py /tmp/pypy-repro/lib.*/
    .venv/bin/python tests/python/pypy_repro/run.py /tmp/pypy-repro/lib.*/

issue 36: `Point.__new__(default=1)` (keywords only, so no class)
crashes PyPy inside the type's tp_new (HPy_New on the class handle PyPy
passes); CPython raises "Point.__new__(): not enough arguments". hpy-rs
classes raise CPython's TypeError there: on PyPy they have a `__new__` of
hpy-rs's own in the type dict (hpy/DESIGN.md, "PyPy's tp_new
without a class")."""

import os
import subprocess
import sys

CALLS = [
    "new_without_class.Point.__new__(new_without_class.Point)",
    "new_without_class.Point.__new__()",
    "new_without_class.Point.__new__(default=1)",
]
LOADER = """
import sys
sys.path.insert(0, {folder!r})
import new_without_class  # the stub hpy.devel wrote loads it with hpy.universal
try:
    r = {call}
    print("returned", type(r).__name__)
except Exception as e:
    print("raised", type(e).__name__ + ":", e)
"""


def main(folder):
    for call in CALLS:
        child = subprocess.run([sys.executable, "-c", LOADER.format(folder=folder, call=call)],
                               capture_output=True, text=True, timeout=120)
        out = child.stdout.strip() or f"(exit status {child.returncode})"
        if child.returncode < 0:
            out = f"killed by signal {-child.returncode}"
        print(f"{call}: {out}")


if __name__ == "__main__":
    main(sys.argv[1])
