//! `docs/api-coverage.md` must list every field of the installed HPy
//! universal context (`hpy/universal/autogen_ctx.h`), and every `Handle::` /
//! `Context::` method it names must exist in `hpy/src`. Prints the coverage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[path = "../../hpy-sys/build_support.rs"]
mod build_support;

/// The `ctx_*` function fields and `h_*` handle fields of the context, in
/// header order.
fn context_fields(header: &str) -> Vec<String> {
    let start = header
        .find("struct _HPyContext_s")
        .expect("autogen_ctx.h defines struct _HPyContext_s");
    let mut fields = Vec::new();
    for line in header[start..].lines() {
        let line = line.trim();
        if let Some(pos) = line.find("(*ctx_") {
            let name: String = line[pos + 2..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            fields.push(name);
        } else if let Some(rest) = line.strip_prefix("HPy h_") {
            fields.push(format!("h_{}", rest.trim_end_matches(';')));
        }
    }
    fields
}

/// Rows of the coverage tables: field name -> safe-API cell.
fn coverage_rows(doc: &str) -> BTreeMap<String, String> {
    let mut rows = BTreeMap::new();
    for line in doc.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let Some((field, cell)) = rest.split_once("` | ") else {
            continue;
        };
        let cell = cell.trim_end().trim_end_matches('|').trim().to_string();
        rows.insert(field.to_string(), cell);
    }
    rows
}

/// Every `Handle::name` / `Context::name` mentioned in a cell.
fn named_methods(cell: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for ty in ["Handle", "Context"] {
        let pattern = format!("{ty}::");
        let mut rest = cell;
        while let Some(pos) = rest.find(&pattern) {
            rest = &rest[pos + pattern.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((ty.to_string(), name));
            }
        }
    }
    found
}

fn rust_sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("read hpy/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("read source"));
            out.push('\n');
        }
    }
}

/// `pub fn name(` / `pub fn name<`, or an entry `name => ...` of the
/// method-generating macros (as in `number.rs`).
fn defines_method(sources: &str, method: &str) -> bool {
    [
        format!("pub fn {method}("),
        format!("pub fn {method}<"),
        format!(" {method} => "),
        format!(" {method} -> "),
    ]
    .iter()
    .any(|pattern| sources.contains(pattern.as_str()))
}

#[test]
fn every_context_field_is_covered() {
    let info = build_support::discover_python().unwrap_or_else(|e| panic!("{e}"));
    let header_path = info
        .hpy_include_dir
        .unwrap_or_else(|e| panic!("{e}: this test reads HPy's header (run it with HPY_PYTHON set to a Python with hpy==0.9.0)"))
        .join("hpy")
        .join("universal")
        .join("autogen_ctx.h");
    let header = std::fs::read_to_string(&header_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", header_path.display()));
    let fields = context_fields(&header);
    let functions = fields.iter().filter(|f| f.starts_with("ctx_")).count();
    let handles = fields.len() - functions;
    assert_eq!(
        (functions, handles),
        (180, 83),
        "HPy 0.9.0 has 180 + 83 fields"
    );

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let doc_path = root.join("../docs/api-coverage.md");
    let doc = std::fs::read_to_string(&doc_path).expect("read docs/api-coverage.md");
    let rows = coverage_rows(&doc);
    let mut sources = String::new();
    rust_sources(&root.join("src"), &mut sources);

    let mut problems = Vec::new();
    let (mut exposed, mut omitted) = (0, 0);
    for field in &fields {
        let Some(cell) = rows.get(field) else {
            problems.push(format!("{field} is missing from docs/api-coverage.md"));
            continue;
        };
        if cell.starts_with("omitted:") {
            omitted += 1;
            continue;
        }
        if cell.is_empty() {
            problems.push(format!("{field} has an empty entry"));
            continue;
        }
        exposed += 1;
        for (ty, method) in named_methods(cell) {
            if !defines_method(&sources, &method) {
                problems.push(format!("{field}: {ty}::{method} does not exist in hpy/src"));
            }
        }
    }
    for field in rows.keys() {
        if !fields.contains(field) {
            problems.push(format!(
                "docs/api-coverage.md lists {field}, which the header does not have"
            ));
        }
    }
    let total = fields.len();
    println!(
        "HPy 0.9.0 context: {total} fields ({functions} functions, {handles} handles); \
         {exposed} exposed, {omitted} omitted; coverage {:.1}% of the {} fields not omitted \
         ({:.1}% of all)",
        100.0 * exposed as f64 / (total - omitted) as f64,
        total - omitted,
        100.0 * exposed as f64 / total as f64,
    );
    assert!(
        problems.is_empty(),
        "api-coverage problems:\n  {}",
        problems.join("\n  ")
    );
}
