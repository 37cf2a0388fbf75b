//! Layout test: compiles `tests/layout_probe.c` against the installed HPy (and,
//! for the CPython ABI, Python) headers for the ABI this test is built with,
//! runs it, and compares every size, alignment, field offset/size and constant
//! it prints with the Rust side (`tests/generated/layout_rust.rs`).

#[path = "../build_support.rs"]
#[allow(dead_code)]
mod build_support;

#[allow(unused_imports)]
use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};
#[allow(unused_imports)]
use core::mem::{align_of, offset_of, size_of};
#[allow(unused_imports)]
use hpy_sys::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Size of the field that `get` projects to (the closure is never called).
#[allow(dead_code)]
fn fsize<T, F>(_get: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

mod generated {
    use super::*;
    include!("generated/layout_rust.rs");
}

fn run_probe() -> BTreeMap<String, i128> {
    let info = build_support::discover_python().unwrap_or_else(|e| panic!("{e}"));
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let abi = if cfg!(feature = "universal") {
        "universal"
    } else {
        "cpython"
    };
    let exe = out_dir.join(format!("hpy_layout_probe_{abi}"));
    let mut build = cc::Build::new();
    build
        .target(env!("HPY_SYS_TARGET"))
        .host(env!("HPY_SYS_HOST"))
        .opt_level(0)
        .debug(false)
        .cargo_metadata(false)
        .warnings(false)
        .include(&info.hpy_include_dir);
    if cfg!(feature = "universal") {
        build.define("HPY_ABI_UNIVERSAL", None);
    } else {
        let info = build_support::discover_cpython().unwrap_or_else(|e| panic!("{e}"));
        build
            .define("HPY_ABI_CPYTHON", None)
            .include(&info.include_dir);
    }
    let mut cmd = build.get_compiler().to_command();
    let probe = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/layout_probe.c");
    cmd.arg(probe).arg("-o").arg(&exe);
    let status = cmd.status().expect("cannot run the C compiler");
    assert!(status.success(), "compiling {probe} failed: {cmd:?}");
    let out = Command::new(&exe)
        .output()
        .expect("cannot run the layout probe");
    assert!(out.status.success(), "the layout probe failed");
    let mut map = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (k, v) = line.rsplit_once(' ').expect("malformed probe line");
        let old = map.insert(k.to_string(), v.parse::<i128>().expect("bad value"));
        assert!(old.is_none(), "duplicate probe key {k}");
    }
    map
}

#[test]
fn layout_matches_the_c_headers() {
    let c = run_probe();
    let rust = generated::rust_entries();
    let mut mismatches = Vec::new();
    let mut seen = BTreeMap::new();
    for (key, value) in &rust {
        assert!(seen.insert(*key, ()).is_none(), "duplicate Rust key {key}");
        match c.get(*key) {
            None => mismatches.push(format!("{key}: missing from the C probe")),
            Some(cv) if cv != value => mismatches.push(format!("{key}: Rust {value}, C {cv}")),
            Some(_) => {}
        }
    }
    for key in c.keys() {
        if !seen.contains_key(key.as_str()) {
            mismatches.push(format!("{key}: missing on the Rust side"));
        }
    }
    let ctx_fields = |prefix: &str| {
        rust.iter()
            .filter(|(k, _)| k.starts_with(&format!("offset:HPyContext.{prefix}")))
            .count()
    };
    let (handles, functions) = (ctx_fields("h_"), ctx_fields("ctx_"));
    let abi = if cfg!(feature = "universal") {
        "universal"
    } else {
        "CPython"
    };
    println!("{abi} ABI: checked {} layout entries", rust.len());
    println!(
        "checked {} HPyContext fields ({handles} handles + {functions} functions)",
        handles + functions
    );
    if cfg!(feature = "universal") {
        assert_eq!((handles, functions), (83, 180));
    } else {
        assert_eq!((handles, functions), (83, 0));
    }
    assert!(
        mismatches.is_empty(),
        "{} layout mismatch(es):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
