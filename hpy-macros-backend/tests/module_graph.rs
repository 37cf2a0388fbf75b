//! No crate of the workspace has an import cycle among its source files, so
//! that a module can be read (and moved) knowing only what it imports; and
//! the backend's tables (`tables`, `block`) and helpers (`utils`, `diag`)
//! are leaves.
//!
//! # Nodes
//!
//! Every member of the workspace's `Cargo.toml` that has a `src/` folder is
//! scanned (a member without one is skipped). A node
//! is one source file, named by its module path (`abi`,
//! `abi::cpython::entry`): `mod.rs`, `lib.rs` and `main.rs` name their
//! folder's module, and the crate root prints as `crate`. An inline
//! `mod x { … }` is part of its file. A `main.rs` beside a `lib.rs`, and
//! `src/bin/`, are other crates (a binary reaches the library by its name,
//! never by `crate::`), so they are not nodes.
//!
//! What is scanned of a file is its text before its first `#[cfg(test)]`
//! (unit tests may use anything), with `//` comments removed (doc links are
//! not dependencies).
//!
//! # Edges
//!
//! An edge `a -> b` means that the code of `a` names, by a path starting
//! with `crate::`, `super::` or `self::`, an item defined in `b`: `a` cannot
//! be read, nor moved, without `b`. The paths are those of `use` items and
//! of expressions and types alike, and in a file with child modules a
//! path starting with a child's name (`report::report(…)`, `use
//! handles::Kind`): the child is a module like any other, and a parent
//! whose own code uses a child that uses the parent is a cycle. Not
//! `$crate::` in a `macro_rules!` body: it names an item where the macro
//! is expanded (in the user's crate, for an exported macro), not in the
//! file that defines it. Not a `#[cfg(doc)] use` (only rustdoc compiles
//! it, for doc links). `super::super::`
//! climbs twice, a list `use crate::{a::{self, B}, c::D}` gives one path
//! per leaf (`a`, `a::B`, `c::D`), and a glob `use super::*` names the
//! parent module itself (which of its items are used is not known). Other
//! paths (`hpy_sys::…`, a name imported earlier) are not seen.
//!
//! A path is resolved from its longest prefix that is a module (the crate
//! root included), looking at the next segment, the item's name:
//! - if that module re-exports the name (`pub use`, `pub(crate) use`,
//!   `pub(super) use` … lines of any file), the re-export is followed to
//!   the file that defines the item, recursively: a folder's `mod.rs` (or
//!   the crate root) re-exporting its children's items is their table of
//!   contents, and who uses a name through it depends on the child that
//!   defines it, not on the table. Every re-export of the name counts, so
//!   both halves of a `cfg`-chosen pair give an edge each (one scan covers
//!   every build, and a cycle in either build is a cycle); those followed
//!   to a definition win over those the scan cannot place (the other
//!   crate's derive macro re-exported beside a trait of the same name);
//! - else, if the module defines the item itself (`fn`, `struct`, `enum`,
//!   `trait`, `const`, `static`, `type`, `union`, `mod`, `macro_rules!`),
//!   the resolution stops there; a `#[macro_export]` macro is an item of
//!   the crate root defined in its own file;
//! - else the module's glob re-exports of modules of the crate
//!   (`pub use x::*`; not another crate's) are followed, those that define
//!   or re-export the name each giving an edge (so
//!   `#[cfg(a)] pub use cpython::*;` and `#[cfg(not(a))] pub use
//!   universal::*;` give an edge to each half that has the name);
//! - else the name is unknown to the scan (made by a macro, say) and the
//!   edge goes to the module the path names.
//!
//! An item re-exported from another crate resolves to the file that
//! re-exports it. The re-export lines themselves are not edges (the table
//! of contents does not depend on what it lists: only its users do), and
//! edges of a file to itself are dropped.
//!
//! # Cycles
//!
//! A cycle is a strongly connected component of two or more modules
//! (Tarjan). It is printed with its edges and, on each, the names used
//! through it (the item after the module prefix: `Foo` for
//! `crate::a::Foo::new`; `*` for a glob; a module's own name for a path to
//! the module): moving those names is what breaks the edge. A crate may
//! list in [`KNOWN_CYCLES`] the modules still in a cycle while it is being
//! untangled; the check fails when a module not listed is in a cycle, and
//! when a listed module no longer is (so the list only shrinks).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Crate (package name) → the modules still allowed in an import cycle,
/// each with a one-line comment saying why it is allowed for now, as in
/// `"class::chain", // calls abi/ back while tearing down: being split`.
/// A crate not listed allows none; a listed module out of every cycle
/// fails the check until it is removed.
///
/// Every list is empty. The last cycle, hpy-rs's API core (29 modules:
/// `Context`, `Handle`, `HPyErr`, `Global`, the conversion traits, the
/// ABI halves, the typed handles), was cut by putting each type's data in
/// a leaf file and the methods that join two types in a file above both
/// (an `impl` block is not an import); `ARCHITECTURE.md` ("The layers of
/// `hpy/src`") gives the order.
const KNOWN_CYCLES: &[(&str, &[&str])] = &[
    ("hpy-sys", &[]),
    ("hpy-rs", &[]),
    ("hpy-macros", &[]),
    ("hpy-macros-backend", &[]),
    ("hpy-universal", &[]),
    ("cargo-hpy", &[]),
    ("hpy-build-config", &[]),
];

