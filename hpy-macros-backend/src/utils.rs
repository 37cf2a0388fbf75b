//! Helpers shared by the expansions: error collection, spans, docstrings
//! and C string literals.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// Collects every error of one expansion so they are reported together.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The span of an item's keyword (`enum`, `fn`, ...), else the whole item.
pub(crate) fn item_keyword_span(item: &syn::Item) -> Span {
    match item {
        syn::Item::Enum(e) => e.enum_token.span,
        syn::Item::Union(u) => u.union_token.span,
        syn::Item::Fn(f) => f.sig.fn_token.span,
        syn::Item::Impl(i) => i.impl_token.span,
        other => other.span(),
    }
}

/// `tokens` with every span set to `span` (for generated tokens only).
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// A C string literal expression `Option<&CStr>` for a docstring.
pub(crate) fn doc_option(doc: Option<String>, span: Span, errors: &mut Errors) -> TokenStream {
    match doc {
        Some(text) => match c_string_literal(&text, span) {
            Some(lit) => quote!(::core::option::Option::Some(#lit)),
            None => {
                errors.push(syn::Error::new(
                    span,
                    "the doc comment cannot contain a NUL character",
                ));
                quote!(::core::option::Option::None)
            }
        },
        None => quote!(::core::option::Option::None),
    }
}

/// Joins the `#[doc = "..."]` attributes into one docstring, dropping the
/// single leading space rustdoc comments carry. `None` when there are none.
pub(crate) fn docstring(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta {
            if nv.path.is_ident("doc") {
                if let Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) = &nv.value
                {
                    let line = s.value();
                    lines.push(line.strip_prefix(' ').map(str::to_owned).unwrap_or(line));
                }
            }
        }
    }
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n").trim().to_owned())
    }
}

/// A C string literal token (`c"..."`) for `text`, or `None` if it holds a
/// NUL byte (then the caller reports an error).
pub(crate) fn c_string_literal(
    text: &str,
    span: proc_macro2::Span,
) -> Option<proc_macro2::Literal> {
    let c = std::ffi::CString::new(text).ok()?;
    let mut lit = proc_macro2::Literal::c_string(&c);
    lit.set_span(span);
    Some(lit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_doc_lines() {
        let f: syn::ItemFn = syn::parse_quote! {
            /// First line.
            ///
            /// Second paragraph.
            fn f() {}
        };
        assert_eq!(
            docstring(&f.attrs).unwrap(),
            "First line.\n\nSecond paragraph."
        );
    }

    #[test]
    fn no_docs() {
        let f: syn::ItemFn = syn::parse_quote! { fn f() {} };
        assert!(docstring(&f.attrs).is_none());
    }
}
