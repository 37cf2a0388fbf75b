//! Re-runs the generator in `--check` mode: fails (printing the diff) when the
//! committed generated files differ from what the installed HPy headers give.

use std::process::Command;

#[test]
fn generated_files_are_up_to_date() {
    let python = hpy_build_config::python_command();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/generate/hpy_sys_gen.py");
    let out = Command::new(&python)
        .arg(script)
        .arg("--check")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{python}` ({e}): set HPY_PYTHON to a Python with hpy==0.9.0")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    assert!(
        out.status.success(),
        "generated files are out of date (run `{python} hpy-sys/generate/hpy_sys_gen.py`):\n{stdout}\n{stderr}"
    );
}