/// The crates (package names) the workspace scan must find at least.
const EXPECTED_CRATES: [&str; 7] = [
    "hpy-sys",
    "hpy-rs",
    "hpy-macros",
    "hpy-macros-backend",
    "hpy-universal",
    "cargo-hpy",
    "hpy-build-config",
];

/// A module's path inside its crate (`["abi", "cpython"]`); the root is
/// empty.
type ModPath = Vec<String>;

/// Module → module it imports from → the names used through that edge.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// What the scan keeps of one source file.
#[derive(Default)]
struct Module {
    /// The code scanned for paths: before `#[cfg(test)]`, without comments
    /// nor re-export statements.
    uses: String,
    /// The names of the items the file defines.
    defines: BTreeSet<String>,
    /// Re-exported name → the paths (from the crate root) it stands for.
    reexports: BTreeMap<String, Vec<ModPath>>,
    /// The modules whose items the file glob-re-exports (`pub use x::*`).
    globs: Vec<ModPath>,
}

/// One crate's source files.
struct Crate {
    /// Module path → its file.
    modules: BTreeMap<ModPath, Module>,
    /// `#[macro_export]` macro → the modules defining it (items of the
    /// crate root, defined elsewhere).
    exported_macros: BTreeMap<String, BTreeSet<ModPath>>,
}

/// One leaf of a use tree (or a plain path): its segments as written.
#[derive(Debug, PartialEq)]
enum Leaf {
    /// `a::b::c` or `a::b::c as d`.
    Path(Vec<String>, Option<String>),
    /// `a::b::*`: every item of `a::b`.
    Glob(Vec<String>),
}

/// A token of a use tree.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Token<'a> {
    /// An identifier or keyword.
    Ident(&'a str),
    /// `::`.
    Colons,
    /// `{`.
    Open,
    /// `}`.
    Close,
    /// `,`.
    Comma,
    /// `*`.
    Star,
    /// Anything else, or the end of the text (never consumed).
    Other,
}

/// Reads the tokens of a use tree (or of a path) from a position of a text,
/// skipping whitespace.
struct Lexer<'a> {
    /// The whole text.
    code: &'a str,
    /// Where the next token starts (or whitespace before it).
    at: usize,
}

impl<'a> Lexer<'a> {
    /// The next token and the position after it, without consuming it.
    fn peek(&self) -> (Token<'a>, usize) {
        let bytes = self.code.as_bytes();
        let mut at = self.at;
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let Some(&c) = bytes.get(at) else {
            return (Token::Other, at);
        };
        if c.is_ascii_alphabetic() || c == b'_' {
            let end = word_end(self.code, at);
            return (Token::Ident(&self.code[at..end]), end);
        }
        match c {
            b':' if bytes.get(at + 1) == Some(&b':') => (Token::Colons, at + 2),
            b'{' => (Token::Open, at + 1),
            b'}' => (Token::Close, at + 1),
            b',' => (Token::Comma, at + 1),
            b'*' => (Token::Star, at + 1),
            _ => (Token::Other, self.at),
        }
    }

    /// The next token, consumed (`Other` is never consumed).
    fn next(&mut self) -> Token<'a> {
        let (token, end) = self.peek();
        self.at = end;
        token
    }
}

/// Whether `c` may continue an identifier.
fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Where the identifier (or number) starting at `start` ends.
fn word_end(code: &str, start: usize) -> usize {
    code.as_bytes()[start..]
        .iter()
        .position(|&c| !is_word_byte(c))
        .map_or(code.len(), |n| start + n)
}

/// The words of `code` (maximal runs of identifier characters starting
/// with a letter or `_`) with their start.
fn words(code: &str) -> Vec<(usize, &str)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let end = word_end(code, at);
        if !bytes[at].is_ascii_digit() {
            found.push((at, &code[at..end]));
        }
        at = end;
    }
    found
}

