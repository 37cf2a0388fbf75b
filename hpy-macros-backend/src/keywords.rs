//! Keyword sets: `#[derive(FromKeywords)]` on a struct of keyword
//! parameters, and `#[hpy(keywords)] opts: Opts<'ctx>` taking one in a
//! `#[hpy_method]` function or a `#[hpy_methods]` method.
//!
//! A proc macro sees only its own item, so the function's macro cannot read
//! the struct. The derive therefore defines a `macro_rules!` under the
//! struct's name (in the macro namespace, where it does not clash with the
//! type): the function's macro, meeting a keyword set it does not know yet,
//! expands to `Opts! { [its own attribute] the item }`, and that macro
//! writes the attribute back on the item with the struct's fields below it,
//! in a hidden `#[hpy_keywords(Opts { ... })]` attribute. The second
//! expansion puts each field in the function's parameter list where the
//! struct parameter is:
//! from there on the fields are ordinary parameters (one parser, one
//! description, one text signature, one stub), and the call builds the
//! struct from them with the constructor the derive wrote.

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, Ident, LitStr, Signature, Type};

use crate::utils::{with_crate_path, Errors};

/// One field of a keyword set, as the function's macro receives it.
pub(crate) struct KeywordField {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// `#[hpy(default = expr)]`, for the text signature (the value itself
    /// comes from the derive's `__hpy_default_<field>`).
    pub(crate) default: Option<Expr>,
    /// `#[hpy(py_default = "...")]`: the default as Python shows it.
    pub(crate) py_default: Option<LitStr>,
}

/// A keyword set: the struct's name and its fields, in order.
pub(crate) struct KeywordSet {
    pub(crate) name: Ident,
    pub(crate) fields: Vec<KeywordField>,
}

impl Parse for KeywordField {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let ident: Ident = input.parse()?;
        let _: syn::Token![:] = input.parse()?;
        let ty;
        syn::parenthesized!(ty in input);
        let ty: Type = ty.parse()?;
        let default = if input.peek(syn::Token![=]) {
            let _: syn::Token![=] = input.parse()?;
            let expr;
            syn::parenthesized!(expr in input);
            Some(expr.parse()?)
        } else {
            None
        };
        let py_default = if input.peek(syn::Token![as]) {
            let _: syn::Token![as] = input.parse()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(KeywordField {
            ident,
            ty,
            default,
            py_default,
        })
    }
}

impl Parse for KeywordSet {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        let body;
        syn::braced!(body in input);
        let fields =
            syn::punctuated::Punctuated::<KeywordField, syn::Token![,]>::parse_terminated(&body)?;
        Ok(KeywordSet {
            name,
            fields: fields.into_iter().collect(),
        })
    }
}

