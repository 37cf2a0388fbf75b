"""Builds bench/c/rpds/rpds_twin.c with hpy.devel, once per lever
combination (see the file's header), each as its own module, every one
linked with the Rust staticlib of rust/ (the rpds crate behind an extern
"C" API), which must be built first:

    cargo build --release --offline --manifest-path rust/Cargo.toml  # CARGO_TARGET_DIR=...
    RPDS_TWIN_LIB=.../librpds_twin_rs.a python setup.py -q --hpy-abi=universal build

bench/rpds-twin-run does both (with /work/main's .venv hpy 0.9.0; the
binary runs on PyPy 7.3.19's own HPy, as bench/c/kiwi's).
"""

import os

from setuptools import Extension, setup

# module name -> the switches it sets (the others keep their defaults)
VARIANTS = {
    "rpds_twin": {},
    "rpds_twin_emptydestroy": {"TWIN_DESTROY": 2},
    "rpds_twin_nodestroy": {"TWIN_DESTROY": 0},
}

LIB = os.environ["RPDS_TWIN_LIB"]
# PyPy's own HPy headers (hpy.devel/include of the hpy it ships): PyPy
# 7.3.19 implements an HPy 0.9 development snapshot whose context has one
# more handle (h_DictType) than 0.9.0's, so the 19 functions after
# h_Builtins (HPy_Call, HPyDict_Keys ...) sit one slot later. Put first,
# they give the twin PyPy's layout; hpy.devel 0.9.0 (whose runtime sources
# PyPy's copy lacks) compiles the rest.
INCLUDE = os.environ["RPDS_TWIN_HPY_INCLUDE"]

setup(
    py_modules=[],
    name="rpds-twin",
    version="0",
    hpy_ext_modules=[
        Extension(
            name,
            ["rpds_twin.c"],
            define_macros=[("TWIN_NAME", name)] + [(k, str(v)) for k, v in switches.items()],
            extra_compile_args=["-O2", "-Wall"],
            include_dirs=[INCLUDE],
            extra_objects=[LIB],
            libraries=["pthread", "dl", "m"],
            extra_link_args=["-Wl,--gc-sections", "-Wl,--exclude-libs,ALL"],
        )
        for name, switches in VARIANTS.items()
    ],
)
