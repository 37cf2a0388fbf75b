//! The names each macro accepts, one table per place they can be written.
//! The parsers suggest from these tables ("did you mean"), and
//! `tests/option_docs.rs` checks that hpy's rustdoc of each macro names
//! every entry, so an option cannot be added without being documented.

/// `#[hpy_class(...)]`.
pub const CLASS: &[&str] = &[
    "name",
    "module",
    "subclass",
    "shape",
    "base",
    "extends",
    "metaclass",
    "eq",
    "ord",
    "hash",
    "frozen",
    "str",
    "weakref",
    "dict",
    "immutable_type",
    "crate",
];

/// `#[member(...)]` on a field of an `#[hpy_class]` struct.
pub const MEMBER: &[&str] = &["get", "set", "readonly", "name"];

/// The options every method attribute takes (a calling convention, the
/// Python name, the signature), then those of one attribute.
macro_rules! callable_options {
    ($($more:literal),*) => {
        &["noargs", "o", "varargs", "keywords", "name", "signature", $($more),*]
    };
}

/// `#[hpy_method(...)]`.
pub const METHOD: &[&str] = callable_options!("alias", "text_signature", "crate");

/// `#[hpy_methods(...)]`.
pub const METHODS: &[&str] = &["crate"];

/// The attributes that give a method of an `#[hpy_methods]` block its role.
pub const METHODS_ROLES: &[&str] = &[
    "new",
    "init",
    "getter",
    "setter",
    "classattr",
    "staticmethod",
    "classmethod",
    "slot",
    "method",
];

/// `#[method(...)]`, `#[staticmethod(...)]` and `#[classmethod(...)]`.
pub const METHODS_METHOD: &[&str] = callable_options!("alias");

/// The keys of `hpy_module! { ... }`.
pub const MODULE: &[&str] = &[
    "name",
    "doc",
    "methods",
    "types",
    "globals",
    "exceptions",
    "submodules",
    "attributes",
    "constants",
    "exec",
    "subinterpreters",
    "register",
    "crate",
];

/// The attributes of an entry of `hpy_module!`'s `types: [...]`.
pub const MODULE_TYPE: &[&str] = &["unexported"];

/// `#[hpy(...)]` on a type deriving `FromHPy` or `IntoHPy`.
pub const DERIVE_TYPE: &[&str] = &["from_item_all", "transparent", "crate"];

/// `#[hpy(...)]` on a field of a type deriving `FromHPy` or `IntoHPy`.
pub const DERIVE_FIELD: &[&str] = &["item", "attribute", "default", "from_py_with"];

/// `#[hpy(...)]` on a type deriving `FromKeywords`.
pub const KEYWORDS_TYPE: &[&str] = &["crate"];

/// `#[hpy(...)]` on a field of a type deriving `FromKeywords`.
pub const KEYWORDS_FIELD: &[&str] = &["default", "py_default"];

/// Every special method an `#[hpy_methods]` block recognises by name:
/// those with an HPy slot (and their reflected forms), those published on
/// the type, and `__buffer__`.
pub fn special_methods() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = crate::tables::DUNDERS
        .iter()
        .flat_map(|(name, _, _, reflected)| std::iter::once(*name).chain(*reflected))
        .chain(crate::tables::PUBLISHED.iter().copied())
        .chain(["__buffer__"])
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The slot names `#[slot(...)]` takes (HPy's, without `HPy_`).
pub fn explicit_slots() -> Vec<&'static str> {
    crate::tables::EXPLICIT
        .iter()
        .map(|(name, _)| *name)
        .collect()
}
