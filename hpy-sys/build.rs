//! hpy-sys build script.
//!
//! Universal ABI (`--features universal`): nothing to do (no Python, no C).
//!
//! CPython ABI: finds the CPython to build for (`$HPY_PYTHON`, else
//! `python3`, else `python`) and emits its version as cfg *ranges*:
//! `Py_3_12` means "3.12 or later", and so on up to `Py_3_15` (3.11 sets
//! none). The runtime is hpy-sys's own Rust code: nothing is compiled from C
//! and the `hpy` package is not needed. libpython is not linked: extensions
//! resolve `Py*` symbols from the interpreter that loads them.
//!
//! Without any Python (none on PATH and `HPY_PYTHON` unset), or with
//! `HPY_NO_PYTHON=1` (and on docs.rs), the crate still type-checks and
//! documents (`cargo check`, `cargo doc`), with a warning: it is built with
//! the cfg `hpy_no_python`, and a module built that way refuses to import
//! with an `ImportError` naming the fix. A Python that is found but cannot
//! be built for (PyPy, 3.10, no headers, ...) is an error of one line.

use hpy_build_config::{discover_cpython, Discovery, SUPPORTED_MINORS};

fn main() {
    let minors = SUPPORTED_MINORS.0 + 1..=SUPPORTED_MINORS.1;
    for minor in minors.clone() {
        println!("cargo::rustc-check-cfg=cfg(Py_3_{minor})");
    }
    println!("cargo::rustc-check-cfg=cfg(hpy_inline_refcount)");
    println!("cargo::rustc-check-cfg=cfg(hpy_no_python)");
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
    for var in ["HPY_PYTHON", "HPY_NO_PYTHON", "DOCS_RS"] {
        println!("cargo::rerun-if-env-changed={var}");
    }

    let no_python = |why: &str| {
        println!(
            "cargo::warning=hpy-sys: {why}; built without a Python (cfg hpy_no_python): it \
             type-checks and documents, but an extension built so refuses to import"
        );
        println!("cargo::rustc-cfg=hpy_no_python");
    };
    if std::env::var_os("HPY_NO_PYTHON").is_some_and(|v| !v.is_empty() && v != "0") {
        return no_python("HPY_NO_PYTHON is set");
    }
    if std::env::var_os("DOCS_RS").is_some() {
        return no_python("building on docs.rs");
    }
    let info = match discover_cpython() {
        Ok(info) => info,
        Err(Discovery::NotFound(msg)) => {
            // Look again once a Python may have appeared on PATH.
            println!("cargo::rerun-if-env-changed=PATH");
            return no_python(&msg);
        }
        Err(Discovery::Unusable(msg)) => {
            // One line, no backtrace: cargo shows the build script's stderr.
            eprintln!("error: hpy-sys (CPython ABI): {msg}");
            std::process::exit(1);
        }
    };
    let (_, minor) = info.version;
    for m in minors {
        if minor >= m {
            println!("cargo::rustc-cfg=Py_3_{m}");
        }
    }
    // Refcounting inline (with the immortality test on 3.12+) needs the
    // release object layout; debug builds use the exported functions.
    if !info.py_debug {
        println!("cargo::rustc-cfg=hpy_inline_refcount");
    }
}
