//! Re-runs `generate/debug_gen.py --check` and `generate/trace_gen.py
//! --check`: fails (printing the diff) when the committed
//! `src/debug/generated.rs` or `src/trace/generated.rs` differs from what the
//! installed HPy headers give. The generator needs a Python with `hpy==0.9.0`: the
//! first of `$HPY_PYTHON`, the repository's `.venv/bin/python` and
//! `python3` that has it is used; with none, the test says so and passes
//! without checking.

use std::path::Path;
use std::process::Command;

/// The generator's exit status when the hpy package is missing.
const NO_HPY: i32 = 3;

#[test]
fn debug_wrappers_are_up_to_date() {
    check_generator("debug_gen.py", "src/debug/generated.rs");
}

#[test]
fn trace_wrappers_are_up_to_date() {
    check_generator("trace_gen.py", "src/trace/generated.rs");
}

fn check_generator(generator: &str, output: &str) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = crate_dir.join("generate").join(generator);
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(python) = std::env::var("HPY_PYTHON") {
        candidates.push(python);
    }
    let venv = crate_dir.join("../.venv/bin/python");
    if venv.exists() {
        candidates.push(venv.display().to_string());
    }
    candidates.push("python3".into());

    let mut why_not = Vec::new();
    for python in &candidates {
        let out = match Command::new(python).arg(&script).arg("--check").output() {
            Ok(out) => out,
            Err(e) => {
                why_not.push(format!("`{python}` cannot be run: {e}"));
                continue;
            }
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(NO_HPY) {
            why_not.push(format!("`{python}`: {}", stderr.trim()));
            continue;
        }
        println!("{python}: {stderr}");
        assert!(
            out.status.success(),
            "{output} is out of date (run `{python} \
             hpy-universal/generate/{generator}`):\n{stdout}\n{stderr}"
        );
        return;
    }
    println!(
        "SKIPPED: no Python with hpy==0.9.0 to run the generator:\n  {}",
        why_not.join("\n  ")
    );
}
