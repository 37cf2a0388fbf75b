//! A small TOML reader for `pyproject.toml`.
//!
//! Cargo.toml is never parsed here (`cargo metadata` reports it, including
//! `[package.metadata]`); `pyproject.toml` is, for its `[project]` and
//! `[tool.hpy-rs]` tables. The reader covers what those tables use: tables
//! and arrays of tables, bare/quoted/dotted keys, basic and literal strings
//! (single- and multi-line), arrays, inline tables, booleans. Numbers and
//! dates are kept as their source text. Anything it does not understand is
//! an error with a line number, never a silent misread.

use std::fmt;

/// A TOML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Toml {
    /// A string, escapes resolved.
    String(String),
    /// `true` / `false`.
    Bool(bool),
    /// A number or date, as written.
    Other(String),
    /// An array.
    Array(Vec<Toml>),
    /// A table; keys in input order.
    Table(Vec<(String, Toml)>),
}

impl Toml {
    /// The value at a dotted path of table keys, e.g. `["tool", "hpy-rs"]`.
    pub fn get_path(&self, path: &[&str]) -> Option<&Toml> {
        path.iter().try_fold(self, |value, key| value.get(key))
    }

    /// The member `key` of a table.
    pub fn get(&self, key: &str) -> Option<&Toml> {
        match self {
            Toml::Table(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Toml::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Toml]> {
        match self {
            Toml::Array(items) => Some(items),
            _ => None,
        }
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlError {
    /// 1-based line.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for TomlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses a whole document into a table.
pub fn parse(text: &str) -> Result<Toml, TomlError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
    };
    let mut root = Toml::Table(Vec::new());
    // The path of the table that `key = value` lines go into.
    let mut current: Vec<String> = Vec::new();
    loop {
        p.skip_blank_lines();
        let Some(c) = p.peek() else { break };
        if c == b'[' {
            let array = p.s[p.pos..].starts_with(b"[[");
            p.pos += if array { 2 } else { 1 };
            p.skip_spaces();
            let path = p.key()?;
            p.skip_spaces();
            let close: &[u8] = if array { b"]]" } else { b"]" };
            if !p.s[p.pos..].starts_with(close) {
                return Err(p.error("expected `]` after the table name"));
            }
            p.pos += close.len();
            let line = p.line();
            p.end_of_line()?;
            let table = descend(&mut root, &path[..path.len() - 1], line)?;
            let last = path.last().expect("a key has at least one part");
            if array {
                let slot = entry(table, last, || Toml::Array(Vec::new()), line)?;
                let Toml::Array(items) = slot else {
                    return Err(err(line, format!("`{last}` is not an array of tables")));
                };
                items.push(Toml::Table(Vec::new()));
            } else {
                let slot = entry(table, last, || Toml::Table(Vec::new()), line)?;
                if !matches!(slot, Toml::Table(_)) {
                    return Err(err(line, format!("`{last}` is not a table")));
                }
            }
            current = path;
        } else {
            let path = p.key()?;
            p.skip_spaces();
            if p.peek() != Some(b'=') {
                return Err(p.error("expected `=` after the key"));
            }
            p.pos += 1;
            p.skip_spaces();
            let value = p.value()?;
            let line = p.line();
            p.end_of_line()?;
            let mut full = current.clone();
            full.extend_from_slice(&path[..path.len() - 1]);
            let table = descend(&mut root, &full, line)?;
            insert(table, path.last().expect("non-empty key"), value, line)?;
        }
    }
    Ok(root)
}

fn err(line: usize, message: String) -> TomlError {
    TomlError { line, message }
}

/// The table at `path`, creating tables on the way; an array of tables
/// stands for its last element.
fn descend<'a>(
    mut table: &'a mut Toml,
    path: &[String],
    line: usize,
) -> Result<&'a mut Toml, TomlError> {
    for key in path {
        let slot = entry(table, key, || Toml::Table(Vec::new()), line)?;
        table = match slot {
            Toml::Array(items) => match items.last_mut() {
                Some(last @ Toml::Table(_)) => last,
                _ => return Err(err(line, format!("`{key}` is not a table"))),
            },
            t @ Toml::Table(_) => t,
            _ => return Err(err(line, format!("`{key}` is not a table"))),
        };
    }
    Ok(table)
}

fn entry<'a>(
    table: &'a mut Toml,
    key: &str,
    make: impl FnOnce() -> Toml,
    line: usize,
) -> Result<&'a mut Toml, TomlError> {
    let Toml::Table(members) = table else {
        return Err(err(line, format!("cannot put `{key}` into a non-table")));
    };
    let index = match members.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            members.push((key.to_owned(), make()));
            members.len() - 1
        }
    };
    Ok(&mut members[index].1)
}

