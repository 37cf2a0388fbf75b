//! Misuse of the safe API that must not compile. Each file under `tests/ui/`
//! is one misuse; its `.stderr` holds the expected compiler error.
//! Regenerate the expectations with `TRYBUILD=overwrite cargo test -p hpy-rs --test compile_fail`
//! (and review the diff).

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

/// Misuse whose compiler error may differ between the ABIs (a note naming
/// the ABI layer's `cpython` or `universal` module): one expectation per
/// ABI, the sources identical.
#[test]
fn abi_specific_misuse_does_not_compile() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui-abi");
    let sources = |abi: &str| -> Vec<(std::ffi::OsString, String)> {
        let mut files: Vec<_> = std::fs::read_dir(root.join(abi))
            .unwrap_or_else(|e| panic!("cannot read tests/ui-abi/{abi}: {e}"))
            .map(|entry| entry.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|p| {
                (
                    p.file_name().expect("a file").to_owned(),
                    std::fs::read_to_string(&p).expect("readable"),
                )
            })
            .collect();
        files.sort();
        files
    };
    let cpython = sources("cpython");
    assert!(!cpython.is_empty(), "no cases in tests/ui-abi/cpython");
    assert_eq!(
        cpython,
        sources("universal"),
        "tests/ui-abi/cpython and universal must hold the same sources"
    );
    let cases = trybuild::TestCases::new();
    if cfg!(feature = "universal") {
        cases.compile_fail("tests/ui-abi/universal/*.rs");
    } else {
        cases.compile_fail("tests/ui-abi/cpython/*.rs");
    }
}

/// Misuse of `hpy::numpy` (feature `numpy`): `cargo test -p hpy-rs --test
/// compile_fail --features numpy`.
#[cfg(feature = "numpy")]
#[test]
fn numpy_misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui-numpy/*.rs");
}

#[test]
fn expansions_are_hygienic() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui-pass/*.rs");
}

/// The inputs of the macro-expansion snapshots
/// (`hpy-macros-backend/tests/expand/*.rs`, not their `.expanded.rs`
/// outputs) are real user code: they must compile.
#[test]
fn expansion_snapshot_inputs_compile() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../hpy-macros-backend/tests/expand");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".rs") && !name.ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "no snapshot inputs in {}",
        dir.display()
    );
    let cases = trybuild::TestCases::new();
    for input in inputs {
        cases.pass(input);
    }
}
