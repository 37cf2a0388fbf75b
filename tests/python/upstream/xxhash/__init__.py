"""python-xxhash's tests (the package `upstream.xxhash` under pytest).

Upstream `test_interpreters.py` puts tests/python/upstream first on a
subinterpreter's sys.path and imports `xxhash` there, which finds this
directory. Imported under that name, this package puts the port built for
the run in its own place: the module object `import xxhash` returns is the
one `sys.modules` holds when this file ends. The build's directory comes
from HPY_RS_XXHASH_BUILD, set by this directory's conftest.py, and in
the universal and debug modes hpy_rs_universal's from HPY_RS_XXHASH_HOST."""

if __name__ == "xxhash":
    import os as _os
    import sys as _sys

    _build = _os.environ.get("HPY_RS_XXHASH_BUILD")
    if not _build:
        raise ImportError("tests/python/upstream/xxhash stands in for the port only when "
                          "HPY_RS_XXHASH_BUILD names its build (see its conftest.py)")
    _sys.path.insert(0, _build)
    _host = _os.environ.get("HPY_RS_XXHASH_HOST")
    if _host:  # universal and debug modes: the host the loader stub imports
        _sys.path.insert(1, _host)
    del _sys.modules["xxhash"]
    import xxhash as _port  # the port, found first on sys.path now

    _sys.modules["xxhash"] = _port