/// Parses one use tree at `lexer` (`a::b`, `a::{b, c::d as e}`, `a::*`),
/// appending its leaves, each prefixed by `prefix`. A path ends at the
/// first token that cannot continue it (`::<`, `(`, `;` …).
fn parse_tree(lexer: &mut Lexer, prefix: &[String], out: &mut Vec<Leaf>) {
    let mut segments = prefix.to_vec();
    while let Token::Ident(name) = lexer.peek().0 {
        lexer.next();
        segments.push(name.to_owned());
        if lexer.peek().0 == Token::Colons {
            lexer.next();
            continue;
        }
        let mut alias = None;
        if lexer.peek().0 == Token::Ident("as") {
            lexer.next();
            if let Token::Ident(name) = lexer.next() {
                alias = Some(name.to_owned());
            }
        }
        out.push(Leaf::Path(segments, alias));
        return;
    }
    match lexer.next() {
        Token::Star => out.push(Leaf::Glob(segments)),
        Token::Open => loop {
            if lexer.peek().0 == Token::Close {
                lexer.next();
                break;
            }
            parse_tree(lexer, &segments, out);
            if lexer.next() != Token::Comma {
                break;
            }
        },
        _ if segments.len() > prefix.len() => out.push(Leaf::Path(segments, None)),
        _ => {}
    }
}

/// The leaves of the use tree (or path) starting at `start` of `code`, and
/// where it ends.
fn leaves_at(code: &str, start: usize) -> (Vec<Leaf>, usize) {
    let mut lexer = Lexer { code, at: start };
    let mut leaves = Vec::new();
    parse_tree(&mut lexer, &[], &mut leaves);
    (leaves, lexer.at)
}

/// `segments`, written in `module`, as a path from the crate root: leading
/// `crate`, `self` and `super` are resolved, a trailing `self` (from
/// `a::{self}`) dropped, and any other start is relative to `module` (a
/// child module, in a re-export). `None` for a `super` above the root.
fn absolute(module: &[String], segments: &[String]) -> Option<ModPath> {
    let mut segments = segments;
    if segments.len() > 1 && segments.last().is_some_and(|s| s == "self") {
        segments = &segments[..segments.len() - 1];
    }
    let mut base = module.to_vec();
    if segments.first().is_some_and(|s| s == "crate") {
        base.clear();
        segments = &segments[1..];
    }
    while let Some(first) = segments.first() {
        match first.as_str() {
            "self" => {}
            "super" => {
                base.pop()?;
            }
            _ => break,
        }
        segments = &segments[1..];
    }
    base.extend(segments.iter().cloned());
    Some(base)
}

/// The text of a file as scanned: before its first `#[cfg(test)]`, with
/// `//` comments (doc comments included) removed: from `//` to the end of
/// its line, wherever it is (as in a string: a URL's end is lost).
fn scanned_code(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let lines: Vec<&str> = code
        .split('\n')
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect();
    let mut code = lines.join("\n");
    // A `use` that only rustdoc compiles (`#[cfg(doc)] use …;`, for doc
    // links) is no dependency of the code: blanked, keeping offsets.
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(doc)]").map(|i| i + from) {
        let rest = at + "#[cfg(doc)]".len();
        let next = rest + blank_len(&code[rest..]);
        from = next;
        if code[next..].starts_with("use ") {
            let end = code[next..].find(';').map_or(code.len(), |i| next + i + 1);
            code.replace_range(at..end, &" ".repeat(end - at));
            from = end;
        }
    }
    code
}

/// The number of whitespace bytes at the start of `text`.
fn blank_len(text: &str) -> usize {
    text.bytes().take_while(u8::is_ascii_whitespace).count()
}

/// The re-export statements of `code` (`pub use …;`, `pub(crate) use …;`,
/// `pub(in path) use …;`): the range of each statement and of its use tree.
fn reexport_statements(code: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut found = Vec::new();
    let mut after = 0;
    for (start, word) in words(code) {
        if word != "pub" || start < after {
            continue;
        }
        let mut at = start + word.len();
        if code[at..].starts_with('(') {
            let Some(close) = code[at..].find(')') else {
                continue;
            };
            at += close + 1;
        }
        let gap = blank_len(&code[at..]);
        if gap == 0 || !code[at + gap..].starts_with("use") {
            continue;
        }
        let tree = at + gap + "use".len();
        let Some(end) = code[tree..].find(';').map(|n| tree + n) else {
            continue;
        };
        if blank_len(&code[tree..]) > 0 {
            found.push((start..end + 1, tree..end));
            after = end + 1;
        }
    }
    found
}

/// The names of the items `code` defines: the word after `fn`, `struct`,
/// `enum`, `trait`, `const`, `static` (`mut` skipped), `type`, `union` or
/// `mod`, and after `macro_rules!`. `const fn f` defines `f`, not `fn`.
fn definitions(code: &str) -> BTreeSet<String> {
    const KEYWORDS: [&str; 9] = [
        "fn", "struct", "enum", "trait", "const", "static", "type", "union", "mod",
    ];
    const NOT_NAMES: [&str; 5] = ["fn", "unsafe", "async", "extern", "mut"];
    let words = words(code);
    let blank = |text: &str| !text.is_empty() && blank_len(text) == text.len();
    let mut found = BTreeSet::new();
    for (i, &(start, word)) in words.iter().enumerate() {
        let mut end = start + word.len();
        let mut next = i + 1;
        if let Some(&(mut_start, "mut")) = words.get(next).filter(|_| word == "static") {
            if blank(&code[end..mut_start]) {
                end = mut_start + 3;
                next += 1;
            }
        }
        let Some(&(name_start, name)) = words.get(next) else {
            continue;
        };
        let between = &code[end..name_start];
        let follows = if word == "macro_rules" {
            between
                .strip_prefix('!')
                .is_some_and(|rest| rest.trim().is_empty())
        } else {
            KEYWORDS.contains(&word) && blank(between)
        };
        if follows && !NOT_NAMES.contains(&name) {
            found.insert(name.to_owned());
        }
    }
    found
}

