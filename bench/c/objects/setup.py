"""Builds bench/c/objects/objects_hpyc.c (C against HPy 0.9) with hpy.devel,
for bench/object-twins:

    python setup.py -q --hpy-abi=universal build --build-base DIR

(bench/object-twins runs it with the repository's .venv, hpy 0.9.0). The
C-API twin, objects_capi.c, is compiled by bench/object-twins itself, once
per CPython, with that CPython's CFLAGS."""

from setuptools import Extension, setup

setup(
    name="hpy-rs-bench-objects",
    version="0",
    hpy_ext_modules=[
        Extension("objects_hpyc", ["objects_hpyc.c"], extra_compile_args=["-O3", "-Wall", "-Werror"])
    ],
)
