"""A fuzzing worker: imports the extensions, then serves requests, one call
at a time, until told to quit or until a call kills it.

Started by ``pool.py`` as ``python -m fuzz.worker`` with tests/python on
``sys.path`` and HPY set for the mode. Requests and answers are marshalled
frames (4-byte length, then the data) on the original stdin/stdout; fd 1
is pointed at stderr once the frames have their own descriptors, so nothing
an extension or Python prints can corrupt them.
"""

import gc
import os
import marshal
import struct
import sys
import time
import traceback

from . import recipes

# Arguments tried, in order, to make instances of each class; up to
# MAX_SEEDS that work are kept as the class's receivers.
SEED_ARGS = [
    (), (1,), (3,), (1, 2), (1.0, 2.0), ("a",), ("a", 1), ((1, 2, 3),), ([1, 2, 3],),
    ([float(i) for i in range(20)],), ("X", (), {}), (1, "a"),
]
MAX_SEEDS = 3
FULL_GC_EVERY = 32
# No more than HPY_RS_FUZZ_HISTORY's default, so that a crash report lists
# the call that left an object broken. A full collection of a PyPy worker
# costs milliseconds: fuzzing examples/parity on PyPy (14,845 calls) took
# 63.9 s of the workers' processor time with one every 8 calls, 10.3 s with
# one every 32 (measured side by side, on a busy machine).
PYPY_GC_EVERY = 32
CALL_MARKER = b"\n@@ hpy-rs fuzz: next call @@\n"
IS_PYPY = sys.implementation.name == "pypy"

# Modules a call may not import (opening a browser, printing, turtle
# graphics...); imports of other non-stdlib modules are refused too.
IMPORT_DENYLIST = {"antigravity", "this", "__hello__", "__phello__", "webbrowser", "turtle",
                   "turtledemo", "tkinter", "idlelib", "pydoc", "ensurepip", "venv", "pip"}


class _ImportGuard:
    """A meta path finder that refuses new imports outside the standard
    library (a fuzzed ``import_module(name)`` or ``eval`` must not run
    arbitrary installed code)."""

    def __init__(self):
        self.stdlib = getattr(sys, "stdlib_module_names", None)

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in IMPORT_DENYLIST or (self.stdlib is not None and top not in self.stdlib):
            raise ModuleNotFoundError(f"the fuzz worker refuses to import {name!r}", name=name)
        return None


def _qualname(exc_type):
    module = getattr(exc_type, "__module__", None)
    name = getattr(exc_type, "__qualname__", None) or getattr(exc_type, "__name__", "?")
    return name if module in (None, "builtins") else f"{module}.{name}"


def _safe_str(obj, limit=300):
    try:
        text = str(obj)
    except BaseException as e:  # noqa: B902 - str() of a hostile exception
        text = f"<str() raised {type(e).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _exc_info(e):
    return {
        "type": _qualname(type(e)),
        "msg": _safe_str(e),
        "is_exception": isinstance(e, Exception),
        "is_base_exception": isinstance(e, BaseException),
        "is_system_error": isinstance(e, SystemError),
    }


def _canary():
    """Fails if the previous call left an exception set. CPython checks the
    error indicator when a C function called through the generic call path
    returns a result; `len(())` written here would not do (3.11 specializes
    it into a call that skips the check), `abs` called from C by `map` does.
    On PyPy a leftover exception surfaces at the next call into it."""
    list(map(abs, (0,)))


