//! The generated CPython-ABI shims (`src/generated/cpython_api.rs`) pass a
//! NULL context to hpy-sys's runtime functions: that is only right while
//! every runtime `ctx_*` function ignores its context, which this test
//! checks on the source (each one names its first parameter `_ctx`).

use std::path::Path;

#[test]
fn runtime_functions_ignore_their_context() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cpython/runtime");
    let mut checked = 0;
    let mut bad = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("runtime sources") {
        let path = entry.expect("dir entry").path();
        let text = std::fs::read_to_string(&path).expect("readable source");
        for (i, _) in text.match_indices("pub unsafe fn ctx_") {
            let rest = &text[i..];
            let open = rest.find('(').expect("a parameter list");
            let first = rest[open + 1..].trim_start();
            let name = &rest["pub unsafe fn ".len()..open];
            checked += 1;
            if !first.starts_with("_ctx:") {
                bad.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(checked >= 20, "found only {checked} runtime ctx_ functions");
    assert!(
        bad.is_empty(),
        "runtime functions that read their context (the generated shims pass NULL): {bad:?}"
    );
}
