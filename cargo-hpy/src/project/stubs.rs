//! Type stubs: the module's `.pyi` (and `py.typed`), rendered from the
//! description `hpy_module!` puts into the binary.
//!
//! The macros describe every function, class, methods block, exception
//! and constant of the module as one JSON line each; `hpy_module!` joins
//! the lines of the module's own items into the section `hpy_rs_stubs`
//! (Mach-O `__DATA,__hpy_rs_stubs`). It is read here from the file, with
//! no interpreter: a universal binary is built without Python, and a
//! CPython-ABI binary cannot even be loaded without libpython's symbols.
//!
//! Rust types are mapped to Python annotations by the macros; a named type
//! they do not know is written `{Name}` and resolved here to the Python
//! name of the module's class of that Rust name, else `typing.Any`.

use std::collections::BTreeMap;

use object::{Object, ObjectSection};
use serde::Deserialize;

use crate::project::compile::{ArchiveFile, CompiledLibrary};

/// The section holding the description (ELF; `__hpy_rs_stubs` in Mach-O).
pub const SECTION: &str = "hpy_rs_stubs";

/// The first line of every generated stub.
pub const STUB_HEADER: &str =
    "# Written by cargo-hpy from the module's hpy-rs definitions; do not edit.";

/// One line of the description.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
enum Line {
    Module {
        name: String,
        doc: Option<String>,
    },
    #[serde(rename = "fn")]
    Function(Callable),
    Class(Class),
    Methods {
        rust: String,
        items: Vec<Callable>,
    },
    Exception {
        qualname: String,
        base: String,
        doc: Option<String>,
        attrs: Vec<String>,
    },
    Constant {
        name: String,
        ty: Option<String>,
    },
    /// The class before it lays its instances out differently from its
    /// base (PEP 800: a disjoint base).
    Layout {
        disjoint: bool,
    },
    /// The class before it is not a module attribute (`#[unexported]`).
    Unexported,
}

/// A function, method, constructor, property accessor or slot.
#[derive(Debug, Clone, Deserialize)]
struct Callable {
    /// `fn`, `method`, `staticmethod`, `classmethod`, `new`,
    /// `new_for_init`, `init`, `classattr`, `getter`, `setter`, `slot`
    /// (a module-level line's tag is the line's, so empty here).
    #[serde(default)]
    k: String,
    name: String,
    params: Vec<Param>,
    ret: String,
    doc: Option<String>,
    /// A `text_signature` written by hand: what Python sees.
    #[serde(default)]
    text_sig: Option<String>,
    /// For `slot`: the HPy slot it fills (`HPy_nb_add`; empty for a
    /// reflected operator, which goes with its forward method).
    #[serde(default)]
    slot: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Param {
    name: String,
    /// `posonly`, `pos`, `kwonly`, `args`, `kwargs`.
    kind: String,
    ty: String,
    default: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct Attribute {
    name: String,
    ty: String,
    readonly: bool,
    doc: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Variant {
    name: String,
    fields: Vec<Attribute>,
}

#[derive(Debug, Clone, Deserialize)]
struct Class {
    rust: String,
    name: String,
    doc: Option<String>,
    base: Option<String>,
    #[serde(default)]
    metaclass: Option<String>,
    members: Vec<Attribute>,
    unit_variants: Vec<String>,
    data_variants: Vec<Variant>,
    dunders: Vec<String>,
    #[serde(default)]
    subclass: bool,
    /// The items of its `#[hpy_methods]` block.
    #[serde(skip)]
    items: Vec<Callable>,
    /// Whether its instances' layout differs from its base's.
    #[serde(skip)]
    disjoint: bool,
    /// Whether the module leaves it out of its attributes: the stub
    /// declares it for typing only.
    #[serde(skip)]
    unexported: bool,
}

/// A module's description, parsed.
#[derive(Debug, Clone)]
pub struct ModuleStubs {
    name: String,
    doc: Option<String>,
    functions: Vec<Callable>,
    classes: Vec<Class>,
    exceptions: Vec<(String, String, Option<String>, Vec<String>)>,
    constants: Vec<(String, Option<String>)>,
}

/// Why a binary's stubs could not be read.
#[derive(Debug)]
pub enum StubError {
    /// The file is not an object file `object` reads.
    NotAnObject(String),
    /// No `hpy_rs_stubs` section (built by an hpy-rs without stubs, or for
    /// Windows, where the section is not emitted).
    NoSection,
    /// The section holds no description of the module `name`.
    NoModule(String),
    /// A line is not valid.
    BadLine(String),
}

impl std::fmt::Display for StubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StubError::NotAnObject(e) => write!(f, "not an object file: {e}"),
            StubError::NoSection => write!(
                f,
                "the binary has no `{SECTION}` section (no `hpy_module!`, an hpy-rs from \
                 before type stubs, or Windows, where the section is not emitted)"
            ),
            StubError::NoModule(name) => write!(f, "no description of module `{name}`"),
            StubError::BadLine(e) => write!(f, "invalid stub description: {e}"),
        }
    }
}