impl ToTokens for KeywordField {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let KeywordField {
            ident,
            ty,
            default,
            py_default,
        } = self;
        tokens.extend(quote!(#ident: (#ty)));
        if let Some(d) = default {
            tokens.extend(quote!(= (#d)));
        }
        if let Some(p) = py_default {
            tokens.extend(quote!(as #p));
        }
    }
}

/// The `#[hpy(keywords)]` attribute of a parameter, if it has one: `Ok(None)`
/// for a bare marker, `Ok(Some(set))` once the set's fields are filled in.
pub(crate) fn keywords_attr(attrs: &[Attribute]) -> Option<syn::Result<Option<KeywordSet>>> {
    let attr = attrs.iter().find(|a| a.path().is_ident("hpy"))?;
    Some(attr.parse_args_with(|input: ParseStream<'_>| {
        let word: Ident = input.parse()?;
        if word != "keywords" {
            return Err(syn::Error::new(
                word.span(),
                "the only `#[hpy(...)]` option of a parameter is `keywords` (a `#[derive(FromKeywords)]` struct)",
            ));
        }
        if input.is_empty() {
            return Ok(None);
        }
        let _: syn::Token![=] = input.parse()?;
        input.parse().map(Some)
    }))
}

/// The path of a keyword set's type without its generic arguments
/// (`Opts<'ctx>` is `Opts`): the struct's constructor and its macro.
pub(crate) fn bare_path(ty: &Type) -> Option<syn::Path> {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let mut path = p.path.clone();
            for seg in &mut path.segments {
                seg.arguments = syn::PathArguments::None;
            }
            Some(path)
        }
        Type::Group(g) => bare_path(&g.elem),
        Type::Paren(p) => bare_path(&p.elem),
        _ => None,
    }
}

/// What a macro does with its item before expanding it.
pub(crate) enum Prepared {
    /// Every keyword set is known: each `#[hpy(keywords)]` in the
    /// signatures now holds its set's fields.
    Ready,
    /// A keyword set is not known yet: this is the whole expansion (the
    /// set's macro, which puts the macro's attribute back on the item).
    Callback(TokenStream),
}

/// The keyword sets a set's macro put on the item
/// (`#[hpy_keywords(Set { ... })]`), removed from `attrs`.
fn take_sets(attrs: &mut Vec<Attribute>) -> syn::Result<Vec<KeywordSet>> {
    let mut sets = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("hpy_keywords")) {
        sets.push(attr.parse_args()?);
    }
    attrs.retain(|a| !a.path().is_ident("hpy_keywords"));
    Ok(sets)
}

/// Fills in the keyword sets of `sigs` from the item's attributes, or asks
/// the first unknown set's macro for its fields. `original` is the item as
/// received, `attribute` the macro's attribute as it is to be written again
/// (e.g. `#[::__hpy::hpy_method(...)]`).
///
/// The set's macro writes the attribute back from these tokens, not from
/// its own: the macro's call site then stays the user's, and the locals the
/// expansion defines stay visible to the tokens it takes from the user.
pub(crate) fn prepare<'s>(
    attrs: &mut Vec<Attribute>,
    sigs: impl Iterator<Item = &'s mut Signature>,
    original: &TokenStream,
    attribute: TokenStream,
) -> syn::Result<Prepared> {
    let sets = take_sets(attrs)?;
    for sig in sigs {
        for input in &mut sig.inputs {
            let FnArg::Typed(pt) = input else { continue };
            let Some(Ok(None)) = keywords_attr(&pt.attrs) else {
                continue;
            };
            let Some(path) = bare_path(&pt.ty) else {
                return Err(syn::Error::new(
                    pt.ty.span(),
                    "a `#[hpy(keywords)]` parameter's type is a `#[derive(FromKeywords)]` struct, e.g. `opts: Options<'ctx>`",
                ));
            };
            let name = &path.segments.last().expect("a path has a segment").ident;
            let Some(set) = sets.iter().find(|s| s.name == *name) else {
                let ty = static_lifetimes(pt.ty.to_token_stream());
                return Ok(Prepared::Callback(quote! {
                    const _: () = ::__hpy::impl_::derive::keyword_set::<#ty>();
                    #path! { [#attribute] #original }
                }));
            };
            let (set_name, fields) = (&set.name, &set.fields);
            let attr: Attribute = syn::parse_quote!(#[hpy(keywords = #set_name { #(#fields),* })]);
            pt.attrs.retain(|a| !a.path().is_ident("hpy"));
            pt.attrs.push(attr);
        }
    }
    Ok(Prepared::Ready)
}

/// `tokens` (a type) with every lifetime `'static`, for a check in a
/// constant.
fn static_lifetimes(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut after_quote = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) if after_quote => {
                out.push(TokenTree::Ident(Ident::new("static", i.span())));
            }
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), static_lifetimes(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other),
        }
        after_quote = matches!(out.last(), Some(TokenTree::Punct(p)) if p.as_char() == '\'');
    }
    out.into_iter().collect()
}

/// Removes the `#[hpy(...)]` attributes of `sig`'s parameters (the
/// compiler knows no such attribute on the function it compiles).
pub(crate) fn strip_param_attrs(sig: &mut Signature) {
    for input in &mut sig.inputs {
        if let FnArg::Typed(pt) = input {
            pt.attrs.retain(|a| !a.path().is_ident("hpy"));
        }
    }
}

/// A field's `#[hpy(default = expr, py_default = "...")]`.
fn field_options(field: &syn::Field, errors: &mut Errors) -> (Option<Expr>, Option<LitStr>) {
    let (mut default, mut py_default): (Option<Expr>, Option<LitStr>) = (None, None);
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("hpy")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                default = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("py_default") {
                py_default = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error(
                    "unknown keyword-set field option; expected `default = <Rust expression>` or `py_default = \"<Python literal>\"`",
                ));
            }
            Ok(())
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
    if let (None, Some(p)) = (&default, &py_default) {
        errors.push(syn::Error::new(
            p.span(),
            "`py_default` shows a default: give the value too, `#[hpy(default = <Rust expression>, py_default = \"...\")]`",
        ));
    }
    (default, py_default)
}