fn insert(table: &mut Toml, key: &str, value: Toml, line: usize) -> Result<(), TomlError> {
    let Toml::Table(members) = table else {
        return Err(err(line, format!("cannot put `{key}` into a non-table")));
    };
    if members.iter().any(|(k, _)| k == key) {
        return Err(err(line, format!("key `{key}` defined twice")));
    }
    members.push((key.to_owned(), value));
    Ok(())
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn line(&self) -> usize {
        1 + self.s[..self.pos.min(self.s.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    fn error(&self, message: &str) -> TomlError {
        err(self.line(), message.to_owned())
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            while !matches!(self.peek(), None | Some(b'\n')) {
                self.pos += 1;
            }
        }
    }

    /// Whitespace, newlines and comments (between statements and inside arrays).
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_spaces();
            self.skip_comment();
            match self.peek() {
                Some(b'\n' | b'\r') => self.pos += 1,
                _ => return,
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), TomlError> {
        self.skip_spaces();
        self.skip_comment();
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'\r') if self.s.get(self.pos + 1) == Some(&b'\n') => {
                self.pos += 2;
                Ok(())
            }
            Some(_) => Err(self.error("unexpected text after the value")),
        }
    }

    /// A dotted key: `a`, `"a b".c`, `'x'`.
    fn key(&mut self) -> Result<Vec<String>, TomlError> {
        let mut parts = Vec::new();
        loop {
            self.skip_spaces();
            let part = match self.peek() {
                Some(b'"') => self.basic_string()?,
                Some(b'\'') => self.literal_string()?,
                _ => {
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                    {
                        self.pos += 1;
                    }
                    if start == self.pos {
                        return Err(self.error("expected a key"));
                    }
                    String::from_utf8_lossy(&self.s[start..self.pos]).into_owned()
                }
            };
            parts.push(part);
            self.skip_spaces();
            if self.peek() == Some(b'.') {
                self.pos += 1;
            } else {
                return Ok(parts);
            }
        }
    }

    fn value(&mut self) -> Result<Toml, TomlError> {
        match self.peek() {
            Some(b'"') => self.basic_string().map(Toml::String),
            Some(b'\'') => self.literal_string().map(Toml::String),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_blank_lines();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(Toml::Array(items));
                    }
                    items.push(self.value()?);
                    self.skip_blank_lines();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {}
                        _ => return Err(self.error("expected `,` or `]` in an array")),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut table = Toml::Table(Vec::new());
                self.skip_spaces();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(table);
                }
                loop {
                    let path = self.key()?;
                    self.skip_spaces();
                    if self.peek() != Some(b'=') {
                        return Err(self.error("expected `=` in an inline table"));
                    }
                    self.pos += 1;
                    self.skip_spaces();
                    let value = self.value()?;
                    let line = self.line();
                    let inner = descend(&mut table, &path[..path.len() - 1], line)?;
                    insert(inner, path.last().expect("non-empty key"), value, line)?;
                    self.skip_spaces();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(table);
                        }
                        _ => return Err(self.error("expected `,` or `}` in an inline table")),
                    }
                }
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.' | b':' | b'_')
                }) {
                    self.pos += 1;
                }
                match &self.s[start..self.pos] {
                    b"" => Err(self.error("expected a value")),
                    b"true" => Ok(Toml::Bool(true)),
                    b"false" => Ok(Toml::Bool(false)),
                    raw => Ok(Toml::Other(String::from_utf8_lossy(raw).into_owned())),
                }
            }
        }
    }

    fn literal_string(&mut self) -> Result<String, TomlError> {
        let multi = self.s[self.pos..].starts_with(b"'''");
        let delim: &[u8] = if multi { b"'''" } else { b"'" };
        self.pos += delim.len();
        if multi && self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        let start = self.pos;
        while !self.s[self.pos..].starts_with(delim) {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'\n') if !multi => return Err(self.error("newline in a string")),
                _ => self.pos += 1,
            }
        }
        let text = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
        self.pos += delim.len();
        Ok(text)
    }

    fn basic_string(&mut self) -> Result<String, TomlError> {
        let multi = self.s[self.pos..].starts_with(b"\"\"\"");
        let delim: &[u8] = if multi { b"\"\"\"" } else { b"\"" };
        self.pos += delim.len();
        if multi && self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        let mut out = Vec::new();
        while !self.s[self.pos..].starts_with(delim) {
            let Some(c) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            if c == b'\n' && !multi {
                return Err(self.error("newline in a string"));
            }
            self.pos += 1;
            match c {
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.error("unterminated string"));
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'u' | b'U' => {
                            let len = if e == b'u' { 4 } else { 8 };
                            let hex = self.s.get(self.pos..self.pos + len).unwrap_or_default();
                            let ch = std::str::from_utf8(hex)
                                .ok()
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .and_then(char::from_u32)
                                .ok_or_else(|| self.error("bad unicode escape"))?;
                            self.pos += len;
                            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        b'\n' | b' ' | b'\t' | b'\r' if multi => {
                            // Line-ending backslash: skip the whitespace after it.
                            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                                self.pos += 1;
                            }
                        }
                        _ => return Err(self.error("unknown escape in a string")),
                    }
                }
                _ => out.push(c),
            }
        }
        self.pos += delim.len();
        String::from_utf8(out).map_err(|_| self.error("string is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYPROJECT: &str = r#"
# A comment
[build-system]
requires = []   # nothing
build-backend = "hpy_rs_build"
backend-path = ["build-backend"]

[project]
name = "pofpackage"
version = '0.2.0'
description = "A \"package\" \u00e9"
requires-python = ">=3.9"
dependencies = [
    "numpy>=1",  # trailing comment
    'six',
]
authors = [{ name = "A. Person", email = "a@example.org" }]
license = { text = "MIT" }
readme.content-type = "text/plain"

[tool.hpy-rs]
module = "pofpackage.foo"
python-source = "python"
strip = false
level = 3

[[tool.other]]
x = 1
[[tool.other]]
x = 2
"#;

    #[test]
    fn reads_a_pyproject() {
        let doc = parse(PYPROJECT).unwrap();
        let s = |path: &[&str]| doc.get_path(path).and_then(Toml::as_str).map(str::to_owned);
        assert_eq!(s(&["project", "name"]).as_deref(), Some("pofpackage"));
        assert_eq!(s(&["project", "version"]).as_deref(), Some("0.2.0"));
        assert_eq!(
            s(&["project", "description"]).as_deref(),
            Some("A \"package\" é")
        );
        assert_eq!(
            s(&["tool", "hpy-rs", "module"]).as_deref(),
            Some("pofpackage.foo")
        );
        assert_eq!(
            s(&["project", "readme", "content-type"]).as_deref(),
            Some("text/plain")
        );
        assert_eq!(s(&["project", "license", "text"]).as_deref(), Some("MIT"));
        let deps: Vec<_> = doc
            .get_path(&["project", "dependencies"])
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Toml::as_str)
            .collect();
        assert_eq!(deps, ["numpy>=1", "six"]);
        let authors = doc
            .get_path(&["project", "authors"])
            .unwrap()
            .as_array()
            .unwrap();
        assert_eq!(
            authors[0].get("email").and_then(Toml::as_str),
            Some("a@example.org")
        );
        assert_eq!(
            doc.get_path(&["tool", "hpy-rs", "strip"]),
            Some(&Toml::Bool(false))
        );
        assert_eq!(
            doc.get_path(&["tool", "hpy-rs", "level"]),
            Some(&Toml::Other("3".into()))
        );
        assert_eq!(
            doc.get_path(&["tool", "other"])
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            doc.get_path(&["build-system", "requires"]),
            Some(&Toml::Array(vec![]))
        );
    }

    #[test]
    fn multiline_strings() {
        let doc = parse("a = \"\"\"\none\\\n   two\"\"\"\nb = '''\nraw\\n'''\n").unwrap();
        assert_eq!(doc.get("a").and_then(Toml::as_str), Some("onetwo"));
        assert_eq!(doc.get("b").and_then(Toml::as_str), Some("raw\\n"));
    }

    #[test]
    fn errors_have_lines() {
        for (text, line) in [
            ("a = 1\nb = \n", 2),
            ("[x\n", 1),
            ("a = 1\na = 2\n", 2),
            ("a = \"open\n", 1),
            ("a = [1 2]\n", 1),
            ("a = 1 b\n", 1),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
        }
    }
}