class Worker:
    def __init__(self, build_dir, module_names, debug, host):
        import importlib

        self.debug = debug
        self.modules = {}
        sys.path.insert(0, build_dir)
        if host:
            # As the test harness does: the other host is unimportable, so the
            # loader stubs can only use the selected one.
            other = "hpy_rs_universal" if host == "hpy.universal" else "hpy"
            sys.modules[other] = None
            host_module = importlib.import_module(host)
        for name in module_names:
            self.modules[name] = importlib.import_module(name)
        if host and sys.modules.get(host) is not host_module:
            raise RuntimeError(f"the extensions were not loaded through {host}")
        self.host_file = os.path.realpath(host_module.__file__) if host else None
        if debug:
            debug_package = "hpy" if host == "hpy.universal" else host
            self.LeakDetector = importlib.import_module(debug_package + ".debug").LeakDetector
            self._debug = host_module._debug
        self.ns = recipes.Namespace(self.modules)
        self.unraisable = []
        self.calls = 0
        sys.unraisablehook = self._on_unraisable

    def _on_unraisable(self, info):
        self.unraisable.append(_exc_info(info.exc_value) if info.exc_value is not None
                               else {"type": _qualname(info.exc_type), "msg": "",
                                     "is_system_error": issubclass(info.exc_type, SystemError)})

    def _collect(self, force):
        """A collection after each call, so that an object a call left
        broken crashes at that call or soon after it (the pool keeps the
        calls before a crash): on CPython the young generation (the call's
        objects are there) and a full collection every FULL_GC_EVERY calls;
        on PyPy, which has no cheaper collection, a full one every
        PYPY_GC_EVERY calls (one after every call took two thirds of a PyPy
        worker's time). `force`: a full collection now (a call replayed
        alone)."""
        self.calls += 1
        if force or self.calls % (PYPY_GC_EVERY if IS_PYPY else FULL_GC_EVERY) == 0:
            gc.collect()
        elif not IS_PYPY:
            gc.collect(0)

    def _closed_state(self):
        """Where the debug context's queue of recently closed handles
        stands: on CPython the generation started for the call (the host
        filters the queue by it: asking for the whole queue, up to 1024
        handle objects, twice a call took a third of a debug-mode worker's
        time); on PyPy the queue's length and last handle, as before, since
        with the generation the sweep of PyPy 7.3.19's debug mode reported
        an exception left set after `hpyrs_api.write_unraisable` of an
        object whose `__repr__` raises (not taken apart further)."""
        if IS_PYPY:
            closed = self._debug.get_closed_handles()
            return len(closed), (closed[-1].id if closed else None)
        return self._debug.new_generation()

    def _closed_since(self, state):
        """Whether the call closed a handle, from `_closed_state()`'s
        answer before it."""
        if IS_PYPY:
            return self._closed_state() != state
        return bool(self._debug.get_closed_handles(state))

    # ------------------------------------------------------------- describe

    def describe(self, producers):
        """The callables of each module, the classes' `__dict__` entries and
        instances of each class to use as receivers."""
        seeds = {}  # class -> [recipe]
        classes = {}  # id(class) -> (module, name)
        for modname, module in self.modules.items():
            for name in dir(module):
                obj = getattr(module, name)
                if isinstance(obj, type) and id(obj) not in classes:
                    classes[id(obj)] = (modname, name, obj)
                    # Nested subclasses: a data-carrying enum's variants
                    # (`Shape.Circle`), reachable only through the class.
                    for attr, value in vars(obj).items():
                        if (isinstance(value, type) and value is not obj
                                and issubclass(value, obj) and id(value) not in classes):
                            classes[id(value)] = (modname, f"{name}.{attr}", value)
        out = {}
        for modname, module in self.modules.items():
            functions, class_info = [], []
            for name in dir(module):
                if name.startswith("__"):
                    continue
                obj = getattr(module, name)
                if isinstance(obj, type):
                    if classes[id(obj)][:2] != (modname, name):
                        continue  # an alias (VectorAlias) or another module's class
                    class_info.append(self._describe_class(modname, name, obj, seeds, classes))
                    for attr, value in vars(obj).items():
                        nested = classes.get(id(value))
                        if isinstance(value, type) and nested and nested[:2] == (
                                modname, f"{name}.{attr}"):
                            class_info.append(self._describe_class(
                                modname, nested[1], value, seeds, classes))
                elif callable(obj):
                    functions.append(name)
            out[modname] = {"functions": functions, "classes": class_info}
        # Objects the producers make (e.g. a Token from make_token) become
        # seeds of their classes; an instance of a class the module does not
        # list (a data enum's variant class, `Shape.Circle`) of the nearest
        # listed one.
        for recipe in producers:
            try:
                obj = recipes.build(recipe, self.ns)
            except Exception:
                continue
            entry = next((classes[id(c)] for c in type(obj).__mro__ if id(c) in classes), None)
            if entry:
                seeds.setdefault(entry[:2], []).append(recipe)
        # A class with no instance of its own (a data-carrying enum, whose
        # instances are its variants') takes its subclasses' instances.
        for (modname, name, cls) in classes.values():
            if not seeds.get((modname, name)):
                seeds[(modname, name)] = [
                    recipe for (m, n, sub) in classes.values()
                    if sub is not cls and issubclass(sub, cls)
                    for recipe in seeds.get((m, n), [])[:1]]
        for modname, info in out.items():
            for c in info["classes"]:
                c["seeds"] = seeds.get((modname, c["name"]), [])[:MAX_SEEDS + 2]
            info["file"] = os.path.realpath(self.modules[modname].__file__)
        return {"modules": out, "host_file": self.host_file}

    def _describe_class(self, modname, name, cls, seeds, classes):
        cls_recipe = ("n", f"{modname}.{name}")
        entries = {}
        for attr, value in cls.__dict__.items():
            if attr in ("__doc__", "__module__", "__dict__", "__weakref__", "__qualname__"):
                continue
            if getattr(getattr(value, "__code__", None), "co_filename", None) == (
                    "<hpy-rs pickling refusal>"):
                continue  # hpy-rs's Python __getstate__ on PyPy, not extension code
            entries[attr] = self._entry_kind(attr, value)
            # Class attributes that are instances of an extension class.
            entry = classes.get(id(type(value)))
            if entry and not isinstance(value, type):
                seeds.setdefault(entry[:2], []).append(("attr", cls_recipe, attr))
        found = seeds.setdefault((modname, name), [])
        for args in SEED_ARGS:
            if len(found) >= MAX_SEEDS:
                break
            try:
                obj = cls(*args)
            except Exception:
                continue
            if type(obj) is cls:
                found.append(("call", cls_recipe, tuple(_literal_recipe(a) for a in args), ()))
            del obj
        try:
            type("Sub", (cls,), {})
            subclassable = True
        except TypeError:
            subclassable = False
        return {"name": name, "entries": entries, "subclassable": subclassable,
                "is_exception": issubclass(cls, BaseException)}

    @staticmethod
    def _entry_kind(attr, value):
        """What a class `__dict__` entry is, by behaviour (CPython and PyPy
        use different descriptor types)."""
        kind = type(value)
        if hasattr(kind, "__set__") and hasattr(kind, "__get__"):
            return "property"  # getset or member descriptor
        if attr == "__new__":
            return "new"
        if isinstance(value, (staticmethod, classmethod)):
            return "static"
        if callable(value) and hasattr(kind, "__get__"):
            return "slot" if attr.startswith("__") and attr.endswith("__") else "method"
        return "data"

    # ----------------------------------------------------------------- call

    def call(self, recipe, gc_after):
        callee_r, args_r, kwargs_r = recipe
        answer = {"outcome": None}
        # What the call prints, if it kills the worker, is what follows the
        # last marker (see pool._Worker.stderr_of_last_call).
        os.write(2, CALL_MARKER)
        self.unraisable.clear()
        try:
            callee = recipes.build(callee_r, self.ns)
            args = [recipes.build(r, self.ns) for r in args_r]
            kwargs = {k: recipes.build(r, self.ns) for k, r in kwargs_r}
        except BaseException as e:  # noqa: B902 - an argument failed to build
            answer.update(outcome="setup", exc=_exc_info(e), where=traceback.format_exc(limit=-3))
            return answer
        detector = None
        if self.debug:
            before = self._closed_state()
            detector = self.LeakDetector()
            detector.start()
        result = exc = None
        try:
            result = callee(*args, **kwargs)
            answer["outcome"] = "returned"
        except BaseException as e:  # noqa: B902 - anything a call raises is data
            exc = e
            answer["outcome"] = "raised"
        # Right after the call: an exception it left set surfaces here.
        try:
            _canary()
        except BaseException as e:  # noqa: B902
            answer["canary"] = _exc_info(e)
        try:
            if exc is not None:
                answer["exc"] = _exc_info(exc)
                exc = None
            if answer["outcome"] == "returned":
                answer["result_type"] = _qualname(type(result))
            result = callee = args = kwargs = None
            if gc_after:
                self._collect(force=gc_after == "force")
            if detector is not None:
                answer["closed_debug_handles"] = self._closed_since(before)
                try:
                    detector.stop()
                except Exception as e:  # HPyLeakError
                    answer["leaks"] = [_describe_handle(h) for h in getattr(e, "leaks", [])][:10]
                    answer["leak_count"] = len(getattr(e, "leaks", []))
        except BaseException as e:  # noqa: B902 - the call broke the interpreter's state
            answer.setdefault("canary", _exc_info(e))
        if self.unraisable:
            answer["unraisable"] = list(self.unraisable)
        return answer


