"""Submodules (hpy_submodule!) through tests/ext/hpyrs_classes: the
submodule hpyrs_classes.geometry (functions, a class, an exception,
constants, an exec hook), hpyrs_classes.geometry.units below it, and
hpyrs_classes.hidden, which is only an attribute (register: false)."""

import importlib
import pickle
import sys
import types

import pytest
from hpyrs_helpers import raises_exactly

IS_PYPY = sys.implementation.name == "pypy"


def test_attributes_and_names(hpyrs_classes):
    top = hpyrs_classes.__name__
    geometry = hpyrs_classes.geometry
    units = geometry.units
    assert isinstance(geometry, types.ModuleType)
    assert isinstance(units, types.ModuleType)
    assert geometry.__name__ == f"{top}.geometry"
    assert units.__name__ == f"{top}.geometry.units"
    assert hpyrs_classes.hidden.__name__ == f"{top}.hidden"
    assert geometry.__doc__ == "Rectangles (a submodule of hpyrs_classes)."
    assert hpyrs_classes.hidden.__doc__ == "Reachable only as hpyrs_classes.hidden."
    assert units.__doc__ is None
    assert repr(geometry).startswith(f"<module '{top}.geometry'")


def test_functions(hpyrs_classes):
    geometry = hpyrs_classes.geometry
    assert geometry.area(2.0, 3.5) == 7.0
    assert geometry.area(w=2.0, h=1.0) == 2.0
    with pytest.raises(TypeError, match="area()"):
        geometry.area(1.0)
    # The same Python name in two submodules: each has its own function.
    assert geometry.name() == "geometry.name"
    assert geometry.units.name() == "units.name"
    assert geometry.units.to_mm(2.5) == 25.0
    assert hpyrs_classes.hidden.secret() == 42
    # The functions are not the top module's.
    assert not hasattr(hpyrs_classes, "area")
    assert not hasattr(hpyrs_classes, "secret")


def test_functions_look_like_a_modules(hpyrs_classes):
    geometry = hpyrs_classes.geometry
    area = geometry.area
    assert area.__self__ is geometry
    assert "area" in geometry.__dict__ and "area" in dir(geometry)
    assert geometry.area is area  # stored, not bound on each lookup
    assert "w, h" in (area.__doc__ or "") + str(getattr(area, "__text_signature__", ""))


def test_bad_arguments_are_python_errors(hpyrs_classes):
    geometry = hpyrs_classes.geometry
    with pytest.raises(TypeError):
        geometry.area("a", 1.0)
    with raises_exactly(hpyrs_classes.geometry.GeometryError, "a side is negative"):
        geometry.area(-1.0, 1.0)
    with pytest.raises(hpyrs_classes.PanicException, match="a panic in a submodule's function"):
        geometry.fail()


def test_class_exception_constants_exec(hpyrs_classes):
    geometry = hpyrs_classes.geometry
    r = geometry.Rect(2.0, 4.0)
    assert r.area() == 8.0 and r.w == 2.0
    assert geometry.Rect.__module__ == "hpyrs_classes.geometry"
    assert geometry.Rect.__name__ == "Rect"
    assert not hasattr(hpyrs_classes, "Rect")
    err = geometry.GeometryError
    assert issubclass(err, ValueError)
    assert err.__module__ == "hpyrs_classes.geometry"
    assert err.__doc__ == "Raised by the geometry functions."
    assert geometry.SIDES == 4
    assert geometry.ORIGIN == (0, 0)
    assert geometry.units.UNIT == "cm"
    # The exec hook ran after the nested submodule and the class existed.
    assert geometry.DEFAULT_UNIT == "cm"
    assert geometry.RECT_NAME == "Rect"


def test_registered_in_sys_modules(hpyrs_classes):
    top = hpyrs_classes.__name__
    assert sys.modules[f"{top}.geometry"] is hpyrs_classes.geometry
    assert sys.modules[f"{top}.geometry.units"] is hpyrs_classes.geometry.units
    assert importlib.import_module(f"{top}.geometry.units") is hpyrs_classes.geometry.units
    namespace = {}
    exec(f"from {top}.geometry import area\nfrom {top}.geometry.units import to_mm", namespace)
    assert namespace["area"](1.0, 2.0) == 2.0
    assert namespace["to_mm"](1.0) == 10.0
    exec(f"import {top}.geometry.units as u", namespace)
    assert namespace["u"] is hpyrs_classes.geometry.units


def test_function_names_and_pickle(hpyrs_classes):
    area = hpyrs_classes.geometry.area
    if IS_PYPY:
        pytest.skip("PyPy binds a submodule's function as a Python method object over "
                    "HPy's method descriptor, which has no __name__ and keeps no "
                    "__module__: pickle cannot find it by name")
    assert area.__name__ == "area"
    assert area.__qualname__ == "area"
    assert area.__module__ == hpyrs_classes.geometry.__name__
    # pickle finds a function through its __module__ and its name.
    assert pickle.loads(pickle.dumps(area)) is area


def test_unregistered_submodule(hpyrs_classes):
    top = hpyrs_classes.__name__
    assert f"{top}.hidden" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"{top}.hidden")


def test_star_import(hpyrs_classes):
    namespace = {}
    exec(f"from {hpyrs_classes.__name__}.geometry.units import *", namespace)
    assert namespace["to_mm"](0.5) == 5.0
    assert namespace["UNIT"] == "cm"
