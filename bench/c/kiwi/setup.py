"""Builds bench/c/kiwi/kiwi_twin.c with hpy.devel, once per lever
combination (see the file's header), each as its own module:

    python setup.py -q --hpy-abi=universal build_ext --inplace

bench/object-costs runs it with .venv's hpy 0.9.0 (for hpy_rs_universal on
CPython 3.14) and with PyPy's own hpy.devel (PyPy's context layout).
"""

from setuptools import Extension, setup

# module name -> the switches it sets (the others are 0)
VARIANTS = {
    "kiwi_twin": {},
    "kiwi_twin_destroy": {"TWIN_DESTROY": 1},
    "kiwi_twin_gcvar": {"TWIN_GC_VARIABLE": 1},
    "kiwi_twin_inline": {"TWIN_INLINE": 1},
    "kiwi_twin_pay_destroy": {"TWIN_PAYLOAD": 1},
    "kiwi_twin_pay_leak": {"TWIN_PAYLOAD": 2},
    "kiwi_twin_pay_bytes": {"TWIN_PAYLOAD": 3},
    "kiwi_twin_inline_safe_new": {"TWIN_INLINE": 1, "TWIN_SAFE_NEW": 1},
}

setup(
    py_modules=[],
    name="kiwi-twin",
    version="0",
    hpy_ext_modules=[
        Extension(
            name,
            ["kiwi_twin.c"],
            define_macros=[("TWIN_NAME", name)] + [(k, str(v)) for k, v in switches.items()],
            extra_compile_args=["-O2", "-Wall"],
        )
        for name, switches in VARIANTS.items()
    ],
)
