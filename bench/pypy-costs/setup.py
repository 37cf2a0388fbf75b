"""Builds bench/pypy-costs/pypy_costs.c, conv_floor.c and
conv_designs.c, open_many.c and xxh_floor.c with hpy.devel (see
run.py and bench/conv-counts --pypy)."""

from setuptools import Extension, setup

setup(
    py_modules=[],
    name="pypy-costs",
    version="0",
    hpy_ext_modules=[Extension("pypy_costs", ["pypy_costs.c"], extra_compile_args=["-O2"]),
                     Extension("conv_floor", ["conv_floor.c"], extra_compile_args=["-O2"]),
                     Extension("conv_designs", ["conv_designs.c"], extra_compile_args=["-O2"]),
                     Extension("open_many", ["open_many.c"], extra_compile_args=["-O2"]),
                     Extension("xxh_floor", ["xxh_floor.c"], extra_compile_args=["-O2"])],
)