/// The `#[macro_export]` macros of `code`: the first `macro_rules!` after
/// each `#[macro_export]`.
fn exported_macros(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("#[macro_export]") {
        let Some(rules) = code[at..].find("macro_rules!") else {
            continue;
        };
        let rest = &code[at + rules + "macro_rules!".len()..];
        let name = rest.trim_start();
        let end = word_end(name, 0);
        if end > 0 {
            found.push(name[..end].to_owned());
        }
    }
    found
}

/// The module path of `rel`, a file's path relative to `src/`.
fn module_path(rel: &Path) -> ModPath {
    let mut path: ModPath = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if path
        .last()
        .is_some_and(|last| ["mod", "lib", "main"].contains(&last.as_str()))
    {
        path.pop();
    }
    path
}

/// The `.rs` files under `dir` (recursively, sorted), relative to `src`;
/// a `main.rs` beside `src/lib.rs` and `src/bin/` are left out (other
/// crates).
fn rust_files(src: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path.strip_prefix(src).expect("under src").to_path_buf();
        if path.is_dir() {
            if rel != Path::new("bin") {
                rust_files(src, &path, out);
            }
        } else if path.extension().is_some_and(|x| x == "rs")
            && !(rel == Path::new("main.rs") && src.join("lib.rs").exists())
        {
            out.push(rel);
        }
    }
}

/// What `code` (a file's scanned code, of module `path`) re-exports: its
/// named re-exports and its globs, and the code left once the re-export
/// statements are removed.
fn split_reexports(path: &[String], code: &str) -> Module {
    let mut module = Module::default();
    let mut last = 0;
    for (statement, tree) in reexport_statements(code) {
        module.uses.push_str(&code[last..statement.start]);
        last = statement.end;
        let (leaves, _) = leaves_at(&code[..tree.end], tree.start);
        for leaf in leaves {
            match leaf {
                Leaf::Glob(segments) => module.globs.extend(absolute(path, &segments)),
                Leaf::Path(segments, alias) => {
                    let Some(target) = absolute(path, &segments) else {
                        continue;
                    };
                    let named = segments.iter().rev().find(|s| *s != "self");
                    let Some(name) = alias.as_ref().or(named) else {
                        continue;
                    };
                    let targets = module.reexports.entry(name.clone()).or_default();
                    targets.push(target);
                }
            }
        }
    }
    module.uses.push_str(&code[last..]);
    module
}

impl Crate {
    /// Reads the source files under `src`.
    fn load(src: &Path) -> Crate {
        let mut files = Vec::new();
        rust_files(src, src, &mut files);
        let mut modules = BTreeMap::new();
        let mut exported: BTreeMap<String, BTreeSet<ModPath>> = BTreeMap::new();
        for rel in files {
            let path = module_path(&rel);
            let text = fs::read_to_string(src.join(&rel)).expect("read a source file");
            let code = scanned_code(&text);
            let mut module = split_reexports(&path, &code);
            module.defines = definitions(&code);
            for name in exported_macros(&code) {
                exported.entry(name).or_default().insert(path.clone());
            }
            modules.insert(path, module);
        }
        Crate {
            modules,
            exported_macros: exported,
        }
    }

    /// The number of leading segments of `path` that name a module (0, the
    /// root, if none does).
    fn module_prefix(&self, path: &[String]) -> usize {
        (0..=path.len())
            .rev()
            .find(|&n| self.modules.contains_key(&path[..n]))
            .unwrap_or(0)
    }

    /// Whether `path` names a module of the crate: a file, or an inline
    /// `mod` of one (whose items are that file's).
    fn is_module(&self, path: &[String]) -> bool {
        let n = self.module_prefix(path);
        let inline = |file: &Module| n + 1 == path.len() && file.defines.contains(&path[n]);
        n == path.len() || self.modules.get(&path[..n]).is_some_and(inline)
    }