def _describe_handle(handle):
    # Not repr(handle): PyPy 7.3.19 aborts formatting a DebugHandle whose
    # object is a str with a lone surrogate (see conftest.py).
    try:
        text = ascii(handle.obj)
    except BaseException:  # noqa: B902
        text = "<ascii() failed>"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(handle.obj).__name__} {text}"


def _literal_recipe(value):
    if isinstance(value, (list, tuple, dict)):
        if isinstance(value, dict):
            return ("dict", tuple((_literal_recipe(k), _literal_recipe(v)) for k, v in value.items()))
        return ("list" if isinstance(value, list) else "tuple",
                tuple(_literal_recipe(v) for v in value))
    return ("v", value)


def _limit_resources():
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    mb = int(os.environ.get("HPY_RS_FUZZ_MEM_MB", "4096"))
    if mb > 0:
        limit = mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _read_frame(stream):
    header = stream.read(4)
    if len(header) < 4:
        return None
    (n,) = struct.unpack("<I", header)
    return marshal.loads(stream.read(n))


def _write_frame(stream, obj):
    data = marshal.dumps(obj)
    stream.write(struct.pack("<I", len(data)) + data)
    stream.flush()


def main():
    import faulthandler

    faulthandler.enable()  # a Python traceback on stderr when a call crashes
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    build_dir, names, mode, host = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4]
    worker = Worker(build_dir, names, debug=(mode == "debug"), host=host or None)
    _limit_resources()
    sys.meta_path.insert(0, _ImportGuard())
    _write_frame(answers, {"ready": True, "pid": os.getpid()})
    while True:
        request = _read_frame(requests)
        if request is None or request[0] == "quit":
            return
        if request[0] == "describe":
            _write_frame(answers, worker.describe(request[1]))
        elif request[0] == "call":
            _write_frame(answers, worker.call(request[1], request[2]))
        else:
            raise ValueError(f"unknown request {request[0]!r}")


if __name__ == "__main__":
    main()
