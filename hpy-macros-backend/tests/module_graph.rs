//! The backend's modules import each other without a circle, and the
//! tables (`tables`, `block`) and helpers (`utils`, `diag`) are leaves: a
//! module can be read knowing only what it imports.
//!
//! The scan reads each `src/*.rs` up to its `#[cfg(test)]` module (unit
//! tests may use anything) and collects the `crate::NAME` paths in it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name → the modules of the crate it names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .expect("src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let names: BTreeSet<String> = files
        .iter()
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    let mut graph = BTreeMap::new();
    for path in &files {
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).expect("read");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut uses = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let module = &rest[..end];
            if names.contains(module) && module != name {
                uses.insert(module.to_owned());
            }
        }
        // `use crate::{a, b}` lists.
        for (at, _) in code.match_indices("use crate::{") {
            let rest = &code[at + "use crate::{".len()..];
            let list = &rest[..rest.find('}').unwrap_or(0)];
            for item in list.split(',') {
                let module = item.trim().split("::").next().unwrap_or("");
                if names.contains(module) && module != name {
                    uses.insert(module.to_owned());
                }
            }
        }
        graph.insert(name, uses);
    }
    graph
}

/// A circle through `from`, if any (depth-first).
fn circle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|m| m == from) {
        let mut found = path[at..].to_vec();
        found.push(from.to_owned());
        return Some(found);
    }
    path.push(from.to_owned());
    for next in graph.get(from).into_iter().flatten() {
        if let Some(found) = circle(graph, next, path) {
            return Some(found);
        }
    }
    path.pop();
    None
}

#[test]
fn modules_import_without_a_circle() {
    let graph = imports();
    assert!(graph.len() > 5, "too few modules found: {graph:?}");
    for module in graph.keys() {
        if let Some(found) = circle(&graph, module, &mut Vec::new()) {
            panic!("import circle: {}", found.join(" -> "));
        }
    }
}

#[test]
fn tables_and_helpers_are_leaves() {
    let graph = imports();
    for leaf in ["tables", "block", "utils", "diag"] {
        let uses = graph
            .get(leaf)
            .unwrap_or_else(|| panic!("no module {leaf}"));
        assert!(uses.is_empty(), "{leaf} imports {uses:?}");
    }
}

/// The check itself finds a circle and accepts a tree.
#[test]
fn a_circle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert!(circle(&graph, "d", &mut Vec::new()).is_some());
    let tree: BTreeMap<String, BTreeSet<String>> = [("a", vec!["b"]), ("b", vec![])]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect();
    assert!(circle(&tree, "a", &mut Vec::new()).is_none());
}