/// The raw description in a binary's stub section.
pub fn read_section(binary: &[u8]) -> Result<Vec<u8>, StubError> {
    let file = object::File::parse(binary).map_err(|e| StubError::NotAnObject(e.to_string()))?;
    let section = file
        .section_by_name(SECTION)
        .or_else(|| file.section_by_name(&format!("__{SECTION}")))
        .ok_or(StubError::NoSection)?;
    let data = section
        .data()
        .map_err(|e| StubError::NotAnObject(e.to_string()))?;
    Ok(data.to_vec())
}

/// Parses the description of module `name` (the section may hold several
/// modules' descriptions, each starting with its `module` line).
pub fn parse(text: &str, name: &str) -> Result<ModuleStubs, StubError> {
    let mut found: Option<ModuleStubs> = None;
    let mut in_module = false;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line: Line =
            serde_json::from_str(line).map_err(|e| StubError::BadLine(format!("{e}: {line}")))?;
        match line {
            Line::Module { name: n, doc } => {
                in_module = n == name && found.is_none();
                if in_module {
                    found = Some(ModuleStubs {
                        name: n,
                        doc,
                        functions: Vec::new(),
                        classes: Vec::new(),
                        exceptions: Vec::new(),
                        constants: Vec::new(),
                    });
                }
            }
            _ if !in_module => {}
            other => {
                let module = found.as_mut().expect("in_module");
                match other {
                    Line::Module { .. } => unreachable!(),
                    Line::Function(mut f) => {
                        f.k = "fn".to_owned();
                        module.functions.push(f);
                    }
                    Line::Class(c) => module.classes.push(c),
                    Line::Methods { rust, items } => {
                        if let Some(class) =
                            module.classes.iter_mut().rev().find(|c| c.rust == rust)
                        {
                            class.items.extend(items);
                        }
                    }
                    Line::Exception {
                        qualname,
                        base,
                        doc,
                        attrs,
                    } => {
                        let short = qualname.rsplit('.').next().unwrap_or(&qualname).to_owned();
                        module.exceptions.push((short, base, doc, attrs));
                    }
                    Line::Constant { name, ty } => module.constants.push((name, ty)),
                    Line::Layout { disjoint } => {
                        if let Some(class) = module.classes.last_mut() {
                            class.disjoint = disjoint;
                        }
                    }
                    Line::Unexported => {
                        if let Some(class) = module.classes.last_mut() {
                            class.unexported = true;
                        }
                    }
                }
            }
        }
    }
    found.ok_or_else(|| StubError::NoModule(name.to_owned()))
}

/// The `.pyi` of module `name` in `binary`.
pub fn stub_for_binary(binary: &[u8], name: &str) -> Result<String, StubError> {
    let section = read_section(binary)?;
    let text = String::from_utf8_lossy(&section);
    Ok(parse(&text, name)?.render())
}

/// Where a library's stub files go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StubLayout {
    /// An output directory: the `.pyi` next to the module (found by mypy
    /// on `MYPYPATH` or in the current directory, and by editors).
    Directory,
    /// A wheel: also, for a top-level module, a stub-only package
    /// `NAME-stubs/__init__.pyi` (PEP 561), since mypy reads installed
    /// stubs only from a package with `py.typed` or from `NAME-stubs`, and
    /// a single-file module has no package to mark.
    Wheel,
}

