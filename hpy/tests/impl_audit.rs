//! Every safe `pub fn` and safe `pub trait` under `src/impl_/` (the hidden
//! API that macro expansions name) and `src/abi/` (the ABI layer) is on the reviewed list
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

/// `(key, kind)` of every safe public fn and trait in `impl_` and in the
/// ABI layer `abi/` that `impl_` re-exports from (keys relative to
/// `src/impl_/`, and to `src/` for the ABI layer: `abi/cpython.rs:…`).
fn safe_public_items() -> BTreeMap<String, &'static str> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("impl_"), &mut files);
    rust_files(&src.join("abi"), &mut files);
    let mut items = BTreeMap::new();
    for file in files {
        let root = if file.starts_with(src.join("impl_")) {
            src.join("impl_")
        } else {
            src.clone()
        };
        let rel = file
            .strip_prefix(&root)
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
    assert!(found.contains_key("trampoline.rs:panics_as"));
    assert!(found.contains_key("def.rs:StaticDef::new"));
    assert!(!found.contains_key("module.rs:set_trampoline_context"));
    assert!(!found.contains_key("module.rs:register_global"));
    assert!(!found.contains_key("class/check.rs:self_ref"));
}

/// The files outside `src/impl_/` that still name `crate::impl_`, each with
/// the reason. `impl_` is what macro expansions name; the rest of the crate
/// should not depend on it (the ABI layer is `src/abi/`).
const NAMING_IMPL: &[(&str, &str)] = &[
    (
        "abi/cpython.rs",
        "the class runtime's destroy_chain, Getter/Setter, StaticDef and the panic hook",
    ),
    (
        "abi/universal/class_tag.rs",
        "the class runtime's TypeSlot and destroy_chain",
    ),
    (
        "abi/universal/properties.rs",
        "the class runtime's Getter/Setter and the method definitions",
    ),
    (
        "class/create.rs",
        "the class runtime (issue 28 item 1: one owner)",
    ),
    (
        "class/guard.rs",
        "the class runtime (issue 28 item 1: one owner)",
    ),
    (
        "class/layout.rs",
        "the class runtime (issue 28 item 1: one owner)",
    ),
    (
        "class/store.rs",
        "the class runtime (issue 28 item 1: one owner)",
    ),
];

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
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(src.join("impl_")))
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
    found.sort();
    let mut listed: Vec<String> = NAMING_IMPL.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "files outside src/impl_/ that name crate::impl_ (only macro expansions, \
         `$crate::impl_`, may): move what they need out of impl_ (the ABI layer is \
         src/abi/), or list the file in NAMING_IMPL with its reason; a listed file \
         that no longer names it comes off the list"
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
