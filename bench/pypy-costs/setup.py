"""Builds bench/pypy-costs/pypy_costs.c with hpy.devel (see run.py)."""

from setuptools import Extension, setup

setup(
    py_modules=[],
    name="pypy-costs",
    version="0",
    hpy_ext_modules=[Extension("pypy_costs", ["pypy_costs.c"], extra_compile_args=["-O2"])],
)