/// Expands `#[derive(FromKeywords)]`.
pub fn expand_derive_from_keywords(item: TokenStream) -> syn::Result<TokenStream> {
    let input: syn::DeriveInput = syn::parse2(item)?;
    let mut errors = Errors::default();
    let name = &input.ident;
    let fields = match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) if !named.named.is_empty() => named.named.iter().collect::<Vec<_>>(),
        _ => {
            return Err(syn::Error::new(
                name.span(),
                "#[derive(FromKeywords)] needs a struct with named fields (each field is one keyword parameter), e.g. `struct Options { sort_keys: bool }`",
            ))
        }
    };
    for param in &input.generics.params {
        if !matches!(param, syn::GenericParam::Lifetime(_)) {
            errors.push(syn::Error::new(
                param.span(),
                "a keyword set takes lifetime parameters only (for fields holding handles, e.g. `Option<Handle<'ctx>>`)",
            ));
        }
    }
    let mut krate = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("hpy")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                krate = Some(crate::attributes::crate_path(&meta)?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown keyword-set option; expected `crate = \"path\"` (the fields take `default` and `py_default`)",
                ))
            }
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
    let mut specs = Vec::new();
    let mut defaults = TokenStream::new();
    for field in &fields {
        let ident = field.ident.clone().expect("named fields");
        let (default, py_default) = field_options(field, &mut errors);
        let ty = &field.ty;
        if let Some(expr) = &default {
            let f = format_ident!("__hpy_default_{}", ident);
            defaults.extend(quote! {
                #[doc(hidden)]
                #[inline(always)]
                pub fn #f() -> #ty { #expr }
            });
        }
        specs.push(KeywordField {
            ident,
            ty: ty.clone(),
            default,
            py_default,
        });
    }
    errors.finish()?;
    let idents: Vec<&Ident> = fields.iter().filter_map(|f| f.ident.as_ref()).collect();
    let types = fields.iter().map(|f| &f.ty);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mac = format_ident!("__hpy_keywords_{}", name);
    let reexport = match &input.vis {
        syn::Visibility::Inherited => quote!(),
        syn::Visibility::Public(_) => quote!(pub(crate)),
        vis => quote!(#vis),
    };
    Ok(with_crate_path(
        quote! {
            impl #impl_generics ::__hpy::impl_::derive::KeywordSet for #name #ty_generics #where_clause {}

            #[allow(private_interfaces, dead_code, clippy::too_many_arguments)]
            impl #impl_generics #name #ty_generics #where_clause {
                #[doc(hidden)]
                #[inline(always)]
                pub fn __hpy_new(#(#idents: #types),*) -> Self {
                    Self { #(#idents),* }
                }
                #defaults
            }

            #[doc(hidden)]
            macro_rules! #mac {
                ([$($a:tt)*] $($i:tt)*) => {
                    $($a)*
                    #[hpy_keywords(#name { #(#specs),* })]
                    $($i)*
                };
            }
            #[doc(hidden)]
            #[allow(unused_imports)]
            #reexport use #mac as #name;
        },
        krate.as_ref(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_become_static() {
        let ty = static_lifetimes(quote!(Opts<'ctx, Vec<&'a str>>));
        assert_eq!(
            ty.to_string(),
            quote!(Opts<'static, Vec<&'static str>>).to_string()
        );
    }

    #[test]
    fn an_unknown_set_asks_its_macro() {
        let out = crate::expand_hpy_method(
            quote!(),
            quote!(
                fn f(#[hpy(keywords)] opts: m::Opts<'ctx>) {}
            ),
        )
        .expect("expands")
        .to_string();
        assert!(out.contains("m :: Opts !"), "{out}");
        assert!(
            out.contains("keyword_set :: < m :: Opts < 'static > >"),
            "{out}"
        );
    }

    #[test]
    fn a_known_set_becomes_parameters() {
        let out = crate::expand_hpy_method(
            quote!(),
            quote!(
                #[hpy_keywords(Opts { indent: (i64) = (0), sort: (bool) = (false) as "False" })]
                fn f(x: i64, #[hpy(keywords)] opts: Opts) {}
            ),
        )
        .expect("expands")
        .to_string();
        assert!(out.contains("\"x\" , \"indent\" , \"sort\""), "{out}");
        assert!(out.contains("f(x, indent=0, sort=False)"), "{out}");
        assert!(out.contains("Opts :: __hpy_new"), "{out}");
        assert!(!out.contains("hpy_keywords"), "{out}");
    }
}
