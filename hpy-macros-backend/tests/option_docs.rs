//! hpy's rustdoc of each macro names every option its parser accepts.
//!
//! The option names come from the backend's tables
//! (`hpy_macros_backend::options`), which the parsers suggest from; a scan
//! of the parsers' sources checks that every name they compare against is
//! in a table. The docs are the doc comments on `hpy`'s re-exports of the
//! macros (`pub use hpy_macros::hpy_class;` …, in `hpy/src/lib.rs`), which
//! is what rustdoc shows for `hpy::hpy_class`. An option counts as named
//! when it appears in backquotes: `` `name` `` or `` `name = ...` ``.

use std::path::Path;

use hpy_macros_backend::options;

/// The doc comment (`///` lines) right above `pub use hpy_macros::NAME;`.
fn rustdoc_of(name: &str) -> String {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hpy/src/lib.rs");
    let text = std::fs::read_to_string(&lib).expect("read hpy/src/lib.rs");
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("pub use hpy_macros::{name};"))
        .unwrap_or_else(|| panic!("no `pub use hpy_macros::{name};` in hpy/src/lib.rs"));
    let mut doc: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("///"))
        .map(|l| l.trim_start().trim_start_matches("///"))
        .collect();
    doc.reverse();
    assert!(doc.len() > 3, "the docs of {name} are missing");
    doc.join("\n")
}

/// Whether `doc` names `option` in backquotes (`` `option` ``,
/// `` `option = ...` ``, `` `option(...)` ``, `` `#[option]` ``).
fn names(doc: &str, option: &str) -> bool {
    doc.match_indices(option).any(|(i, _)| {
        let before = &doc[..i];
        let after = doc[i + option.len()..].chars().next();
        let opens = before.ends_with('`') || before.ends_with("`#[") || before.ends_with("`#[hpy(");
        let closes = matches!(after, Some('`' | ' ' | '(' | ')' | ']' | ':' | ','));
        opens && closes
    })
}

fn check(problems: &mut Vec<String>, doc_of: &str, what: &str, list: &[&str]) {
    let doc = rustdoc_of(doc_of);
    for option in list {
        if !names(&doc, option) {
            problems.push(format!(
                "the docs of hpy::{doc_of} (hpy/src/lib.rs) do not name {what} `{option}`"
            ));
        }
    }
}

#[test]
fn every_option_is_documented() {
    let mut problems = Vec::new();
    check(&mut problems, "hpy_class", "the option", options::CLASS);
    check(
        &mut problems,
        "hpy_class",
        "the #[member] option",
        options::MEMBER,
    );
    check(&mut problems, "hpy_method", "the option", options::METHOD);
    check(&mut problems, "hpy_methods", "the option", options::METHODS);
    check(
        &mut problems,
        "hpy_methods",
        "the method attribute",
        options::METHODS_ROLES,
    );
    check(
        &mut problems,
        "hpy_methods",
        "the #[method] option",
        options::METHODS_METHOD,
    );
    check(
        &mut problems,
        "hpy_methods",
        "the special method",
        &options::special_methods(),
    );
    check(
        &mut problems,
        "hpy_methods",
        "the #[slot] name",
        &options::explicit_slots(),
    );
    check(&mut problems, "hpy_module", "the key", options::MODULE);
    check(
        &mut problems,
        "hpy_module",
        "the types: attribute",
        options::MODULE_TYPE,
    );
    check(
        &mut problems,
        "FromHPy",
        "the #[hpy] option",
        options::DERIVE_TYPE,
    );
    check(
        &mut problems,
        "FromHPy",
        "the #[hpy] field option",
        options::DERIVE_FIELD,
    );
    check(
        &mut problems,
        "IntoHPy",
        "the #[hpy] option",
        options::DERIVE_TYPE,
    );
    check(
        &mut problems,
        "IntoHPy",
        "the #[hpy] field option",
        options::DERIVE_FIELD,
    );
    check(
        &mut problems,
        "FromKeywords",
        "the #[hpy] option",
        options::KEYWORDS_TYPE,
    );
    check(
        &mut problems,
        "FromKeywords",
        "the #[hpy] field option",
        options::KEYWORDS_FIELD,
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Names the parsers compare with that are not options: attribute names
/// recognised to give a better error, and type names.
const NOT_OPTIONS: &[(&str, &str)] = &[
    (
        "pyo3",
        "PyO3's attribute, recognised to say what to write instead",
    ),
    ("member", "the field attribute itself (#[member])"),
    ("hpy", "the derive's attribute itself (#[hpy(...)])"),
    (
        "hpy_keywords",
        "the hidden attribute a keyword set's macro writes on the item it gives back",
    ),
    ("Some", "a pattern in a default value"),
    ("None", "a pattern in a default value"),
    ("Builtins", "a type name"),
    (
        "Self",
        "a type name: the class in a receiver's type (`Ref<'_, 'ctx, Self>`)",
    ),
    (
        "inline",
        "Rust's own attribute, looked for on a #[hpy_method] function (not an option)",
    ),
];

/// Every `is_ident("x")` of the backend, and `hpy_module!`'s `"key" =>`
/// arms, is an entry of a table (or a name listed in [`NOT_OPTIONS`]).
#[test]
fn the_tables_hold_every_name_the_parsers_accept() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let tables: Vec<&str> = [
        options::CLASS,
        options::MEMBER,
        options::METHOD,
        options::METHODS,
        options::METHODS_ROLES,
        options::METHODS_METHOD,
        options::MODULE,
        options::MODULE_TYPE,
        options::DERIVE_TYPE,
        options::DERIVE_FIELD,
        options::KEYWORDS_TYPE,
        options::KEYWORDS_FIELD,
    ]
    .concat();
    let mut problems = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&src).expect("read src") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read source");
        // Unit tests are not parsers.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let module_arms = path.ends_with("module.rs");
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let word = &rest[..end];
            if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let compared = text[..i].ends_with("is_ident(");
            let arm = module_arms
                && (rest[end + 1..].trim_start().starts_with("=>")
                    || rest[end + 1..].trim_start().starts_with('|'));
            if !(compared || arm) {
                continue;
            }
            seen += 1;
            if !tables.contains(&word) && !NOT_OPTIONS.iter().any(|(n, _)| *n == word) {
                problems.push(format!(
                    "{}: `{word}` is accepted but in no table of src/options.rs",
                    path.file_name().expect("name").to_string_lossy()
                ));
            }
        }
    }
    assert!(
        seen >= 40,
        "the scan found only {seen} names: is it still matching?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
