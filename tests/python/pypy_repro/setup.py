"""Builds the C HPy reproducers of PyPy defects (see run.py) with hpy.devel:
`python setup.py -q --hpy-abi=universal build --build-base DIR`."""

from setuptools import setup

from setuptools import Extension

setup(
    name="hpy-rs-pypy-repro",
    version="0",
    hpy_ext_modules=[Extension("new_without_class", ["new_without_class.c"])],
)
