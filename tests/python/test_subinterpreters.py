"""hpy-rs modules keep their state in process-wide statics (docs/design-notes.md,
"Subinterpreters"), so they declare `Py_mod_multiple_interpreters` "not
supported": importing one into an isolated subinterpreter (its own GIL) is a
clean ImportError, in the CPython ABI and through hpy_rs_universal (whose own
module declares the same), never a crash or a module sharing another
interpreter's objects."""

import os
import sys
import tempfile

import pytest

IS_PYPY = sys.implementation.name == "pypy"


def _interpreters():
    if IS_PYPY:
        pytest.skip("PyPy has no subinterpreters")
    if sys.version_info < (3, 12):
        pytest.skip("per-interpreter GILs (PEP 684) need CPython 3.12+")
    for name in ("_interpreters", "_xxsubinterpreters"):
        try:
            return __import__(name)
        except ImportError:
            continue
    pytest.skip("this CPython has no _interpreters/_xxsubinterpreters module")


@pytest.mark.parametrize("name", ["xxhash", "rpds", "kiwisolver"])
def test_import_into_an_isolated_subinterpreter_is_an_import_error(hpy_ext, name):
    interpreters = _interpreters()
    hpy_ext(name)  # built and importable here, from the paths passed below
    with tempfile.TemporaryDirectory() as tmp:
        result = os.path.join(tmp, "result")
        code = (
            f"import sys\nsys.path[:0] = {sys.path!r}\n"
            "try:\n"
            f"    import {name}\n"
            "    outcome = 'imported'\n"
            "except ImportError as e:\n"
            "    outcome = 'ImportError: ' + str(e)\n"
            "except BaseException as e:\n"
            "    outcome = type(e).__name__ + ': ' + str(e)\n"
            f"open({result!r}, 'w').write(outcome)\n"
        )
        iid = interpreters.create()
        try:
            interpreters.run_string(iid, code)
        finally:
            interpreters.destroy(iid)
        with open(result) as f:
            outcome = f.read()
    assert outcome.startswith("ImportError: "), outcome
    assert "subinterpreter" in outcome, outcome
