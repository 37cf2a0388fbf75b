//! Keyword sets: `#[derive(FromKeywords)]` on a struct of keyword
//! parameters, and `#[hpy(keywords)] opts: Opts<'ctx>` taking one in a
//! `#[hpy_method]` function or a `#[hpy_methods]` method.
//!
//! A proc macro sees only its own item, so the function's macro cannot read
//! the struct. The derive therefore defines a `macro_rules!` under the
//! struct's name (in the macro namespace, where it does not clash with the
//! type): the function's macro, meeting a keyword set it does not know yet,
//! expands to `Opts! { [its own path] [its options] the item }`, and that
//! macro calls the function's macro again with the struct's fields added as
//! a hidden `__keywords(Opts { ... })` option. The second expansion puts each
//! field in the function's parameter list where the struct parameter is:
//! from there on the fields are ordinary parameters (one parser, one
//! description, one text signature, one stub), and the call builds the
//! struct from them with the constructor the derive wrote.

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, Ident, LitStr, Signature, Type};

use crate::utils::Errors;

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
        let fields = syn::punctuated::Punctuated::<KeywordField, syn::Token![,]>::parse_terminated(
            &body,
        )?;
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

/// Splits a macro's options into its own and the `__keywords(...)` sets a
/// keyword-set macro added.
fn split_options(attr: TokenStream) -> syn::Result<(TokenStream, Vec<KeywordSet>)> {
    let mut chunks: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for tt in attr {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => chunks.push(Vec::new()),
            _ => chunks.last_mut().expect("never empty").push(tt),
        }
    }
    let mut rest = TokenStream::new();
    let mut sets = Vec::new();
    for chunk in chunks.into_iter().filter(|c| !c.is_empty()) {
        match chunk.as_slice() {
            [TokenTree::Ident(i), TokenTree::Group(g)] if i == "__keywords" => {
                sets.push(syn::parse2(g.stream())?);
            }
            _ => {
                if !rest.is_empty() {
                    rest.extend(quote!(,));
                }
                rest.extend(chunk);
            }
        }
    }
    Ok((rest, sets))
}

/// A macro's own options: `attr` without the keyword sets.
pub(crate) fn own_options(attr: TokenStream) -> syn::Result<TokenStream> {
    split_options(attr).map(|(rest, _)| rest)
}

/// What a macro does with its item before expanding it.
pub(crate) enum Prepared {
    /// Every keyword set is known: expand with these options (the sets
    /// removed; each `#[hpy(keywords)]` in the signatures now holds its
    /// set's fields).
    Ready(TokenStream),
    /// A keyword set is not known yet: this is the whole expansion (the
    /// set's macro, which calls `macro_path` again).
    Callback(TokenStream),
}

/// Fills in the keyword sets of `sigs` from the options, or asks the first
/// unknown set's macro for its fields. `original` is the item as written,
/// `macro_path` the macro to call again (e.g. `::__hpy::hpy_method`).
pub(crate) fn prepare<'s>(
    attr: TokenStream,
    sigs: impl Iterator<Item = &'s mut Signature>,
    original: &TokenStream,
    macro_path: TokenStream,
) -> syn::Result<Prepared> {
    let full_attr = attr.clone();
    let (rest, sets) = split_options(attr)?;
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
                return Ok(Prepared::Callback(quote! {
                    #path! { [#macro_path] [#full_attr] #original }
                }));
            };
            let (set_name, fields) = (&set.name, &set.fields);
            let attr: Attribute = syn::parse_quote!(#[hpy(keywords = #set_name { #(#fields),* })]);
            pt.attrs.retain(|a| !a.path().is_ident("hpy"));
            pt.attrs.push(attr);
        }
    }
    Ok(Prepared::Ready(rest))
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
    Ok(quote! {
        #[allow(private_interfaces, clippy::too_many_arguments)]
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
            ([$($m:tt)*] [$($a:tt)*] $($i:tt)*) => {
                #[$($m)*(__keywords(#name { #(#specs),* }), $($a)*)]
                $($i)*
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        #reexport use #mac as #name;
    })
}
