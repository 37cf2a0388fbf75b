//! Snapshot tests of the macros' expansions.
//!
//! Each `tests/expand/NAME.rs` is ordinary user code. Every item carrying
//! `#[hpy_method]`, `#[hpy_class]` or `#[hpy_methods]` and every
//! `hpy_module! { ... }` invocation in it is replaced by what the backend
//! expands it to (the same functions `hpy-macros` calls; `hpy_module!`
//! without `name:` gets the crate name `default_name`), and the file,
//! pretty-printed by `prettyplease`, must equal `tests/expand/NAME.expanded.rs`.
//! A `#[derive(FromKeywords)]` struct is followed by its derive's output, and
//! a function taking a keyword set is shown as the compiler ends up
//! expanding it: through the set's macro, back into the function's macro.
//!
//! After a deliberate change to the generated code, regenerate with
//!
//! ```text
//! HPY_SNAPSHOTS=overwrite cargo test -p hpy-macros-backend --test expand
//! ```
//!
//! and review the diff of the `.expanded.rs` files: it is what users' crates
//! will compile. The inputs are also compiled against `hpy` by
//! `cargo test -p hpy --test compile_fail` (`expansions_compile`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, Item};

/// The crate name `hpy_module!` gets when it has no `name:` entry.
const CRATE_NAME: &str = "default_name";

const REGENERATE: &str = "HPY_SNAPSHOTS=overwrite cargo test -p hpy-macros-backend --test expand";

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand")
}

/// Which attribute macro an attribute is, by its last path segment
/// (`#[hpy_class]`, `#[hpy::hpy_class]`, `#[::hpy::hpy_class]`).
fn macro_attribute(attr: &Attribute) -> Option<&'static str> {
    let last = attr.path().segments.last()?;
    ["hpy_method", "hpy_class", "hpy_methods"]
        .into_iter()
        .find(|name| last.ident == name)
}

/// The attribute's arguments: `(keywords)` → `keywords`, none → empty.
fn attribute_args(attr: &Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => TokenStream::new(),
    }
}

fn expand_attribute(name: &str, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    match name {
        "hpy_method" => hpy_macros_backend::expand_hpy_method(args, item),
        "hpy_class" => hpy_macros_backend::expand_hpy_class(args, item),
        "hpy_methods" => hpy_macros_backend::expand_hpy_methods(args, item),
        _ => unreachable!("not one of ours: {name}"),
    }
}