/// The stub files of a library for its wheel or output directory: its
/// `.pyi` next to it, and `py.typed` in its package's directory when it
/// is inside a package. Paths are relative with `/`. Files the package's
/// own Python sources already have (`existing`) are left to them. A binary
/// without a description gives no files and a warning.
pub fn stub_files(
    library: &CompiledLibrary,
    binary: &[u8],
    existing: &[ArchiveFile],
    layout: StubLayout,
) -> Vec<ArchiveFile> {
    let stub = match stub_for_binary(binary, &library.module_name) {
        Ok(stub) => stub,
        Err(e) => {
            eprintln!(
                "cargo-hpy: warning: no type stubs for {}: {e}",
                library.full_name
            );
            return Vec::new();
        }
    };
    let package = library.package_path();
    let in_package = |file: &str| {
        package
            .iter()
            .copied()
            .chain([file])
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut files = Vec::new();
    let pyi = in_package(&format!("{}.pyi", library.module_name));
    let has = |path: &str| existing.iter().any(|(p, _, _)| p == path);
    if package.is_empty() && layout == StubLayout::Wheel {
        files.push((
            format!("{}-stubs/__init__.pyi", library.module_name),
            stub.clone().into_bytes(),
            0o644,
        ));
    }
    if !has(&pyi) {
        files.push((pyi, stub.into_bytes(), 0o644));
    }
    if !package.is_empty() {
        let typed = in_package("py.typed");
        if !has(&typed) {
            files.push((typed, Vec::new(), 0o644));
        }
    }
    files
}

/// Writes the stub files of `library` into `out_dir` (`cargo hpy
/// build`), except over a file there that cargo-hpy did not write (a
/// `.pyi` or `py.typed` of the package's own Python sources); returns the
/// files written.
pub fn write_stub_files(
    library: &CompiledLibrary,
    out_dir: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, crate::error::Error> {
    let binary = std::fs::read(&library.library)
        .map_err(|e| crate::error::Error::io("read", &library.library, e))?;
    let mut written = Vec::new();
    for (rel, data, _) in stub_files(library, &binary, &[], StubLayout::Directory) {
        let target = rel.split('/').fold(out_dir.to_path_buf(), |d, p| d.join(p));
        let ours = |path: &std::path::Path| match std::fs::read(path) {
            Ok(old) if rel.ends_with(".pyi") => old.starts_with(STUB_HEADER.as_bytes()),
            // An empty `py.typed` is the same whoever wrote it.
            Ok(old) => old.is_empty(),
            Err(_) => true,
        };
        if !ours(&target) {
            continue;
        }
        if std::fs::read(&target).is_ok_and(|old| old == data) {
            written.push(target);
            continue;
        }
        crate::files::replace_file(&target, |temp| {
            std::fs::write(temp, &data).map_err(|e| crate::error::Error::io("write", temp, e))
        })?;
        written.push(target);
    }
    Ok(written)
}

/// What a rendered stub imports.
#[derive(Default)]
struct Imports(std::collections::BTreeSet<&'static str>);

impl Imports {
    fn note(&mut self, annotation: &str) {
        for module in [
            "typing",
            "datetime",
            "uuid",
            "decimal",
            "fractions",
            "ipaddress",
            "zoneinfo",
        ] {
            if annotation.contains(&format!("{module}.")) {
                self.0.insert(module);
            }
        }
    }
}

impl ModuleStubs {
    /// Python names of the module's classes by their Rust names.
    fn class_names(&self) -> BTreeMap<&str, &str> {
        self.classes
            .iter()
            .map(|c| (c.rust.as_str(), c.name.as_str()))
            .collect()
    }

    /// An annotation with its `{Rust}` names resolved (`{Self}` is
    /// `self_name`).
    fn resolve(&self, annotation: &str, self_name: Option<&str>) -> String {
        let classes = self.class_names();
        let mut out = String::new();
        let mut rest = annotation;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            let resolved = match name {
                "Self" => self_name.map(str::to_owned),
                _ => classes.get(name).map(|n| (*n).to_owned()),
            };
            out.push_str(resolved.as_deref().unwrap_or("typing.Any"));
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The `.pyi` text.
    pub fn render(&self) -> String {
        let mut body = String::new();
        let mut imports = Imports::default();
        for (name, ty) in &self.constants {
            let ty = self.resolve(ty.as_deref().unwrap_or("typing.Any"), None);
            imports.note(&ty);
            body.push_str(&format!("{name}: {ty}\n"));
        }
        if !self.constants.is_empty() {
            body.push('\n');
        }
        for f in &self.functions {
            body.push_str(&self.render_callable(f, "", None, &mut imports));
            body.push('\n');
        }
        body.push_str("class PanicException(BaseException):\n");
        body.push_str("    \"\"\"A Rust panic in this module.\"\"\"\n\n");
        for (name, base, doc, attrs) in &self.exceptions {
            body.push_str(&format!("class {name}({base}):\n"));
            let mut empty = true;
            if let Some(doc) = doc {
                body.push_str(&docstring(doc, "    "));
                empty = false;
            }
            for attr in attrs {
                imports.note("typing.");
                body.push_str(&format!("    {attr}: typing.Any\n"));
                empty = false;
            }
            if !attrs.is_empty() {
                let params: Vec<String> =
                    attrs.iter().map(|a| format!("{a}: typing.Any")).collect();
                body.push_str(&format!(
                    "    def __init__(self, {}) -> None: ...\n",
                    params.join(", ")
                ));
            }
            if empty {
                body.push_str("    ...\n");
            }
            body.push('\n');
        }
        for class in &self.classes {
            body.push_str(&self.render_class(class, &mut imports));
            body.push('\n');
        }
        let mut out = String::new();
        out.push_str(STUB_HEADER);
        out.push('\n');
        if let Some(doc) = &self.doc {
            out.push_str(&docstring(doc, ""));
        }
        out.push('\n');
        imports.0.insert("typing");
        for module in &imports.0 {
            out.push_str(&format!("import {module}\n"));
        }
        out.push('\n');
        out.push_str(body.trim_end());
        out.push('\n');
        let _ = &self.name;
        out
    }

    fn render_class(&self, class: &Class, imports: &mut Imports) -> String {
        let mut out = String::new();
        let bases: Vec<String> = class
            .base
            .as_deref()
            .map(|b| self.resolve(b, None))
            .into_iter()
            .chain(
                class
                    .metaclass
                    .as_deref()
                    .map(|m| format!("metaclass={}", self.resolve(m, None))),
            )
            .collect();
        let base = if bases.is_empty() {
            String::new()
        } else {
            format!("({})", bases.join(", "))
        };
        if class.unexported {
            out.push_str("@typing.type_check_only\n");
        }
        if !class.subclass && class.data_variants.is_empty() {
            out.push_str("@typing.final\n");
        } else if class.disjoint {
            imports.0.insert("typing_extensions");
            out.push_str("@typing_extensions.disjoint_base\n");
        }
        out.push_str(&format!("class {}{base}:\n", class.name));
        let mut lines = String::new();
        if let Some(doc) = &class.doc {
            lines.push_str(&docstring(doc, "    "));
        }
        let me = Some(class.name.as_str());
        for variant in &class.unit_variants {
            lines.push_str(&format!("    {variant}: typing.ClassVar[{}]\n", class.name));
        }
        for member in &class.members {
            let ty = self.resolve(&member.ty, me);
            imports.note(&ty);
            if member.readonly {
                lines.push_str(&format!(
                    "    @property\n    def {}(self) -> {ty}:{}\n",
                    member.name,
                    body_doc(member.doc.as_deref(), "        ")
                ));
            } else {
                lines.push_str(&format!("    {}: {ty}\n", member.name));
                if let Some(doc) = &member.doc {
                    lines.push_str(&docstring(doc, "    "));
                }
            }
        }
        let mut dunders_done: Vec<String> = Vec::new();
        for item in &class.items {
            match item.k.as_str() {
                "getter" => {
                    let ty = self.resolve(&item.ret, me);
                    imports.note(&ty);
                    lines.push_str(&format!(
                        "    @property\n    def {}(self) -> {ty}:{}\n",
                        item.name,
                        body_doc(item.doc.as_deref(), "        ")
                    ));
                    if let Some(setter) = class
                        .items
                        .iter()
                        .find(|s| s.k == "setter" && s.name == item.name)
                    {
                        let value = setter
                            .params
                            .first()
                            .map_or_else(|| ty.clone(), |p| self.resolve(&p.ty, me));
                        imports.note(&value);
                        lines.push_str(&format!(
                            "    @{0}.setter\n    def {0}(self, value: {value}) -> None: ...\n",
                            item.name
                        ));
                    }
                }
                "setter" => {}
                "classattr" => {
                    let ty = self.resolve(&item.ret, me);
                    imports.note(&ty);
                    lines.push_str(&format!("    {}: typing.ClassVar[{ty}]\n", item.name));
                }
                "slot" => {
                    for (name, text) in slot_dunders(item, &self.resolve(&item.ret, me)) {
                        if !dunders_done.contains(&name) {
                            imports.note(&text);
                            lines.push_str(&text);
                            dunders_done.push(name);
                        }
                    }
                }
                "new_for_init" => {}
                _ => lines.push_str(&self.render_callable(item, "    ", me, imports)),
            }
        }
        for dunder in &class.dunders {
            if dunders_done.contains(dunder) {
                continue;
            }
            let text = match dunder.as_str() {
                "__hash__" => "    def __hash__(self) -> int: ...\n".to_owned(),
                "__str__" => "    def __str__(self) -> str: ...\n".to_owned(),
                cmp => format!("    def {cmp}(self, other: object, /) -> bool: ...\n"),
            };
            lines.push_str(&text);
            dunders_done.push(dunder.clone());
        }
        for variant in &class.data_variants {
            lines.push_str(&format!(
                "    @typing.final\n    class {}({}):\n",
                variant.name, class.name
            ));
            let names: Vec<String> = variant
                .fields
                .iter()
                .map(|f| format!("{:?}", f.name))
                .collect();
            let comma = if names.len() == 1 { "," } else { "" };
            lines.push_str(&format!(
                "        __match_args__ = ({}{comma})\n",
                names.join(", ")
            ));
            let params: Vec<String> = variant
                .fields
                .iter()
                .map(|f| {
                    let ty = self.resolve(&f.ty, me);
                    imports.note(&ty);
                    format!("{}: {ty}", f.name)
                })
                .collect();
            let mut fields = vec!["cls".to_owned()];
            fields.extend(params);
            lines.push_str(&format!(
                "        def __new__({}) -> typing.Self: ...\n",
                fields.join(", ")
            ));
            for f in &variant.fields {
                let ty = self.resolve(&f.ty, me);
                lines.push_str(&format!(
                    "        @property\n        def {}(self) -> {ty}: ...\n",
                    f.name
                ));
            }
        }
        if lines.is_empty() {
            lines.push_str("    ...\n");
        }
        out.push_str(&lines);
        out
    }

    /// A `def` (with its decorator) at `indent`; `class` is the class's
    /// Python name for methods.
    fn render_callable(
        &self,
        f: &Callable,
        indent: &str,
        class: Option<&str>,
        imports: &mut Imports,
    ) -> String {
        let (decorator, first) = match f.k.as_str() {
            "fn" => ("", None),
            "staticmethod" => ("@staticmethod\n", None),
            "classmethod" => ("@classmethod\n", Some("cls")),
            "new" => ("", Some("cls")),
            _ => ("", Some("self")),
        };
        let mut parts: Vec<String> = first.map(str::to_owned).into_iter().collect();
        match &f.text_sig {
            Some(text) => parts.extend(self.text_signature_params(text, f, class, imports)),
            None => parts.extend(self.params(&f.params, class, imports)),
        }
        let ret = match f.k.as_str() {
            "new" => "typing.Self".to_owned(),
            "init" => "None".to_owned(),
            _ => self.resolve(&f.ret, class),
        };
        imports.note(&ret);
        let decorator = if decorator.is_empty() {
            String::new()
        } else {
            format!("{indent}{decorator}")
        };
        format!(
            "{decorator}{indent}def {}({}) -> {ret}:{}\n",
            f.name,
            parts.join(", "),
            body_doc(f.doc.as_deref(), &format!("{indent}    "))
        )
    }

    /// The parameter list of `params` with `/` and `*` where Python puts
    /// them.
    fn params(&self, params: &[Param], class: Option<&str>, imports: &mut Imports) -> Vec<String> {
        let mut out = Vec::new();
        let mut open_positional_only = false;
        let mut star = false;
        for p in params {
            let ty = self.resolve(&p.ty, class);
            imports.note(&ty);
            match p.kind.as_str() {
                "args" | "kwargs" => {
                    if open_positional_only {
                        out.push("/".to_owned());
                        open_positional_only = false;
                    }
                    let stars = if p.kind == "args" { "*" } else { "**" };
                    star |= p.kind == "args";
                    out.push(format!("{stars}{}: {ty}", p.name));
                }
                kind => {
                    if kind != "posonly" && open_positional_only {
                        out.push("/".to_owned());
                        open_positional_only = false;
                    }
                    open_positional_only |= kind == "posonly";
                    if kind == "kwonly" && !star {
                        out.push("*".to_owned());
                        star = true;
                    }
                    let default = if p.default { " = ..." } else { "" };
                    out.push(format!("{}: {ty}{default}", p.name));
                }
            }
        }
        if open_positional_only {
            out.push("/".to_owned());
        }
        out
    }

    /// The parameters of a hand-written text signature, annotated with the
    /// types of the Rust parameters of the same names.
    fn text_signature_params(
        &self,
        text: &str,
        f: &Callable,
        class: Option<&str>,
        imports: &mut Imports,
    ) -> Vec<String> {
        let inner = text
            .trim()
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or(text);
        let mut out = Vec::new();
        for part in split_top_level(inner) {
            let part = part.trim();
            if part.is_empty() || part.starts_with('$') {
                continue;
            }
            if part == "/" || part == "*" {
                out.push(part.to_owned());
                continue;
            }
            let (name, default) = match part.split_once('=') {
                Some((n, _)) => (n.trim(), true),
                None => (part, false),
            };
            let bare = name.trim_start_matches('*');
            let ty = f
                .params
                .iter()
                .find(|p| p.name == bare)
                .map_or_else(|| "typing.Any".to_owned(), |p| self.resolve(&p.ty, class));
            imports.note(&ty);
            let default = if default { " = ..." } else { "" };
            out.push(format!("{name}: {ty}{default}"));
        }
        out
    }
}

/// The Python special methods a slot's method defines, each with its
/// `def` line (CPython makes `__radd__` with `__add__`, all six
/// comparisons from `__richcmp__`, `__delitem__` with `__setitem__`).
fn slot_dunders(item: &Callable, ret: &str) -> Vec<(String, String)> {
    let slot = item.slot.as_deref().unwrap_or_default();
    let name = item.name.as_str();
    let def = |dunder: &str, params: &str, ret: &str| {
        (
            dunder.to_owned(),
            format!("    def {dunder}(self{params}) -> {ret}: ...\n"),
        )
    };
    let binary = |dunder: &str| def(dunder, ", other: typing.Any, /", ret);
    let short = slot.trim_start_matches("HPy_");
    let by_slot = match short {
        "tp_repr" => Some("__repr__"),
        "tp_str" => Some("__str__"),
        "tp_hash" => Some("__hash__"),
        "tp_call" => Some("__call__"),
        "tp_richcompare" => Some("__richcmp__"),
        "tp_finalize" => Some("__del__"),
        "nb_bool" => Some("__bool__"),
        "mp_length" | "sq_length" => Some("__len__"),
        "mp_subscript" | "sq_item" => Some("__getitem__"),
        "mp_ass_subscript" | "sq_ass_item" => Some("__setitem__"),
        "sq_contains" => Some("__contains__"),
        "nb_negative" => Some("__neg__"),
        "nb_positive" => Some("__pos__"),
        "nb_absolute" => Some("__abs__"),
        "nb_invert" => Some("__invert__"),
        "nb_int" => Some("__int__"),
        "nb_float" => Some("__float__"),
        "nb_index" => Some("__index__"),
        _ => None,
    };
    // A sequence slot makes exactly these, whatever the method's name.
    let sequence: Option<&[&str]> = match short {
        "sq_concat" => Some(&["__add__"]),
        "sq_inplace_concat" => Some(&["__iadd__"]),
        "sq_repeat" => Some(&["__mul__", "__rmul__"]),
        "sq_inplace_repeat" => Some(&["__imul__"]),
        _ => None,
    };
    if let Some(names) = sequence {
        return names.iter().map(|d| binary(d)).collect();
    }
    let dunder = if name.starts_with("__") {
        name
    } else {
        by_slot.unwrap_or(name)
    };
    let reflected = |forward: &str| -> Option<&'static str> {
        Some(match forward {
            "__add__" => "__radd__",
            "__sub__" => "__rsub__",
            "__mul__" => "__rmul__",
            "__matmul__" => "__rmatmul__",
            "__truediv__" => "__rtruediv__",
            "__floordiv__" => "__rfloordiv__",
            "__mod__" => "__rmod__",
            "__divmod__" => "__rdivmod__",
            "__lshift__" => "__rlshift__",
            "__rshift__" => "__rrshift__",
            "__and__" => "__rand__",
            "__or__" => "__ror__",
            "__xor__" => "__rxor__",
            "__pow__" => "__rpow__",
            _ => return None,
        })
    };
    let forward = |reflected_name: &str| {
        [
            "__add__",
            "__sub__",
            "__mul__",
            "__matmul__",
            "__truediv__",
            "__floordiv__",
            "__mod__",
            "__divmod__",
            "__lshift__",
            "__rshift__",
            "__and__",
            "__or__",
            "__xor__",
            "__pow__",
        ]
        .into_iter()
        .find(|f| reflected(f) == Some(reflected_name))
    };
    match dunder {
        "__richcmp__" => ["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"]
            .iter()
            .map(|d| def(d, ", other: object, /", ret))
            .collect(),
        "__setitem__" | "__delitem__" => vec![
            def(
                "__setitem__",
                ", key: typing.Any, value: typing.Any, /",
                "None",
            ),
            def("__delitem__", ", key: typing.Any, /", "None"),
        ],
        "__hash__" => vec![def("__hash__", "", "int")],
        "__len__" => vec![def("__len__", "", "int")],
        "__bool__" => vec![def("__bool__", "", "bool")],
        "__repr__" | "__str__" => vec![def(dunder, "", "str")],
        "__del__" => vec![def("__del__", "", "None")],
        "__call__" => vec![def(
            "__call__",
            ", *args: typing.Any, **kwargs: typing.Any",
            ret,
        )],
        "__contains__" => vec![def("__contains__", ", key: typing.Any, /", "bool")],
        "__getitem__" => vec![def("__getitem__", ", key: typing.Any, /", ret)],
        "__pow__" | "__rpow__" => vec![
            def(
                "__pow__",
                ", value: typing.Any, mod: typing.Any = None, /",
                ret,
            ),
            def(
                "__rpow__",
                ", value: typing.Any, mod: typing.Any = None, /",
                ret,
            ),
        ],
        "__ipow__" => vec![def(
            "__ipow__",
            ", value: typing.Any, mod: typing.Any = None, /",
            ret,
        )],
        "__neg__" | "__pos__" | "__abs__" | "__invert__" | "__int__" | "__float__"
        | "__index__" => vec![def(dunder, "", ret)],
        d if reflected(d).is_some() => {
            vec![binary(d), binary(reflected(d).expect("checked"))]
        }
        d if forward(d).is_some() => {
            vec![binary(forward(d).expect("checked")), binary(d)]
        }
        d => vec![binary(d)],
    }
}

/// Splits at the commas outside brackets and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A docstring statement at `indent`.
fn docstring(doc: &str, indent: &str) -> String {
    let text = doc
        .trim_end()
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"");
    let mut out = format!("{indent}\"\"\"");
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line);
    }
    if text.ends_with('"') {
        out.push(' ');
    }
    out.push_str("\"\"\"\n");
    out
}

