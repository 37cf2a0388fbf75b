//! What the expansion of an `#[hpy_methods]` block collects while its
//! items are generated (`methods`, `slots` and `class_level` all add to
//! it).

use proc_macro2::TokenStream;
use syn::Type;

/// The generated pieces of one `#[hpy_methods]` block.
pub(crate) struct Generated {
    pub(crate) items: TokenStream,
    pub(crate) defs: Vec<TokenStream>,
    /// The properties' hidden methods (`PropertyMethods`), used where
    /// getset descriptors are broken.
    pub(crate) properties: Vec<TokenStream>,
    /// Statements setting the `#[classattr]` attributes on `__hpy_ty`.
    pub(crate) class_attrs: TokenStream,
    /// Whether `__setitem__`/`__delitem__` (one slot for both) were done.
    pub(crate) ass_subscript_done: bool,
}

/// The last path segment of the block's type (`?` for anything else).
pub(crate) fn self_ty_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| "?".into(), |s| s.ident.to_string()),
        _ => "?".into(),
    }
}
