"""Builds bench/c/ujson_floor/ujson_floor.c (C against HPy 0.9) with
hpy.devel, universal, for bench/ujson-run:

    python setup.py -q --hpy-abi=universal build --build-base DIR

(bench/ujson-run runs it with the repository's .venv, hpy 0.9.0; the
helper is bench/ports.py's build_hpyc, which bench/object-twins' C twins
follow too)."""

from setuptools import Extension, setup

setup(
    name="hpy-rs-bench-ujson-floor",
    version="0",
    hpy_ext_modules=[
        Extension("ujson_floor", ["ujson_floor.c"], extra_compile_args=["-O3", "-Wall", "-Werror"])
    ],
)