/// A `def`'s body: ` ...` on its line, or its docstring on the next.
fn body_doc(doc: Option<&str>, indent: &str) -> String {
    match doc {
        Some(doc) if !doc.trim().is_empty() => format!("\n{}", docstring(doc, indent).trim_end()),
        _ => " ...".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTION: &str = concat!(
        r#"{"k":"module","name":"shapes","doc":"Shapes."}"#,
        "\n",
        r#"{"k":"fn","name":"area","params":[{"name":"c","kind":"pos","ty":"{Circle}","default":false},{"name":"scale","kind":"kwonly","ty":"float | None","default":true}],"ret":"float","doc":"The area.","text_sig":null}"#,
        "\n",
        r#"{"k":"class","rust":"Circle","name":"Circle","doc":"A circle.","base":null,"members":[{"name":"r","ty":"float","readonly":true,"doc":null}],"unit_variants":[],"data_variants":[],"dunders":["__eq__","__ne__"],"subclass":false}"#,
        "\n",
        r#"{"k":"methods","rust":"Circle","items":[{"k":"new","name":"__new__","params":[{"name":"r","kind":"pos","ty":"float","default":false}],"ret":"{Self}","doc":null,"text_sig":null},{"k":"method","name":"scaled","params":[{"name":"f","kind":"posonly","ty":"float","default":false}],"ret":"{Circle}","doc":null,"text_sig":null},{"k":"slot","name":"__add__","params":[{"name":"o","kind":"pos","ty":"{Self}","default":false}],"ret":"{Self}","doc":null,"text_sig":null,"slot":"HPy_nb_add"}]}"#,
        "\n",
        r#"{"k":"exception","qualname":"shapes.ShapeError","base":"ValueError","doc":null,"attrs":[]}"#,
        "\n",
        r#"{"k":"constant","name":"PI","ty":"float"}"#,
        "\n",
        r#"{"k":"module","name":"other","doc":null}"#,
        "\n",
    );

    #[test]
    fn renders_a_module() {
        let stubs = parse(DESCRIPTION, "shapes").unwrap();
        let expected = r#"# Written by cargo-hpy from the module's hpy-rs definitions; do not edit.
"""Shapes."""

import typing

PI: float

def area(c: Circle, *, scale: float | None = ...) -> float:
    """The area."""

class PanicException(BaseException):
    """A Rust panic in this module."""

class ShapeError(ValueError):
    ...

@typing.final
class Circle:
    """A circle."""
    @property
    def r(self) -> float: ...
    def __new__(cls, r: float) -> typing.Self: ...
    def scaled(self, f: float, /) -> Circle: ...
    def __add__(self, other: typing.Any, /) -> Circle: ...
    def __radd__(self, other: typing.Any, /) -> Circle: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
"#;
        assert_eq!(stubs.render(), expected);
    }

    #[test]
    fn unknown_names_are_any_and_other_modules_are_skipped() {
        let stubs = parse(DESCRIPTION, "shapes").unwrap();
        assert_eq!(stubs.resolve("list[{Nope}]", None), "list[typing.Any]");
        assert_eq!(stubs.resolve("{Self} | None", Some("C")), "C | None");
        assert!(matches!(
            parse(DESCRIPTION, "missing"),
            Err(StubError::NoModule(_))
        ));
        assert!(parse(DESCRIPTION, "other").unwrap().functions.is_empty());
    }

    #[test]
    fn text_signatures_keep_their_shape() {
        let stubs = parse(DESCRIPTION, "shapes").unwrap();
        let f = Callable {
            k: "fn".into(),
            name: "f".into(),
            params: vec![Param {
                name: "x".into(),
                kind: "pos".into(),
                ty: "int".into(),
                default: false,
            }],
            ret: "int".into(),
            doc: None,
            text_sig: Some("(x, y=(1, 2), /, *rest)".into()),
            slot: None,
        };
        let mut imports = Imports::default();
        assert_eq!(
            stubs.render_callable(&f, "", None, &mut imports),
            "def f(x: int, y: typing.Any = ..., /, *rest: typing.Any) -> int: ...\n"
        );
    }

    #[test]
    fn slots_make_the_special_methods_cpython_publishes() {
        let slot = |name: &str, slot: &str| Callable {
            k: "slot".into(),
            name: name.into(),
            params: Vec::new(),
            ret: "int".into(),
            doc: None,
            text_sig: None,
            slot: Some(slot.into()),
        };
        let names = |c: &Callable| -> Vec<String> {
            slot_dunders(c, "int").into_iter().map(|(n, _)| n).collect()
        };
        assert_eq!(names(&slot("concat", "HPy_sq_concat")), ["__add__"]);
        assert_eq!(names(&slot("__add__", "HPy_sq_concat")), ["__add__"]);
        assert_eq!(
            names(&slot("__add__", "HPy_nb_add")),
            ["__add__", "__radd__"]
        );
        assert_eq!(names(&slot("__rsub__", "")), ["__sub__", "__rsub__"]);
        assert_eq!(
            names(&slot("repeat", "HPy_sq_repeat")),
            ["__mul__", "__rmul__"]
        );
        assert_eq!(
            names(&slot("__delitem__", "HPy_mp_ass_subscript")),
            ["__setitem__", "__delitem__"]
        );
        assert_eq!(names(&slot("__richcmp__", "HPy_tp_richcompare")).len(), 6);
    }

    #[test]
    fn a_metaclass_goes_after_the_base() {
        let text = concat!(
            r#"{"k":"module","name":"m","doc":null}"#,
            "\n",
            r#"{"k":"class","rust":"Meta","name":"Meta","doc":null,"base":"type","members":[],"unit_variants":[],"data_variants":[],"dunders":[],"subclass":true}"#,
            "\n",
            r#"{"k":"class","rust":"W","name":"W","doc":null,"base":null,"metaclass":"{Meta}","members":[],"unit_variants":[],"data_variants":[],"dunders":[],"subclass":false}"#,
            "\n",
        );
        let stub = parse(text, "m").unwrap().render();
        assert!(stub.contains("class Meta(type):\n"), "{stub}");
        assert!(
            stub.contains("@typing.final\nclass W(metaclass=Meta):\n    ...\n"),
            "{stub}"
        );
    }

    #[test]
    fn an_unexported_class_is_for_typing_only() {
        let text = concat!(
            r#"{"k":"module","name":"m","doc":null}"#,
            "\n",
            r#"{"k":"class","rust":"It","name":"It","doc":null,"base":null,"members":[],"unit_variants":[],"data_variants":[],"dunders":[],"subclass":false}"#,
            "\n",
            r#"{"k":"unexported"}"#,
            "\n",
            r#"{"k":"class","rust":"C","name":"C","doc":null,"base":null,"members":[],"unit_variants":[],"data_variants":[],"dunders":[],"subclass":false}"#,
            "\n",
        );
        let stub = parse(text, "m").unwrap().render();
        assert!(
            stub.contains("@typing.type_check_only\n@typing.final\nclass It:\n"),
            "{stub}"
        );
        assert!(stub.contains("\n\n@typing.final\nclass C:\n"), "{stub}");
    }

    #[test]
    fn docstrings_are_quoted_safely() {
        assert_eq!(
            docstring("a \"\"\" b\\", ""),
            "\"\"\"a \\\"\\\"\\\" b\\\\\"\"\"\n"
        );
        assert_eq!(docstring("ends \"q\"", "  "), "  \"\"\"ends \"q\" \"\"\"\n");
    }
}
