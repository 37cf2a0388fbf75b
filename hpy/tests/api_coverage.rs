//! `docs/api-coverage.md` must list every field of the installed HPy
//! universal context (`hpy/universal/autogen_ctx.h`), and every
//! `Type::method` it names (`Handle::dup`, `List::append`,
//! `hpy::Capsule::get`, …) must be a public method of an inherent `impl`
//! block of that type in `hpy/src` (found by parsing the sources with `syn`).
//! Prints the coverage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// Paths a cell names that are not methods: enum variants of the
/// constants (`Constant::None`).
const NOT_METHODS: &[&str] = &["Constant", "HPyConstant"];

/// Every `Type::name` mentioned in a cell: a capitalised path segment
/// followed by `::` and a name (`hpy::` and other lower-case prefixes, and
/// turbofish arguments, are skipped).
fn named_methods(cell: &str) -> Vec<(String, String)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let mut rest = cell;
    while let Some(pos) = rest.find("::") {
        let before = &rest[..pos];
        let ty_start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_ident(c))
            .last()
            .map_or(pos, |(i, _)| i);
        let ty = &before[ty_start..];
        rest = &rest[pos + 2..];
        let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
        if ty.starts_with(|c: char| c.is_ascii_uppercase())
            && !NOT_METHODS.contains(&ty)
            && !name.is_empty()
        {
            found.push((ty.to_string(), name));
        }
    }
    found
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read hpy/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The public methods of each type's inherent `impl` blocks: type name
/// (the last path segment, without generics) -> method names.
type Methods = BTreeMap<String, BTreeSet<String>>;

/// Adds the methods of the inherent `impl` blocks among `items` (and in
/// inline modules) to `methods`: `pub fn`s, and the entries `name => ...` /
/// `name -> ...` of method-generating macros called in the block (as in
/// `number.rs`).
fn collect_methods(items: &[syn::Item], methods: &mut Methods) {
    for item in items {
        match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let Some(name) = &m.ident else { continue };
                for (ty, maker) in GENERATED {
                    if name == maker {
                        let names = methods.entry(ty.to_string()).or_default();
                        names.extend(pub_fns(&m.mac.tokens));
                    }
                }
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(ty) = &*imp.self_ty else {
                    continue;
                };
                let Some(last) = ty.path.segments.last() else {
                    continue;
                };
                let names = methods.entry(last.ident.to_string()).or_default();
                for member in &imp.items {
                    match member {
                        syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                            names.insert(f.sig.ident.to_string());
                        }
                        syn::ImplItem::Macro(m) => names.extend(macro_entries(&m.mac.tokens)),
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect_methods(inner, methods);
                }
            }
            _ => {}
        }
    }
}

/// Types whose inherent `impl` is written inside a `macro_rules!` (type
/// name, macro name): their methods are the macro's `pub fn`s.
const GENERATED: &[(&str, &str)] = &[
    ("ListBuilder", "builder"),
    ("TupleBuilder", "builder"),
    ("Ref", "guard_methods"),
    ("RefMut", "guard_methods"),
];

/// The names of the `pub fn`s in a macro body.
fn pub_fns(tokens: &proc_macro2::TokenStream) -> Vec<String> {
    use proc_macro2::TokenTree;
    let mut names = Vec::new();
    let mut prev: Vec<String> = Vec::new();
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Group(g) => names.extend(pub_fns(&g.stream())),
            TokenTree::Ident(id) if prev.len() >= 2 && prev[prev.len() - 2..] == ["pub", "fn"] => {
                names.push(id.to_string());
            }
            _ => {}
        }
        prev.push(tree.to_string());
    }
    names
}

