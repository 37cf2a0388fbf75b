//! Every safe `pub fn` and safe `pub trait` under `src/runtime/` and
//! `src/class/` (what the hidden API `impl_`, which macro expansions name,
//! re-exports) and `src/abi/` (the ABI layer) is on the reviewed list
//! `tests/impl_audit.txt`, each with the reason it cannot be misused from
//! safe code: it checks what it is given, it only builds data that an
//! `unsafe` trait or function must accept before anything trusts it, or it
//! touches no memory. A new safe item fails this test until it is made
//! `unsafe`, sealed, or reviewed and listed; a listed item that is gone
//! fails it too, so the list stays the truth.
//!
//! The scan reads the source text: a line `pub [const] [extern "C"] fn NAME`
//! or `pub trait NAME` (not `pub(crate)`, not `unsafe`), named
//! `FILE:NAME` for free items and traits and `FILE:TYPE::NAME` for methods
//! of an inherent `impl TYPE` block.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn identifier(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The type an `impl` line opens, or `None` for a trait impl.
fn impl_type(rest: &str) -> Option<String> {
    if rest.contains(" for ") {
        return None;
    }
    let mut rest = rest.trim_start();
    if rest.starts_with('<') {
        let mut depth = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        rest = rest[i + 1..].trim_start();
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    Some(identifier(rest).to_owned())
}

/// `(key, kind)` of every safe public fn and trait in the runtime and in
/// the class folder and the ABI layer `abi/`, which `impl_` re-exports
/// from (keys relative to `src/`: `runtime/def.rs:…`, `abi/cpython.rs:…`).
fn safe_public_items() -> BTreeMap<String, &'static str> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("runtime"), &mut files);
    rust_files(&src.join("class"), &mut files);
    rust_files(&src.join("abi"), &mut files);
    let mut items = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).expect("readable source");
        let mut current_impl: Option<String> = None;
        for line in text.lines() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let unsafe_impl = trimmed.strip_prefix("unsafe ").unwrap_or(trimmed);
            if let Some(rest) = unsafe_impl.strip_prefix("impl") {
                if rest.starts_with([' ', '<']) {
                    current_impl = impl_type(rest);
                    continue;
                }
            }
            let Some(mut rest) = trimmed.strip_prefix("pub ") else {
                continue;
            };
            let mut is_unsafe = false;
            loop {
                rest = rest.trim_start();
                if let Some(r) = rest.strip_prefix("const ") {
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("unsafe ") {
                    is_unsafe = true;
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("extern \"C\" ") {
                    rest = r;
                } else {
                    break;
                }
            }
            let (kind, name) = if let Some(r) = rest.strip_prefix("fn ") {
                ("fn", identifier(r))
            } else if let Some(r) = rest.strip_prefix("trait ") {
                ("trait", identifier(r))
            } else {
                continue;
            };
            if is_unsafe {
                continue;
            }
            let key = match (&current_impl, indent, kind) {
                (Some(ty), 1.., "fn") => format!("{rel}:{ty}::{name}"),
                _ => format!("{rel}:{name}"),
            };
            items.insert(key, kind);
        }
    }
    items
}

/// The reviewed list: `KEY | reason` lines (`#` starts a comment).
fn reviewed() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/impl_audit.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut list = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, reason) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("impl_audit.txt:{}: expected `KEY | reason`", n + 1));
        assert!(
            !reason.trim().is_empty(),
            "impl_audit.txt:{}: {key} has no reason",
            n + 1
        );
        list.insert(key.trim().to_owned(), reason.trim().to_owned());
    }
    list
}

#[test]
fn every_safe_item_of_impl_is_reviewed() {
    let found = safe_public_items();
    let listed = reviewed();
    let new: Vec<_> = found
        .iter()
        .filter(|(k, _)| !listed.contains_key(*k))
        .map(|(k, kind)| format!("  {k} ({kind})"))
        .collect();
    let gone: Vec<_> = listed
        .keys()
        .filter(|k| !found.contains_key(*k))
        .map(|k| format!("  {k}"))
        .collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "hpy::impl_ changed its safe public items.\n\
         New (make each `unsafe`, sealed, or taking proof only the macros can produce; \
         or add it to tests/impl_audit.txt with the reason safe code cannot misuse it):\n{}\n\
         Listed but gone (remove them from tests/impl_audit.txt):\n{}",
        new.join("\n"),
        gone.join("\n"),
    );
}

#[test]
fn the_scan_sees_safe_and_unsafe_items() {
    // The scan itself: known items on both sides of the line.
    let found = safe_public_items();
    assert!(found.contains_key("runtime/trampoline.rs:panics_as"));
    assert!(found.contains_key("runtime/def.rs:StaticDef::new"));
    assert!(!found.contains_key("runtime/module.rs:set_trampoline_context"));
    assert!(!found.contains_key("runtime/module.rs:register_global"));
    assert!(!found.contains_key("class/check.rs:self_ref"));
}

