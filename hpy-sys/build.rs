//! hpy-sys build script.
//!
//! Universal ABI (`--features universal`): nothing to do (no Python, no C).
//! CPython ABI: find Python (`$HPY_PYTHON`, else `python3`), compile HPy's
//! CPython-side runtime (exactly the sources hpy.devel compiles for a C
//! extension) plus `csrc/hpy_rs_shim.c`, and emit cfgs for the Python version.
//! libpython is not linked: extensions resolve `Py*` symbols from the
//! interpreter that loads them.

include!("build_support.rs");

fn main() {
    println!("cargo::rustc-check-cfg=cfg(hpy_inline_refcount)");
    println!(
        "cargo::rustc-check-cfg=cfg(hpy_py_minor, values(\"8\", \"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"15\"))"
    );
    // The layout test compiles its C probe for the same target.
    for var in ["TARGET", "HOST"] {
        if let Ok(v) = std::env::var(var) {
            println!("cargo::rustc-env=HPY_SYS_{var}={v}");
        }
    }
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_UNIVERSAL").is_some() {
        return;
    }
    println!("cargo::rerun-if-env-changed=HPY_PYTHON");
    println!("cargo::rerun-if-changed=build_support.rs");
    println!("cargo::rerun-if-changed=csrc/hpy_rs_shim.c");

    let info = match discover_cpython() {
        Ok(info) => info,
        Err(msg) => {
            eprintln!("error: hpy-sys (CPython ABI): {msg}");
            panic!("hpy-sys (CPython ABI): {msg}");
        }
    };
    let (major, minor) = info.version;
    println!("cargo::rustc-cfg=hpy_py_minor=\"{minor}\"");
    if (major, minor) == (3, 11) && !info.py_debug {
        println!("cargo::rustc-cfg=hpy_inline_refcount");
    }
    for src in &info.hpy_runtime_sources {
        println!("cargo::rerun-if-changed={}", src.display());
    }

    let mut build = cc::Build::new();
    build
        .define("HPY_ABI_CPYTHON", None)
        .include(&info.hpy_include_dir)
        .include(&info.include_dir)
        .pic(true)
        .warnings(false)
        .files(&info.hpy_runtime_sources)
        .file("csrc/hpy_rs_shim.c");
    build.compile("hpy_rs_cpython_runtime");
}