    /// The modules defining what `path` (from the crate root) names, and
    /// whether it was found (else the modules are where the search stopped).
    /// `visiting` holds the paths being resolved, against re-export loops.
    fn resolve(
        &self,
        path: &[String],
        visiting: &mut BTreeSet<ModPath>,
    ) -> (BTreeSet<ModPath>, bool) {
        let n = self.module_prefix(path);
        let (module_path, rest) = path.split_at(n);
        let Some(module) = self.modules.get(module_path) else {
            return (BTreeSet::new(), false);
        };
        let here = BTreeSet::from([module_path.to_vec()]);
        let Some(name) = rest.first() else {
            return (here, true);
        };
        if !visiting.insert(path.to_vec()) {
            return (BTreeSet::new(), false);
        }
        let mut found = BTreeSet::new();
        let mut known = true;
        if let Some(targets) = module.reexports.get(name) {
            // The targets found defined, else where the search stopped.
            let mut stopped = BTreeSet::new();
            for target in targets {
                let full: ModPath = target.iter().chain(&rest[1..]).cloned().collect();
                let (modules, defined) = self.resolve(&full, visiting);
                if defined { &mut found } else { &mut stopped }.extend(modules);
            }
            if found.is_empty() {
                found = stopped;
            }
        } else if module.defines.contains(name) {
            found = here.clone();
        } else if let Some(files) = self.exported_macros.get(name).filter(|_| n == 0) {
            found = files.clone();
        } else {
            known = false;
            for glob in module.globs.iter().filter(|g| self.is_module(g)) {
                let full: ModPath = glob.iter().chain(rest).cloned().collect();
                let (modules, in_glob) = self.resolve(&full, visiting);
                if in_glob {
                    found.extend(modules);
                    known = true;
                }
            }
        }
        visiting.remove(path);
        if found.is_empty() {
            found = here;
        }
        (found, known)
    }

    /// The paths (from the crate root) that module `path` uses, each with
    /// the name shown on its edge: the item named after the module prefix,
    /// `*` for a glob, the module's own name for a module.
    fn paths_used(&self, path: &[String]) -> Vec<(ModPath, String)> {
        let code = &self.modules[path].uses;
        let mut found = Vec::new();
        let mut skip_to = 0;
        for (start, word) in words(code) {
            let after = start + word.len();
            let before = code[..start].bytes().next_back();
            let starts_path = ["crate", "super", "self"].contains(&word)
                || self.is_module(&[path, &[word.to_owned()]].concat());
            if start < skip_to
                || !starts_path
                || !code[after..].starts_with("::")
                || matches!(before, Some(b'$' | b':'))
            {
                continue;
            }
            let (leaves, end) = leaves_at(code, start);
            skip_to = end;
            for leaf in leaves {
                let (segments, glob) = match leaf {
                    Leaf::Path(segments, _) => (segments, false),
                    Leaf::Glob(segments) => (segments, true),
                };
                let Some(target) = absolute(path, &segments) else {
                    continue;
                };
                let n = self.module_prefix(&target);
                let name = match (glob, target.get(n), target.last()) {
                    (true, _, _) => "*",
                    (false, Some(item), _) | (false, None, Some(item)) => item.as_str(),
                    (false, None, None) => "crate",
                };
                found.push((target.clone(), name.to_owned()));
            }
        }
        found
    }

    /// The import graph: every module, with the modules it imports from.
    fn graph(&self) -> Graph {
        let mut graph = Graph::new();
        for path in self.modules.keys() {
            let edges = graph.entry(display(path)).or_default();
            for (target, name) in self.paths_used(path) {
                for to in self.resolve(&target, &mut BTreeSet::new()).0 {
                    if to != *path {
                        edges.entry(display(&to)).or_default().insert(name.clone());
                    }
                }
            }
        }
        graph
    }
}