/// Whether `line` names `crate::impl_` other than as a macro expansion's
/// `$crate::impl_` (comments are not code).
fn names_impl(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or("");
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        let after = &rest[at + "crate::".len()..];
        let in_expansion = before.ends_with('$');
        let names = after.starts_with("impl_")
            || (after.starts_with('{')
                && after.split('}').next().is_some_and(|g| g.contains("impl_")));
        if names && !in_expansion {
            return true;
        }
        rest = after;
    }
    false
}

#[test]
fn only_expansions_name_impl_() {
    // `impl_` is what macro expansions name; the crate itself uses the
    // runtime (`src/runtime/`) and the ABI layer (`src/abi/`) directly.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let found: Vec<String> = files
        .iter()
        .filter(|f| **f != src.join("impl_.rs"))
        .filter(|f| {
            std::fs::read_to_string(f)
                .expect("readable source")
                .lines()
                .any(names_impl)
        })
        .map(|f| {
            f.strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert!(
        found.is_empty(),
        "files that name crate::impl_ (only macro expansions, `$crate::impl_`, may; \
         the crate uses crate::runtime and crate::abi): {found:?}"
    );
}

/// The code of every `.rs` file under `dir`, comments left out.
fn code_under(dir: &Path) -> String {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    let mut code = String::new();
    for f in files {
        for line in std::fs::read_to_string(&f)
            .expect("readable source")
            .lines()
        {
            code.push_str(line.split("//").next().unwrap_or(""));
            code.push('\n');
        }
    }
    code
}

/// The names `src/impl_.rs` re-exports (the identifiers of its `pub use`
/// items, after the last `::` or inside the braces).
fn facade_names() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/impl_.rs");
    let text = std::fs::read_to_string(src).expect("impl_.rs");
    let mut names = Vec::new();
    for item in text.split("pub use ").skip(1) {
        let item = item.split(';').next().unwrap_or("");
        if item.trim_end().ends_with('*') {
            continue; // the ABI layer's own list of expansion items
        }
        let list = match item.find('{') {
            Some(at) => &item[at + 1..item.rfind('}').expect("closing brace")],
            None => item.rsplit("::").next().unwrap_or(""),
        };
        for part in list.split(',') {
            // `path as name`: the name.
            let name = part.split(" as ").last().unwrap_or("").trim();
            if !name.is_empty() {
                names.push(name.to_owned());
            }
        }
    }
    names
}

#[test]
fn impl_re_exports_only_what_expansions_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut code = code_under(&root.join("hpy-macros-backend/src"));
    code.push_str(&code_under(&root.join("hpy-macros/src")));
    code.push_str(&code_under(&root.join("hpy/src")));
    let mut named = std::collections::BTreeSet::new();
    // `impl_::name` and `impl_::{a, b}` anywhere (expansions are quoted
    // or `$crate::impl_` in macro_rules), and the pieces the backend
    // quotes alone to splice after `impl_::` (`quote!(meth_o)`).
    for (at, _) in code.match_indices("impl_::") {
        let rest = &code[at + "impl_::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            named.extend(group.split(',').map(|n| identifier(n.trim()).to_owned()));
        } else {
            named.insert(identifier(rest).to_owned());
        }
    }
    for (at, _) in code.match_indices("quote!(") {
        let rest = code[at + "quote!(".len()..].trim_start();
        let name = identifier(rest);
        if rest[name.len()..].trim_start().starts_with(')') {
            named.insert(name.to_owned());
        }
    }
    let names = facade_names();
    assert!(names.len() > 40, "the scan of impl_.rs found {names:?}");
    let unused: Vec<_> = names.iter().filter(|n| !named.contains(*n)).collect();
    assert!(
        unused.is_empty(),
        "impl_.rs re-exports names no macro expansion uses (take them out; \
         the crate itself uses crate::runtime): {unused:?}"
    );
}

#[test]
fn the_impl_scan_tells_expansions_from_imports() {
    assert!(names_impl("use crate::impl_::class::ClassInfo;"));
    assert!(names_impl(
        "    crate::impl_::class::is_instance::<T>(self)"
    ));
    assert!(names_impl("use crate::{impl_, Context};"));
    assert!(!names_impl(
        "        $crate::impl_::dict_set_item(ctx, &d, k, v)?;"
    ));
    assert!(!names_impl("use crate::abi::Quirk; // not crate::impl_"));
    assert!(!names_impl("use crate::{Context, Handle};"));
}
