"""Builds the C benchmark modules: `simple_capi` with plain setuptools and
`simple_hpyc` with hpy.devel (`--hpy-abi=cpython` or `--hpy-abi=universal`).
Used by bench/run as `python setup.py --hpy-abi=ABI build --build-base DIR`.
With BENCH_C_NO_HPY=1 (an interpreter without the hpy package) only
`simple_capi` is built, and `--hpy-abi` must not be given."""

import os

from setuptools import Extension, setup

FLAGS = ["-O3"]
HPY = os.environ.get("BENCH_C_NO_HPY", "") in ("", "0")

HPY_MODULES = [Extension("simple_hpyc", ["simple_hpyc.c"], extra_compile_args=FLAGS)]

setup(
    name="hpy-rs-bench-c",
    version="0",
    ext_modules=[Extension("simple_capi", ["simple_capi.c"], extra_compile_args=FLAGS)],
    **({"hpy_ext_modules": HPY_MODULES} if HPY else {}),
)