/// A module path as printed: `abi::cpython`, the root as `crate`.
fn display(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

/// The strongly connected components of two or more nodes of `graph`
/// (Tarjan's algorithm, iterative), each sorted, in a stable order.
fn cycles<V>(graph: &BTreeMap<String, BTreeMap<String, V>>) -> Vec<Vec<String>> {
    let nodes: Vec<&String> = graph
        .keys()
        .chain(graph.values().flat_map(|edges| edges.keys()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let id: BTreeMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let next: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph
                .get(*n)
                .into_iter()
                .flat_map(|e| e.keys())
                .map(|m| id[m])
                .collect()
        })
        .collect();
    let mut index: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut low = vec![0; nodes.len()];
    let mut on_stack = vec![false; nodes.len()];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..nodes.len() {
        if index[root].is_some() {
            continue;
        }
        // (node, how many of its successors were visited)
        let mut work = vec![(root, 0)];
        while let Some(&(v, i)) = work.last() {
            if i == 0 {
                index[v] = Some(counter);
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = next[v].get(i) {
                work.last_mut().expect("current node").1 += 1;
                match index[w] {
                    None => work.push((w, 0)),
                    Some(at) if on_stack[w] => low[v] = low[v].min(at),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if Some(low[v]) == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    components.push(component);
                }
            }
        }
    }
    components.sort();
    components
}

/// The problems of one crate's graph against [`KNOWN_CYCLES`]: each cycle
/// holding a module not listed (its members and edges, with the names used
/// through each), and each listed module no longer in a cycle.
fn check_crate(krate: &str, graph: &Graph, known: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_a_cycle = BTreeSet::new();
    for component in cycles(graph) {
        in_a_cycle.extend(component.iter().cloned());
        let new: Vec<&str> = component
            .iter()
            .map(String::as_str)
            .filter(|m| !known.contains(m))
            .collect();
        if new.is_empty() {
            continue;
        }
        let mut text = format!(
            "{krate}: an import cycle of {} modules: {}",
            component.len(),
            component.join(", "),
        );
        if new.len() < component.len() {
            text += &format!("\n  not in KNOWN_CYCLES: {}", new.join(", "));
        }
        for from in &component {
            for (to, names) in graph.get(from).into_iter().flatten() {
                if component.contains(to) {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    text += &format!("\n    {from} -> {to}: {}", names.join(", "));
                }
            }
        }
        problems.push(text);
    }
    for module in known {
        if !in_a_cycle.contains(*module) {
            problems.push(format!(
                "{krate}: no longer in a cycle, remove it from KNOWN_CYCLES: {module}"
            ));
        }
    }
    problems
}

/// The workspace's root folder.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The quoted strings of the `members = [...]` list of the workspace's
/// `Cargo.toml`.
fn workspace_members(root: &Path) -> Vec<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("workspace Cargo.toml");
    let start = manifest.find("members").expect("a members list");
    let list = &manifest[start..];
    let list = &list[list.find('[').expect("[")..list.find(']').expect("]")];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The `name` of the `[package]` section of `manifest`.
fn package_name(manifest: &str) -> Option<String> {
    let package = &manifest[manifest.find("[package]")?..];
    let line = package
        .lines()
        .find(|l| l.split('=').next().is_some_and(|key| key.trim() == "name"))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// The workspace members that have a `src/` folder: (package name, `src/`).
fn workspace_crates() -> Vec<(String, PathBuf)> {
    let root = workspace_root();
    let mut crates = Vec::new();
    for member in workspace_members(&root) {
        let dir = root.join(&member);
        if !dir.join("src").is_dir() {
            continue;
        }
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("member Cargo.toml");
        let name = package_name(&manifest).unwrap_or_else(|| panic!("{member}: no package name"));
        crates.push((name, dir.join("src")));
    }
    crates
}

/// The modules [`KNOWN_CYCLES`] lists for `krate`.
fn known_cycles(krate: &str) -> &'static [&'static str] {
    KNOWN_CYCLES
        .iter()
        .find(|(name, _)| *name == krate)
        .map_or(&[], |(_, modules)| modules)
}

/// The workspace scan finds at least the crates of [`EXPECTED_CRATES`].
#[test]
fn workspace_crates_are_found() {
    let found: Vec<String> = workspace_crates().into_iter().map(|(n, _)| n).collect();
    for name in EXPECTED_CRATES {
        assert!(found.iter().any(|f| f == name), "{name} not in {found:?}");
    }
}

/// Every crate [`KNOWN_CYCLES`] names is a workspace crate (no typo hides
/// a list).
#[test]
fn known_cycles_name_workspace_crates() {
    let found: Vec<String> = workspace_crates().into_iter().map(|(n, _)| n).collect();
    for (name, _) in KNOWN_CYCLES {
        assert!(
            found.iter().any(|f| f == name),
            "KNOWN_CYCLES: no crate {name}"
        );
    }
}

/// No crate has an import cycle, beyond the modules [`KNOWN_CYCLES`]
/// allows, and every module it lists is still in one.
#[test]
fn no_crate_has_an_import_cycle() {
    let mut problems = Vec::new();
    for (krate, src) in workspace_crates() {
        let graph = Crate::load(&src).graph();
        assert!(!graph.is_empty(), "{krate}: no module in {}", src.display());
        problems.extend(check_crate(&krate, &graph, known_cycles(&krate)));
    }
    assert!(
        problems.is_empty(),
        "import cycles (make an edge point the other way by moving the names \
         used through it, or list the modules in KNOWN_CYCLES):\n{}",
        problems.join("\n")
    );
}

/// The backend's tables (`tables`, `block`) and helpers (`utils`, `diag`)
/// import nothing of the crate.
#[test]
fn backend_tables_and_helpers_are_leaves() {
    let graph = Crate::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).graph();
    assert!(graph.len() > 5, "too few modules found: {graph:?}");
    for leaf in ["tables", "block", "utils", "diag"] {
        let uses = graph
            .get(leaf)
            .unwrap_or_else(|| panic!("no module {leaf}"));
        assert!(uses.is_empty(), "{leaf} imports {uses:?}");
    }
}

/// hpy-rs's bottom layer, the API core's data (`ARCHITECTURE.md`, "The
/// layers of `hpy/src`"), imports only from itself: what was the crate's
/// one import cycle cannot grow back from below.
#[test]
fn hpy_core_data_is_the_bottom_layer() {
    const CORE: &[&str] = &[
        "abi::cpython::raw_context",
        "abi::universal::raw_context",
        "abi::cpython::handles",
        "abi::universal::handles",
        "abi::universal::plain_ext",
        "context",
        "types::any",
        "global",
        "err",
        "err::panic",
    ];
    let (_, src) = workspace_crates()
        .into_iter()
        .find(|(krate, _)| krate == "hpy-rs")
        .expect("hpy-rs is a workspace crate");
    let graph = Crate::load(&src).graph();
    for module in CORE {
        let uses = graph
            .get(*module)
            .unwrap_or_else(|| panic!("no module {module} in hpy-rs"));
        let above: Vec<_> = uses
            .iter()
            .filter(|(to, _)| !CORE.contains(&to.as_str()))
            .collect();
        assert!(
            above.is_empty(),
            "{module} imports from above the core: {above:?}"
        );
    }
}

/// A graph of `edges`, the name on each being its target in capitals.
fn synthetic(edges: &[(&str, &[&str])]) -> Graph {
    edges
        .iter()
        .map(|(from, to)| {
            let to = to
                .iter()
                .map(|t| (t.to_string(), BTreeSet::from([t.to_uppercase()])));
            (from.to_string(), to.collect())
        })
        .collect()
}

/// The cycle finder finds a cycle (not the tree hanging from it) and
/// accepts a tree; the check reports unlisted and no-longer-cycling modules.
#[test]
fn cycle_finder_finds_a_cycle_and_accepts_a_tree() {
    let graph = synthetic(&[
        ("a", &["b"]),
        ("b", &["c", "e"]),
        ("c", &["a"]),
        ("d", &["a"]),
        ("e", &["f"]),
        ("f", &["e"]),
    ]);
    assert_eq!(cycles(&graph), [vec!["a", "b", "c"], vec!["e", "f"]]);
    let tree = synthetic(&[("a", &["b", "c"]), ("b", &["c"]), ("c", &[]), ("d", &["a"])]);
    assert!(cycles(&tree).is_empty());
    assert!(check_crate("k", &graph, &["a", "b", "c", "e", "f"]).is_empty());
    let problems = check_crate("k", &graph, &["a", "b", "d"]);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].contains("not in KNOWN_CYCLES: c"),
        "{problems:?}"
    );
    assert!(problems[0].contains("c -> a: A"), "{problems:?}");
    assert!(problems[1].starts_with("k: an import cycle of 2 modules: e, f"));
    assert!(problems[1].contains("e -> f: F") && problems[1].contains("f -> e: E"));
    assert!(!problems[1].contains("b -> e"), "{problems:?}");
    assert!(
        problems[2].ends_with("no longer in a cycle, remove it from KNOWN_CYCLES: d"),
        "{problems:?}"
    );
}

