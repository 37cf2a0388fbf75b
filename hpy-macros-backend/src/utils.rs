//! Helpers shared by the expansions: error collection, spans, docstrings,
//! C string literals and the path of the `hpy` crate in generated code.

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
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

/// The crate name generated code writes for `hpy`: `::__hpy::impl_::...`.
/// [`with_crate_path`] replaces `::__hpy` with `::hpy` or with the path of
/// a `crate = "..."` option, so that a crate re-exporting hpy lets its users
/// write the macros without a dependency called `hpy`. (A marker rather
/// than `::hpy` itself, so that paths the user wrote are left alone.)
const CRATE_MARKER: &str = "__hpy";

/// `tokens` (an expansion) with every `::__hpy` replaced by `path`, or by
/// `::hpy` when `path` is `None`. The replacement keeps the marker's span.
pub(crate) fn with_crate_path(tokens: TokenStream, path: Option<&syn::Path>) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    for tt in tokens {
        match tt {
            TokenTree::Ident(ident) if ident == CRATE_MARKER => match path {
                None => out.push(TokenTree::Ident(Ident::new("hpy", ident.span()))),
                Some(path) => {
                    // Drop the `::` in front: the path says whether it is
                    // absolute (`::my_hpy`) or not (`crate::reexport::hpy`).
                    let is_colon = |tt: Option<&TokenTree>| matches!(tt, Some(TokenTree::Punct(p)) if p.as_char() == ':');
                    if is_colon(out.last()) && is_colon(out.get(out.len().wrapping_sub(2))) {
                        out.truncate(out.len() - 2);
                    }
                    out.extend(respan(quote!(#path), ident.span()));
                }
            },
            TokenTree::Group(group) if contains_marker(group.stream()) => {
                let mut new = Group::new(group.delimiter(), with_crate_path(group.stream(), path));
                new.set_span(group.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Whether `tokens` hold the crate marker (groups without it, the user's
/// code among them, are passed on untouched).
fn contains_marker(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == CRATE_MARKER,
        TokenTree::Group(g) => contains_marker(g.stream()),
        _ => false,
    })
}

/// `/// SAFETY: why` as an attribute, for the `unsafe` block or impl it
/// precedes: a `//` comment would not survive into the expansion, so the
/// reason is written where users (and the expansion snapshots) see it.
pub(crate) fn safety(why: &str) -> TokenStream {
    let text = format!(" SAFETY: {why}");
    quote!(#[doc = #text])
}

/// [`safety`] of the `unsafe impl` of an entry trait (`MethO`, `NewFunc`,
/// a slot's trait …), written before each such impl as `#ENTRY_SAFETY`.
pub(crate) struct EntrySafety;

/// See [`EntrySafety`].
pub(crate) const ENTRY_SAFETY: EntrySafety = EntrySafety;

impl quote::ToTokens for EntrySafety {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(safety(
            "the body is this macro's: it returns what the entry point must (a new owned \
             handle, a status or a plain value) and only borrows its arguments",
        ));
    }
}

/// The inlining of an entry trait's `call` (a function's or a `#[new]`'s
/// body), written before it as `#BODY_INLINE`. An optimised build inlines
/// it into each of the function's entry points, as C's macros do: with
/// only `#[inline]` the compiler kept it out of line where a universal
/// binary has two entry points (21 instructions a call more, xxhash's
/// `xxh64()` through hpy_rs_universal). A build with debug assertions (the
/// dev profile: tests, `cargo hpy develop`) keeps one copy out of line,
/// called by both: inlined, the body (the argument parsing, the
/// conversions, their drop glue) was compiled once per entry point, half of
/// tsdownsample's unoptimised code.
pub(crate) struct BodyInline;

/// See [`BodyInline`].
pub(crate) const BODY_INLINE: BodyInline = BodyInline;

impl quote::ToTokens for BodyInline {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote::quote! {
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_path_default_is_hpy() {
        let tokens =
            quote!(impl ::__hpy::HPyClass for T { fn f() -> ::__hpy::Handle { x::__hpy } });
        assert_eq!(
            with_crate_path(tokens, None).to_string(),
            quote!(impl ::hpy::HPyClass for T { fn f() -> ::hpy::Handle { x::hpy } }).to_string()
        );
    }

    #[test]
    fn crate_path_replaces_the_leading_colons() {
        let tokens = quote!(<T as ::__hpy::HPyClass>::INFO; ::hpy::Handle);
        let relative: syn::Path = syn::parse_quote!(crate::reexport::hpy);
        assert_eq!(
            with_crate_path(tokens.clone(), Some(&relative)).to_string(),
            quote!(<T as crate::reexport::hpy::HPyClass>::INFO; ::hpy::Handle).to_string()
        );
        let absolute: syn::Path = syn::parse_quote!(::my_hpy);
        assert_eq!(
            with_crate_path(tokens, Some(&absolute)).to_string(),
            quote!(<T as ::my_hpy::HPyClass>::INFO; ::hpy::Handle).to_string()
        );
    }

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