/// The names of a method-generating macro's `;`-separated entries, each
/// `#[doc] name => ...` or `#[doc] name -> ...`.
fn macro_entries(tokens: &proc_macro2::TokenStream) -> Vec<String> {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut names = Vec::new();
    for entry in tokens.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';')) {
        let mut rest = entry;
        // attributes: `#` and a bracketed group
        while let [TokenTree::Punct(p), TokenTree::Group(_), tail @ ..] = rest {
            if p.as_char() != '#' {
                break;
            }
            rest = tail;
        }
        if let [TokenTree::Ident(name), TokenTree::Punct(a), TokenTree::Punct(b), ..] = rest {
            if matches!((a.as_char(), b.as_char()), ('=' | '-', '>')) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The methods defined in the sources of `hpy/src`.
fn methods_in(sources: &[(PathBuf, String)]) -> Methods {
    let mut methods = Methods::new();
    for (path, text) in sources {
        let file = syn::parse_file(text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        collect_methods(&file.items, &mut methods);
    }
    methods
}

/// Whether `ty` has a public method `method` in an inherent `impl` block.
fn defines_method(methods: &Methods, ty: &str, method: &str) -> bool {
    methods.get(ty).is_some_and(|names| names.contains(method))
}

/// What is wrong with the coverage tables (`rows`) for the context
/// `fields`, and how many fields are exposed and omitted.
fn check_rows(
    fields: &[String],
    rows: &BTreeMap<String, String>,
    methods: &Methods,
) -> (Vec<String>, usize, usize) {
    let mut problems = Vec::new();
    let (mut exposed, mut omitted) = (0, 0);
    for field in fields {
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
            if !defines_method(methods, &ty, &method) {
                problems.push(format!(
                    "{field}: {ty}::{method} is not a public method of an `impl {ty}` block in hpy/src"
                ));
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
    (problems, exposed, omitted)
}

#[test]
fn every_context_field_is_covered() {
    let info = hpy_build_config::discover_python().unwrap_or_else(|e| panic!("{e}"));
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
    let mut files = Vec::new();
    rust_sources(&root.join("src"), &mut files);
    let sources: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read source");
            (path, text)
        })
        .collect();
    let methods = methods_in(&sources);
    let (problems, exposed, omitted) = check_rows(&fields, &rows, &methods);
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

/// Sources where a method of one type has the name a table gives to another.
const FAKE_SOURCES: &str = r#"
    macro_rules! unary_ops { ($($t:tt)*) => {}; }
    impl<'ctx> Handle<'ctx> {
        pub fn dup(&self) -> Handle<'ctx> { todo!() }
        fn private(&self) {}
        unary_ops! {
            /// `-self`.
            negative => HPy_Negative;
            as_i64 -> i64 => HPyLong_AsInt64, -1;
        }
    }
    impl<'ctx> Clone for Context<'ctx> {
        fn clone(&self) -> Self { *self }
    }
    pub fn new_list() {}
    mod inner {
        impl Context<'_> {
            pub fn none(&self) {}
        }
    }
    impl<'ctx> List<'ctx> {
        pub fn append(&self) {}
    }
    macro_rules! builder {
        ($name:ident) => {
            impl $name { pub fn build(self) {} fn private(&self) {} }
        };
    }
"#;

fn fake_methods() -> Methods {
    methods_in(&[(PathBuf::from("fake.rs"), FAKE_SOURCES.to_owned())])
}

#[test]
fn a_method_counts_only_for_its_own_type() {
    let methods = fake_methods();
    assert!(defines_method(&methods, "Handle", "dup"));
    assert!(defines_method(&methods, "Handle", "negative"));
    assert!(defines_method(&methods, "Handle", "as_i64"));
    assert!(defines_method(&methods, "Context", "none"));
    // another type's method, a private one, a trait's, a free function, a
    // macro entry's return type
    assert!(!defines_method(&methods, "Context", "dup"));
    assert!(!defines_method(&methods, "Handle", "private"));
    assert!(!defines_method(&methods, "Context", "clone"));
    assert!(!defines_method(&methods, "Context", "new_list"));
    assert!(!defines_method(&methods, "Handle", "i64"));
    // a typed handle's method, and a type whose impl a macro_rules! writes
    assert!(defines_method(&methods, "List", "append"));
    assert!(!defines_method(&methods, "Handle", "append"));
    assert!(defines_method(&methods, "ListBuilder", "build"));
}

#[test]
fn cells_name_methods_of_any_type() {
    assert_eq!(
        named_methods(
            "`Handle::downcast::<List>`, `hpy::Capsule::get`, `Context::constant(Constant::None)`"
        ),
        [
            ("Handle", "downcast"),
            ("Capsule", "get"),
            ("Context", "constant")
        ]
        .map(|(t, m)| (t.to_owned(), m.to_owned()))
    );
}

#[test]
fn a_table_naming_the_wrong_type_fails() {
    let methods = fake_methods();
    let fields = vec!["ctx_Dup".to_owned(), "h_None".to_owned()];
    let good: BTreeMap<String, String> =
        [("ctx_Dup", "`Handle::dup`"), ("h_None", "`Context::none`")]
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
            .into();
    assert_eq!(check_rows(&fields, &good, &methods), (vec![], 2, 0));

    // `dup` exists, but on `Handle`: the old check (any `pub fn dup(`) passed this.
    let mut moved = good.clone();
    moved.insert("ctx_Dup".to_owned(), "`List::dup`".to_owned());
    let (problems, _, _) = check_rows(&fields, &moved, &methods);
    assert_eq!(
        problems,
        ["ctx_Dup: List::dup is not a public method of an `impl List` block in hpy/src"]
    );
    let mut wrong = good.clone();
    wrong.insert("ctx_Dup".to_owned(), "`Context::dup`".to_owned());
    let (problems, _, _) = check_rows(&fields, &wrong, &methods);
    assert_eq!(
        problems,
        ["ctx_Dup: Context::dup is not a public method of an `impl Context` block in hpy/src"]
    );
}