/// A source tree written under the temp dir, removed when dropped.
struct TempTree(PathBuf);

impl TempTree {
    /// Writes `files` (path under `src/`, text) under a fresh folder named
    /// after `name` and this process.
    fn new(name: &str, files: &[(&str, &str)]) -> TempTree {
        let dir =
            std::env::temp_dir().join(format!("hpy-module-graph-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
            fs::write(path, text).expect("write");
        }
        TempTree(dir)
    }

    /// The import graph of the tree.
    fn graph(&self) -> Graph {
        Crate::load(&self.0).graph()
    }
}

impl Drop for TempTree {
    /// Removes the tree.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `graph`'s edges, as `(from, to, [names])`, sorted.
fn edges(graph: &Graph) -> Vec<(String, String, Vec<String>)> {
    let mut found = Vec::new();
    for (from, targets) in graph {
        for (to, names) in targets {
            found.push((from.clone(), to.clone(), names.iter().cloned().collect()));
        }
    }
    found
}

/// `(from, to, [names])` as owned strings.
fn edge(from: &str, to: &str, names: &[&str]) -> (String, String, Vec<String>) {
    let names = names.iter().map(|n| n.to_string()).collect();
    (from.to_owned(), to.to_owned(), names)
}

/// A name re-exported (by the root, by a `mod.rs`, under an alias, by both
/// halves of a `cfg` pair) gives an edge to the file defining the item; an
/// exported macro is the root's item, defined in its file.
#[test]
fn a_reexport_is_followed_to_the_defining_file() {
    let tree = TempTree::new(
        "reexport",
        &[
            ("lib.rs", "mod a;\nmod b;\npub use b::Thing;\n"),
            (
                "a.rs",
                "fn f(_: crate::Thing) -> crate::b::Other {\n    \
                 crate::made!();\n    crate::b::make::<u8>()\n}\n",
            ),
            (
                "b/mod.rs",
                "mod inner;\nmod two;\npub use self::inner::Thing;\n\
                 pub(crate) use inner::Thing as Other;\n\
                 #[cfg(x)]\npub use inner::make;\n#[cfg(not(x))]\npub use two::make;\n",
            ),
            (
                "b/inner.rs",
                "pub struct Thing;\npub fn make<T>() {}\n\
                 #[macro_export]\nmacro_rules! made {\n    () => {};\n}\n",
            ),
            ("b/two.rs", "pub const fn make<T>() {}\n"),
        ],
    );
    assert_eq!(
        edges(&tree.graph()),
        [
            edge("a", "b::inner", &["Other", "Thing", "made", "make"]),
            edge("a", "b::two", &["make"]),
        ]
    );
}

/// Glob re-exports are followed to each half that has the name; a name the
/// module defines itself stops there; an unknown name stays on the module.
#[test]
fn glob_reexports_are_followed_to_both_halves() {
    let tree = TempTree::new(
        "glob",
        &[
            ("lib.rs", "mod abi;\nmod user;\n"),
            (
                "abi/mod.rs",
                "#[cfg(x)]\nmod cpython;\n#[cfg(not(x))]\nmod universal;\n\
                 #[cfg(x)]\npub use cpython::*;\n#[cfg(not(x))]\npub use universal::*;\n\
                 pub fn shared() {}\n",
            ),
            ("abi/cpython.rs", "pub fn call() {}\npub fn shared() {}\n"),
            (
                "abi/universal.rs",
                "pub fn call() {}\npub static mut ONLY_HERE: u8 = 0;\n",
            ),
            (
                "user.rs",
                "use crate::abi::call;\nfn g() {\n    \
                 crate::abi::ONLY_HERE;\n    crate::abi::shared();\n    \
                 crate::abi::missing();\n}\n",
            ),
        ],
    );
    assert_eq!(
        edges(&tree.graph()),
        [
            edge("user", "abi", &["missing", "shared"]),
            edge("user", "abi::cpython", &["call"]),
            edge("user", "abi::universal", &["ONLY_HERE", "call"]),
        ]
    );
}

/// `use crate::{a::{self, A}, b::{B, c::{C, D as E}}}` gives one path per
/// leaf, each with its full prefix.
#[test]
fn a_brace_list_gives_one_path_per_leaf() {
    let tree = TempTree::new(
        "braces",
        &[
            ("lib.rs", "mod a;\nmod b;\nmod x;\n"),
            ("a.rs", "pub struct A;\n"),
            ("b/mod.rs", "mod c;\npub struct B;\n"),
            ("b/c.rs", "pub struct C;\npub struct D;\n"),
            (
                "x.rs",
                "use crate::{\n    a::{self, A},\n    b::{B, c::{C, D as E}},\n};\n",
            ),
        ],
    );
    assert_eq!(
        edges(&tree.graph()),
        [
            edge("x", "a", &["A", "a"]),
            edge("x", "b", &["B"]),
            edge("x", "b::c", &["C", "D"]),
        ]
    );
}

/// `super::` starts at the parent, `super::super::` at the grandparent,
/// `use super::*` names the parent, and `self::` paths are self edges
/// (dropped).
#[test]
fn super_paths_start_at_the_parent() {
    let tree = TempTree::new(
        "super",
        &[
            ("lib.rs", "mod p;\npub fn top() {}\n"),
            ("p/mod.rs", "mod child;\nmod other;\npub fn helper() {}\n"),
            (
                "p/child.rs",
                "use super::helper;\nuse super::*;\nfn f() {\n    \
                 super::other::g();\n    super::super::top();\n    self::h();\n}\nfn h() {}\n",
            ),
            ("p/other.rs", "pub fn g() {}\n"),
        ],
    );
    assert_eq!(
        edges(&tree.graph()),
        [
            edge("p::child", "crate", &["top"]),
            edge("p::child", "p", &["*", "helper"]),
            edge("p::child", "p::other", &["g"]),
        ]
    );
}

/// Re-export lines (`pub use`, `pub(crate) use`, `pub(super) use`) are not
/// edges, nor are comments and what follows `#[cfg(test)]`.
#[test]
fn reexports_comments_and_unit_tests_are_not_edges() {
    let tree = TempTree::new(
        "not-edges",
        &[
            (
                "lib.rs",
                "mod a;\nmod b;\nmod c;\npub use a::A;\npub(crate) use crate::b::{B, self};\n",
            ),
            (
                "a.rs",
                "pub struct A;\npub(super) use crate::b::B as AlsoB;\n",
            ),
            (
                "b.rs",
                "/// Not [`crate::c::C`].\npub struct B; // crate::c::C\n",
            ),
            (
                "c.rs",
                "pub struct C(crate::a::AlsoB);\n#[cfg(test)]\nmod tests {\n    \
                 use crate::a::A;\n}\n",
            ),
        ],
    );
    assert_eq!(edges(&tree.graph()), [edge("c", "b", &["AlsoB"])]);
}
