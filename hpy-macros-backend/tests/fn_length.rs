//! No function of the macro backend, nor of the runtime's argument parser
//! (`hpy/src/runtime/extract.rs`), is longer than [`LIMIT`] lines: a longer
//! one is split where it does two things.
//!
//! The scan relies on rustfmt's layout (checked by `cargo fmt --check`): a
//! function starts at a line `fn NAME` (after `pub`, `const`, `unsafe`…)
//! and ends at the first later line that is its indentation plus `}`.
//! Each file is read up to its `#[cfg(test)]` module.

use std::path::{Path, PathBuf};

/// The longest function allowed, in lines (signature to closing brace).
const LIMIT: usize = 120;

/// `(name, first line (1-based), length in lines)` of every function with
/// a body in `text`.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let mut words = trimmed.split_whitespace().peekable();
        while let Some(w) = words.peek() {
            if w.starts_with("pub") || ["const", "unsafe", "async", "extern", "\"C\""].contains(w) {
                words.next();
            } else {
                break;
            }
        }
        if words.next() != Some("fn") {
            continue;
        }
        let Some(name) = words.next() else { continue };
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // A declaration without a body (a trait's) ends with `;` before
        // any `{`; a one-line body ends on its own line.
        let header_end = (i..lines.len())
            .find(|&j| lines[j].contains('{') || lines[j].trim_end().ends_with(';'));
        let Some(header_end) = header_end else {
            continue;
        };
        if !lines[header_end].contains('{') || lines[header_end].trim_end().ends_with('}') {
            continue;
        }
        let close = format!("{indent}}}");
        if let Some(end) = (header_end + 1..lines.len()).find(|&j| lines[j] == close) {
            found.push((name, i + 1, end - i + 1));
        }
    }
    found
}

fn sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("src"))
        .expect("src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.push(root.join("../hpy/src/runtime/extract.rs"));
    files.sort();
    files
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let mut long = Vec::new();
    let mut seen = 0;
    for path in sources() {
        let text = std::fs::read_to_string(&path).expect("read");
        // Unit tests (tables of cases) are not held to it.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (name, line, length) in functions(code) {
            seen += 1;
            if length > LIMIT {
                long.push(format!("{}:{line} {name}: {length} lines", path.display()));
            }
        }
    }
    assert!(
        seen > 100,
        "too few functions found ({seen}): is the scan broken?"
    );
    assert!(
        long.is_empty(),
        "functions over {LIMIT} lines:\n{}",
        long.join("\n")
    );
}

/// The scan measures what it should.
#[test]
fn the_scan_measures_functions() {
    let text = "\
pub(crate) fn short(a: u8) -> u8 {
    a
}

trait T {
    fn declared(&self);
    fn one_line(&self) {}
}

impl S {
    pub unsafe fn method(
        &self,
    ) {
        if x {
            y
        }
    }
}
";
    assert_eq!(
        functions(text),
        vec![("short".to_owned(), 1, 3), ("method".to_owned(), 11, 7)]
    );
}