/// The attributes of the item kinds our macros apply to.
fn attrs_mut(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Fn(f) => Some(&mut f.attrs),
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// `#[derive(FromKeywords)]` (alone in its `derive`), removed from `item`.
fn take_keywords_derive(item: &mut Item) -> bool {
    let Item::Struct(s) = item else { return false };
    let before = s.attrs.len();
    s.attrs.retain(|a| {
        !(a.path().is_ident("derive")
            && a.parse_args::<syn::Path>()
                .is_ok_and(|p| p.segments.last().is_some_and(|l| l.ident == "FromKeywords")))
    });
    s.attrs.len() != before
}

/// The keyword sets the derives of `items` define: the set's name and the
/// `#[hpy_keywords(...)]` attribute its macro writes (read from the
/// derive's expansion, the `macro_rules!` between `$($a)*` and `$($i)*`).
fn keyword_sets(items: &[Item], file: &Path) -> Vec<(String, TokenStream)> {
    let mut sets = Vec::new();
    for item in items {
        let mut item = item.clone();
        if !take_keywords_derive(&mut item) {
            continue;
        }
        let Item::Struct(s) = &item else { continue };
        for out in expand_keywords_derive(&item, file) {
            let Item::Macro(m) = out else { continue };
            if m.mac.path.is_ident("macro_rules") {
                let text = m.mac.tokens.to_string();
                let start = text.find("# [hpy_keywords").expect("the set's attribute");
                let end = text.rfind("$ (").expect("the item's tokens");
                let attr: TokenStream = text[start..end].parse().expect("tokens");
                sets.push((s.ident.to_string(), attr));
            }
        }
    }
    sets
}

fn expand_keywords_derive(item: &Item, file: &Path) -> Vec<Item> {
    let tokens = hpy_macros_backend::expand_derive_from_keywords(item.to_token_stream())
        .unwrap_or_else(|e| panic!("{}: #[derive(FromKeywords)] failed: {e}", file.display()));
    parse_items(tokens, file)
}

/// `Set! { [#[attribute]] item }` (what a macro expands to before it knows
/// the set `Set`) as the set's macro gives it back: the attribute, the set's
/// fields, the item.
fn keyword_callback(item: &Item, sets: &[(String, TokenStream)]) -> Option<Item> {
    let Item::Macro(m) = item else { return None };
    let name = m.mac.path.segments.last()?.ident.to_string();
    let (_, fields) = sets.iter().find(|(n, _)| *n == name)?;
    let mut tokens = m.mac.tokens.clone().into_iter();
    let proc_macro2::TokenTree::Group(attribute) = tokens.next()? else {
        return None;
    };
    let rest: TokenStream = tokens.collect();
    let attribute = attribute.stream();
    syn::parse2(quote::quote!(#attribute #fields #rest)).ok()
}

/// Expands our macros in `items`, recursing into inline modules.
fn expand_items(items: Vec<Item>, file: &Path) -> Vec<Item> {
    let sets = keyword_sets(&items, file);
    let mut out = Vec::new();
    let mut work: std::collections::VecDeque<Item> = items.into();
    while let Some(mut item) = work.pop_front() {
        if take_keywords_derive(&mut item) {
            let expansion = expand_keywords_derive(&item, file);
            out.push(item);
            out.extend(expansion);
            continue;
        }
        if let Some(again) = keyword_callback(&item, &sets) {
            work.push_front(again);
            continue;
        }
        if let Item::Mod(m) = &mut item {
            if let Some((brace, inner)) = m.content.take() {
                m.content = Some((brace, expand_items(inner, file)));
            }
            out.push(item);
            continue;
        }
        if let Item::Macro(mac) = &item {
            if mac
                .mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "hpy_module")
            {
                let tokens = hpy_macros_backend::expand_hpy_module(
                    mac.mac.tokens.clone(),
                    Some(CRATE_NAME.to_owned()),
                )
                .unwrap_or_else(|e| panic!("{}: hpy_module! failed: {e}", file.display()));
                out.extend(parse_items(tokens, file));
                continue;
            }
        }
        let found = attrs_mut(&mut item).and_then(|attrs| {
            let pos = attrs.iter().position(|a| macro_attribute(a).is_some())?;
            let attr = attrs.remove(pos);
            Some((
                macro_attribute(&attr).expect("found above"),
                attribute_args(&attr),
            ))
        });
        match found {
            Some((name, args)) => {
                let tokens = expand_attribute(name, args, item.to_token_stream())
                    .unwrap_or_else(|e| panic!("{}: #[{name}] failed: {e}", file.display()));
                // A keyword set's callback is expanded again (above).
                let items = parse_items(tokens, file);
                if items.iter().any(|i| keyword_callback(i, &sets).is_some()) {
                    for i in items.into_iter().rev() {
                        work.push_front(i);
                    }
                } else {
                    out.extend(items);
                }
            }
            None => out.push(item),
        }
    }
    out
}

fn parse_items(tokens: TokenStream, file: &Path) -> Vec<Item> {
    syn::parse2::<syn::File>(tokens.clone())
        .unwrap_or_else(|e| {
            panic!(
                "{}: the expansion does not parse as items ({e}):\n{tokens}",
                file.display()
            )
        })
        .items
}

fn expand_file(path: &Path) -> String {
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut file = syn::parse_file(&source)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    file.items = expand_items(std::mem::take(&mut file.items), path);
    let name = path.file_name().expect("file name").to_string_lossy();
    format!(
        "// @generated by hpy-macros-backend/tests/expand.rs from {name}; \
         regenerate with {REGENERATE}\n{}",
        prettyplease::unparse(&file)
    )
}

/// The first lines where `actual` and `expected` differ, with context.
fn first_difference(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let mut out = String::new();
    let from = at.saturating_sub(3);
    for (label, lines) in [("expected", &e), ("actual", &a)] {
        let _ = writeln!(out, "--- {label} (from line {}):", from + 1);
        for line in lines.iter().skip(from).take(10) {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

#[test]
fn expansions_match_snapshots() {
    let overwrite = std::env::var("HPY_SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let dir = snapshot_dir();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());

    let mut problems = Vec::new();
    for input in &inputs {
        let expected_path = input.with_extension("expanded.rs");
        let actual = expand_file(input);
        let name = expected_path.file_name().expect("name").to_string_lossy();
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            _ if overwrite => {
                std::fs::write(&expected_path, &actual)
                    .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_path.display()));
                eprintln!("wrote {name}");
            }
            Ok(expected) => problems.push(format!(
                "{name} differs from the expansion:\n{}",
                first_difference(&expected, &actual)
            )),
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    // An expected file without its input would never be checked.
    for entry in std::fs::read_dir(&dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let name = path.to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".expanded.rs") {
            if !inputs.contains(&PathBuf::from(format!("{stem}.rs"))) {
                problems.push(format!("{name} has no input {stem}.rs"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change is intended, regenerate with `{REGENERATE}` and review the diff.",
        problems.join("\n")
    );
}

/// The check itself: a changed expansion fails and says how to regenerate.
#[test]
fn a_difference_is_reported() {
    let diff = first_difference("a\nb\nc\n", "a\nB\nc\n");
    assert!(diff.contains("    b") && diff.contains("    B"), "{diff}");
}

/// Lines of `expanded` with an `unsafe` block, impl or fn that no
/// `/// SAFETY:` line documents: the nearest line above it that is not an
/// attribute must be one, or, for the body of an `unsafe fn`, the line
/// above the function's head.
fn undocumented_unsafe(expanded: &str) -> Vec<String> {
    let lines: Vec<&str> = expanded.lines().map(str::trim_start).collect();
    let is_unsafe = |code: &str| {
        !code.starts_with("//")
            && code
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "unsafe")
    };
    let mut missing = Vec::new();
    for (at, code) in lines.iter().enumerate() {
        if !is_unsafe(code) {
            continue;
        }
        let mut above = lines[..at].iter().rev().filter(|l| !l.starts_with("#["));
        let mut nearest = above.next().copied().unwrap_or("");
        if nearest.ends_with('{') && !code.starts_with("unsafe fn") {
            // The body of a function: if it is an `unsafe fn` (its head
            // may span lines), the text documents the function.
            let mut head = above.clone();
            let start = if nearest.starts_with("unsafe fn") {
                Some(nearest)
            } else {
                head.find(|l| l.starts_with("unsafe fn") || l.ends_with([';', '{', '}']))
                    .copied()
            };
            if start.is_some_and(|l| l.starts_with("unsafe fn")) {
                if !nearest.starts_with("unsafe fn") {
                    above = head;
                }
                nearest = above.next().copied().unwrap_or("");
            }
        }
        if !nearest.starts_with("/// SAFETY: ") {
            missing.push(format!("line {}: {code}", at + 1));
        }
    }
    missing
}

/// Every `unsafe` the macros write says why it holds, where a user reading
/// the expansion sees it.
#[test]
fn every_generated_unsafe_has_safety_text() {
    let dir = snapshot_dir();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if !path.to_string_lossy().ends_with(".expanded.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read snapshot");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        problems.extend(
            undocumented_unsafe(&text)
                .into_iter()
                .map(|l| format!("{name} {l}")),
        );
    }
    assert!(
        problems.is_empty(),
        "unsafe without `/// SAFETY:` text:\n{}",
        problems.join("\n")
    );
}

/// The check itself finds an undocumented block and accepts a documented one.
#[test]
fn undocumented_unsafe_is_found() {
    let bad = "fn f() {\n    #[allow(unused_mut)]\n    let x = unsafe { g() };\n}\n";
    assert_eq!(undocumented_unsafe(bad).len(), 1);
    let good = "fn f() {\n    /// SAFETY: g has no contract\n    #[allow(unused_mut)]\n    let x = unsafe { g() };\n}\n";
    assert!(undocumented_unsafe(good).is_empty());
    let forwarded = "/// SAFETY: forwarded\nunsafe fn f() {\n    unsafe { g() }\n}\n";
    assert!(undocumented_unsafe(forwarded).is_empty());
    let long_head =
        "/// SAFETY: forwarded\nunsafe fn f(\n    a: u8,\n) -> u8 {\n    unsafe { g(a) }\n}\n";
    assert!(undocumented_unsafe(long_head).is_empty());
    let bare_fn = "fn f(\n    a: u8,\n) -> u8 {\n    unsafe { g(a) }\n}\n";
    assert_eq!(undocumented_unsafe(bare_fn).len(), 1);
}
