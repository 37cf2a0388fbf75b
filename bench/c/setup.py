"""Builds the C benchmark modules: `simple_capi` with plain setuptools and
`simple_hpyc` with hpy.devel (`--hpy-abi=cpython` or `--hpy-abi=universal`).
Used by bench/run as `python setup.py build_ext --build-lib DIR`."""

from setuptools import Extension, setup

FLAGS = ["-O3"]

setup(
    name="hpy-rs-bench-c",
    version="0",
    ext_modules=[Extension("simple_capi", ["simple_capi.c"], extra_compile_args=FLAGS)],
    hpy_ext_modules=[Extension("simple_hpyc", ["simple_hpyc.c"], extra_compile_args=FLAGS)],
)
