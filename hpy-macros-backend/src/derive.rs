//! `#[derive(FromHPy)]` and `#[derive(IntoHPy)]`: conversions of plain
//! Rust structs and enums, field by field.
//!
//! `FromHPy` reads a named field from the attribute of the same name
//! (PyO3's default), or from an item with `#[hpy(item)]` on the field or
//! `#[hpy(from_item_all)]` on the type; a tuple struct from a sequence of
//! that length, a newtype from its one value. An enum tries its variants
//! in order and takes the first that converts. `IntoHPy` makes a dict of a
//! struct with named fields, a tuple of a tuple struct, the value itself
//! of a newtype, and for an enum whatever its variant makes.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, LitStr};

use crate::utils::{with_crate_path, Errors};

/// Where a named field is read from (and, for `IntoHPy`, its dict key).
enum Source {
    Attribute(String),
    Item(String),
}

/// The `#[hpy(...)]` options of a field.
struct FieldOptions {
    source: Source,
    /// `from_py_with = path`: the function reading the value.
    from_py_with: Option<syn::ExprPath>,
    /// `default` (`None` inside: `Default::default()`) or `default = expr`.
    default: Option<Option<syn::Expr>>,
    /// Where `default` was written, for errors.
    default_span: Option<proc_macro2::Span>,
}

/// The `#[hpy(...)]` options of the type: `from_item_all`, `transparent`,
/// `crate`.
struct TypeOptions {
    from_item_all: bool,
    /// The span of `transparent`, if given.
    transparent: Option<proc_macro2::Span>,
    krate: Option<syn::Path>,
}

fn type_options(attrs: &[Attribute], errors: &mut Errors) -> TypeOptions {
    let mut o = TypeOptions {
        from_item_all: false,
        transparent: None,
        krate: None,
    };
    for attr in attrs.iter().filter(|a| a.path().is_ident("hpy")) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("from_item_all") {
                o.from_item_all = true;
            } else if meta.path.is_ident("transparent") {
                o.transparent = Some(meta.path.span());
            } else if meta.path.is_ident("crate") {
                o.krate = Some(crate::attributes::crate_path(&meta)?);
            } else {
                return Err(meta.error(format!(
                    "unknown #[hpy] option on the type{}; expected `from_item_all`, `transparent` or \
                     `crate = \"...\"` (`item`, `attribute`, `default` and `from_py_with` go on a field)",
                    crate::diag::did_you_mean(&meta.path, crate::options::DERIVE_TYPE),
                )));
            }
            Ok(())
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    o
}

/// The options of a field: its source (`#[hpy(item)]`,
/// `#[hpy(item = "key")]`, `#[hpy(attribute)]`, `#[hpy(attribute =
/// "name")]`, else the default), `from_py_with = path` and `default` /
/// `default = expr`.
fn field_options(field: &syn::Field, from_item_all: bool, errors: &mut Errors) -> FieldOptions {
    let name = field
        .ident
        .as_ref()
        .map(|i| i.unraw().to_string())
        .unwrap_or_default();
    let mut o = FieldOptions {
        source: if from_item_all {
            Source::Item(name.clone())
        } else {
            Source::Attribute(name.clone())
        },
        from_py_with: None,
        default: None,
        default_span: None,
    };
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("hpy")) {
        let res = attr.parse_nested_meta(|meta| {
            let explicit = |meta: &syn::meta::ParseNestedMeta<'_>| -> syn::Result<String> {
                if meta.input.peek(syn::Token![=]) {
                    Ok(meta.value()?.parse::<LitStr>()?.value())
                } else {
                    Ok(name.clone())
                }
            };
            if meta.path.is_ident("item") {
                o.source = Source::Item(explicit(&meta)?);
            } else if meta.path.is_ident("attribute") {
                o.source = Source::Attribute(explicit(&meta)?);
            } else if meta.path.is_ident("from_py_with") {
                if !meta.input.peek(syn::Token![=]) {
                    return Err(meta.error(
                        "`from_py_with` needs the function that reads the field: \
                         `#[hpy(from_py_with = path::to_fn)]`, with \
                         `fn(&Handle<'_>) -> HPyResult<FieldType>`",
                    ));
                }
                let value = meta.value()?;
                if value.peek(LitStr) {
                    return Err(meta.error(
                        "`from_py_with` takes a path, not a string: write \
                         `#[hpy(from_py_with = my_fn)]`",
                    ));
                }
                o.from_py_with = Some(value.parse()?);
            } else if meta.path.is_ident("default") {
                o.default_span = Some(meta.path.span());
                o.default = Some(if meta.input.peek(syn::Token![=]) {
                    Some(meta.value()?.parse()?)
                } else {
                    None
                });
            } else {
                return Err(meta.error(format!(
                    "unknown #[hpy] option on a field{}; expected `item`, `item = \"key\"`, \
                     `attribute`, `attribute = \"name\"`, `default`, `default = expr` or \
                     `from_py_with = path`",
                    crate::diag::did_you_mean(&meta.path, crate::options::DERIVE_FIELD),
                )));
            }
            Ok(())
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    o
}

/// The source of a named field (see [`field_options`]).
fn field_source(field: &syn::Field, from_item_all: bool, errors: &mut Errors) -> Source {
    field_options(field, from_item_all, errors).source
}

/// Refuses `default` where there is no attribute or item that can be
/// missing (a tuple field, a transparent field).
fn reject_default(options: &FieldOptions, place: &str, errors: &mut Errors) {
    if let Some(span) = options.default_span {
        errors.push(syn::Error::new(
            span,
            format!(
                "`default` applies to a named field read from an attribute or item, not to {place}: \
                 remove it, or give the struct named fields"
            ),
        ));
    }
}

/// The `fn` turning a field's handle into its value: `from_py_with`'s
/// path, else `FromHPy::extract`.
fn reader(options: &FieldOptions, ty: &syn::Type) -> TokenStream {
    match &options.from_py_with {
        Some(path) => quote_spanned! {path.span()=>
            ::__hpy::impl_::derive::with::<#ty>(#path)
        },
        None => quote_spanned! {ty.span()=>
            ::__hpy::impl_::derive::extract::<#ty>
        },
    }
}

/// Refuses lifetime parameters (a field cannot borrow from a handle that
/// is closed before the value is returned); type and const parameters are
/// kept.
fn reject_lifetimes(input: &DeriveInput, which: &str, errors: &mut Errors) {
    if let Some(param) = input.generics.lifetimes().next() {
        errors.push(syn::Error::new(
            param.span(),
            format!(
                "#[derive({which})] takes no lifetime parameters: the fields must be owned values \
                 (`String`, not `&str`), since each field's handle is closed before the value is \
                 returned; type parameters (`struct Pair<T>`) are fine"
            ),
        ));
    }
}

/// `transparent` is for a struct of exactly one field.
fn check_transparent(input: &DeriveInput, options: &TypeOptions, errors: &mut Errors) {
    let Some(span) = options.transparent else {
        return;
    };
    let problem = match &input.data {
        Data::Struct(s) if s.fields.len() == 1 => return,
        Data::Struct(s) => format!("this struct has {} fields", s.fields.len()),
        Data::Enum(_) => String::from(
            "on an enum, a variant with one unnamed field already converts as that field",
        ),
        Data::Union(_) => String::from("this is a union"),
    };
    errors.push(syn::Error::new(
        span,
        format!(
            "`#[hpy(transparent)]` is for a struct with exactly one field, which it converts as: \
             {problem} (remove `transparent`)"
        ),
    ));
}

/// Every field type of `data`.
fn field_types(data: &Data) -> Vec<&syn::Type> {
    let fields: Vec<&Fields> = match data {
        Data::Struct(s) => vec![&s.fields],
        Data::Enum(e) => e.variants.iter().map(|v| &v.fields).collect(),
        Data::Union(_) => vec![],
    };
    fields
        .into_iter()
        .flat_map(|f| f.iter().map(|f| &f.ty))
        .collect()
}

/// The expression building `path { fields }` / `path(fields)` from `obj`.
fn extract_fields(
    path: TokenStream,
    type_name: &str,
    fields: &Fields,
    from_item_all: bool,
    unit_span: proc_macro2::Span,
    errors: &mut Errors,
) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let inits = named.named.iter().map(|f| {
                let ident = f.ident.as_ref().expect("named field");
                let ty = &f.ty;
                let options = field_options(f, from_item_all, errors);
                let read = reader(&options, ty);
                let (helper, key) = match &options.source {
                    Source::Attribute(k) => (quote!(attr_field), k.clone()),
                    Source::Item(k) => (quote!(item_field), k.clone()),
                };
                let default = match &options.default {
                    None => quote!(::core::option::Option::None::<fn() -> #ty>),
                    Some(None) => quote_spanned! {ty.span()=>
                        ::core::option::Option::Some(<#ty as ::core::default::Default>::default)
                    },
                    Some(Some(expr)) => quote_spanned! {expr.span()=>
                        ::core::option::Option::Some(|| -> #ty { #expr })
                    },
                };
                quote_spanned! {ty.span()=>
                    #ident: ::__hpy::impl_::derive::#helper::<#ty>(
                        __hpy_obj, #type_name, #key, #read, #default,
                    )?
                }
            });
            quote!(#path { #(#inits),* })
        }
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let f = &unnamed.unnamed[0];
            let ty = &f.ty;
            let options = field_options(f, from_item_all, errors);
            reject_default(&options, "a tuple field", errors);
            let read = reader(&options, ty);
            quote_spanned! {ty.span()=>
                #path((#read)(__hpy_obj)?)
            }
        }
        Fields::Unnamed(unnamed) => {
            let n = unnamed.unnamed.len();
            let inits = unnamed.unnamed.iter().enumerate().map(|(i, f)| {
                let ty = &f.ty;
                let options = field_options(f, from_item_all, errors);
                reject_default(&options, "a tuple field", errors);
                let read = reader(&options, ty);
                quote_spanned! {ty.span()=>
                    ::__hpy::impl_::derive::index_field::<#ty>(__hpy_obj, #i, #read)?
                }
            });
            quote! {{
                ::__hpy::impl_::derive::check_len(__hpy_obj, #type_name, #n)?;
                #path(#(#inits),*)
            }}
        }
        Fields::Unit => {
            errors.push(syn::Error::new(
                unit_span,
                "#[derive(FromHPy)] cannot read a unit struct or variant: it has no fields \
                 to convert (give it fields, or implement `FromHPy` by hand)",
            ));
            quote!(#path)
        }
    }
}

/// Expands `#[derive(FromHPy)]`.
pub fn expand_derive_from_hpy(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let mut errors = Errors::default();
    let options = type_options(&input.attrs, &mut errors);
    reject_lifetimes(&input, "FromHPy", &mut errors);
    check_transparent(&input, &options, &mut errors);
    let ident = &input.ident;
    let type_name = ident.unraw().to_string();
    let body = match &input.data {
        Data::Struct(s) if options.transparent.is_some() => {
            let f = s.fields.iter().next().expect("checked: one field");
            let ty = &f.ty;
            let field_opts = field_options(f, false, &mut errors);
            reject_default(
                &field_opts,
                "the field of a transparent struct",
                &mut errors,
            );
            let read = reader(&field_opts, ty);
            let build = match &f.ident {
                Some(name) => quote!(#ident { #name: (#read)(__hpy_obj)? }),
                None => quote!(#ident((#read)(__hpy_obj)?)),
            };
            quote!(::core::result::Result::Ok(#build))
        }
        Data::Struct(s) => {
            let build = extract_fields(
                quote!(#ident),
                &type_name,
                &s.fields,
                options.from_item_all,
                ident.span(),
                &mut errors,
            );
            quote!(::core::result::Result::Ok(#build))
        }
        Data::Enum(e) => {
            if e.variants.is_empty() {
                errors.push(syn::Error::new(
                    ident.span(),
                    "#[derive(FromHPy)] needs at least one variant to try",
                ));
            }
            let n = e.variants.len();
            let tries = e.variants.iter().enumerate().map(|(i, v)| {
                let vident = &v.ident;
                let vname = format!("{type_name}::{}", vident.unraw());
                let short = vident.unraw().to_string();
                let build = extract_fields(
                    quote!(#ident::#vident),
                    &vname,
                    &v.fields,
                    options.from_item_all,
                    vident.span(),
                    &mut errors,
                );
                quote! {
                    let __hpy_try = (|| -> ::__hpy::HPyResult<Self> {
                        ::core::result::Result::Ok(#build)
                    })();
                    match __hpy_try {
                        ::core::result::Result::Ok(v) => return ::core::result::Result::Ok(v),
                        ::core::result::Result::Err(e) => {
                            __hpy_failures[#i] = (#short, ::__hpy::impl_::derive::failure(__hpy_obj, e)?);
                        }
                    }
                }
            });
            quote! {
                let mut __hpy_failures: [(&str, ::std::string::String); #n] =
                    ::core::array::from_fn(|_| ("", ::std::string::String::new()));
                #(#tries)*
                ::core::result::Result::Err(::__hpy::impl_::derive::no_variant(#type_name, &__hpy_failures))
            }
        }
        Data::Union(u) => {
            errors.push(syn::Error::new(
                u.union_token.span,
                "#[derive(FromHPy)] takes a struct or an enum, not a union",
            ));
            quote!(::core::unimplemented!())
        }
    };
    errors.finish()?;
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let params = &input.generics.params;
    let mut bounds: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    if !params.is_empty() {
        bounds.extend(
            field_types(&input.data)
                .into_iter()
                .map(|ty| quote!(#ty: for<'__hpy_b> ::__hpy::FromHPy<'__hpy_b, 'ctx>)),
        );
    }
    let expansion = quote! {
        const _: () = {
            #[automatically_derived]
            impl<'a, 'ctx, #params> ::__hpy::FromHPy<'a, 'ctx> for #ident #ty_generics
            where #(#bounds,)*
            {
                #[allow(clippy::redundant_closure_call)]
                fn extract(__hpy_obj: &'a ::__hpy::Handle<'ctx>) -> ::__hpy::HPyResult<Self> {
                    let _level = ::__hpy::impl_::derive::nested()?;
                    #body
                }
            }
        };
    };
    Ok(with_crate_path(expansion, options.krate.as_ref()))
}

/// The statements converting the bindings of `fields` (named `__hpy_f{i}`)
/// into one Python object.
fn into_object(
    fields: &Fields,
    from_item_all: bool,
    unit_span: proc_macro2::Span,
    errors: &mut Errors,
) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let sets = named.named.iter().enumerate().map(|(i, f)| {
                let key = match field_source(f, from_item_all, errors) {
                    Source::Attribute(k) | Source::Item(k) => k,
                };
                let binding = binding(i, f);
                quote_spanned! {f.ty.span()=>
                    ::__hpy::impl_::derive::set_key(__hpy_ctx, &__hpy_dict, #key, #binding)?;
                }
            });
            quote! {{
                let __hpy_dict = ::__hpy::impl_::derive::new_dict(__hpy_ctx)?;
                #(#sets)*
                ::core::result::Result::Ok(__hpy_dict)
            }}
        }
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            quote!(::__hpy::IntoHPy::into_hpy(__hpy_f0, __hpy_ctx))
        }
        Fields::Unnamed(unnamed) => {
            let bindings = (0..unnamed.unnamed.len()).map(|i| quote::format_ident!("__hpy_f{}", i));
            quote!(::__hpy::IntoHPy::into_hpy((#(#bindings,)*), __hpy_ctx))
        }
        Fields::Unit => {
            errors.push(syn::Error::new(
                unit_span,
                "#[derive(IntoHPy)] cannot convert a unit struct or variant: it has no fields \
                 (give it fields, or implement `IntoHPy` by hand)",
            ));
            quote!(::core::unimplemented!())
        }
    }
}

/// The binding of field `i`, spanned on its type so that a missing
/// conversion is reported there.
fn binding(i: usize, field: &syn::Field) -> syn::Ident {
    quote::format_ident!("__hpy_f{}", i, span = field.ty.span())
}

/// The pattern binding every field of `fields` as `__hpy_f{i}`.
fn bind_fields(path: TokenStream, fields: &Fields) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let binds = named.named.iter().enumerate().map(|(i, f)| {
                let ident = f.ident.as_ref().expect("named field");
                let binding = binding(i, f);
                quote!(#ident: #binding)
            });
            quote!(#path { #(#binds),* })
        }
        Fields::Unnamed(unnamed) => {
            let binds = unnamed
                .unnamed
                .iter()
                .enumerate()
                .map(|(i, f)| binding(i, f));
            quote!(#path(#(#binds),*))
        }
        Fields::Unit => quote!(#path),
    }
}

/// Expands `#[derive(IntoHPy)]`.
pub fn expand_derive_into_hpy(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let mut errors = Errors::default();
    let options = type_options(&input.attrs, &mut errors);
    reject_lifetimes(&input, "IntoHPy", &mut errors);
    check_transparent(&input, &options, &mut errors);
    let ident = &input.ident;
    let body = match &input.data {
        Data::Struct(s) if options.transparent.is_some() => {
            let pattern = bind_fields(quote!(#ident), &s.fields);
            quote! {
                let #pattern = self;
                ::__hpy::IntoHPy::into_hpy(__hpy_f0, __hpy_ctx)
            }
        }
        Data::Struct(s) => {
            let pattern = bind_fields(quote!(#ident), &s.fields);
            let convert = into_object(&s.fields, options.from_item_all, ident.span(), &mut errors);
            quote! {
                let #pattern = self;
                #convert
            }
        }
        Data::Enum(e) => {
            let arms = e.variants.iter().map(|v| {
                let vident = &v.ident;
                let pattern = bind_fields(quote!(#ident::#vident), &v.fields);
                let convert =
                    into_object(&v.fields, options.from_item_all, vident.span(), &mut errors);
                quote!(#pattern => #convert,)
            });
            quote! {
                match self {
                    #(#arms)*
                }
            }
        }
        Data::Union(u) => {
            errors.push(syn::Error::new(
                u.union_token.span,
                "#[derive(IntoHPy)] takes a struct or an enum, not a union",
            ));
            quote!(::core::unimplemented!())
        }
    };
    errors.finish()?;
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let params = &input.generics.params;
    let mut bounds: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    if !params.is_empty() {
        bounds.extend(
            field_types(&input.data)
                .into_iter()
                .map(|ty| quote!(#ty: ::__hpy::IntoHPy<'ctx>)),
        );
    }
    let expansion = quote! {
        const _: () = {
            #[automatically_derived]
            impl<'ctx, #params> ::__hpy::IntoHPy<'ctx> for #ident #ty_generics
            where #(#bounds,)*
            {
                fn into_hpy(
                    self,
                    __hpy_ctx: ::__hpy::Context<'ctx>,
                ) -> ::__hpy::HPyResult<::__hpy::Handle<'ctx>> {
                    let _level = ::__hpy::impl_::derive::nested()?;
                    #body
                }
            }
        };
    };
    Ok(with_crate_path(expansion, options.krate.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_fields_read_attributes_or_items() {
        let out = expand_derive_from_hpy(quote! {
            struct P { x: f64, #[hpy(item = "why")] y: f64 }
        })
        .unwrap()
        .to_string();
        assert!(
            out.contains("attr_field :: < f64 > (__hpy_obj , \"P\" , \"x\""),
            "{out}"
        );
        assert!(
            out.contains("item_field :: < f64 > (__hpy_obj , \"P\" , \"why\""),
            "{out}"
        );
    }

    #[test]
    fn lifetimes_and_unknown_options_are_all_reported() {
        let err = expand_derive_from_hpy(quote! {
            #[hpy(bogus)]
            struct P<'a> { #[hpy(nope)] x: &'a str }
        })
        .unwrap_err();
        assert_eq!(err.into_iter().count(), 3);
    }

    #[test]
    fn type_parameters_get_bounds() {
        let out = expand_derive_from_hpy(quote! { struct Pair<T> { a: T, b: Vec<T> } })
            .unwrap()
            .to_string();
        assert!(out.contains("T : for < '__hpy_b >"), "{out}");
        assert!(out.contains("Vec < T > : for < '__hpy_b >"), "{out}");
    }

    #[test]
    fn transparent_needs_one_field() {
        assert!(expand_derive_from_hpy(quote! {
            #[hpy(transparent)] struct P { a: i64, b: i64 }
        })
        .is_err());
        let out = expand_derive_into_hpy(quote! { #[hpy(transparent)] struct P { a: i64 } })
            .unwrap()
            .to_string();
        assert!(!out.contains("new_dict"), "{out}");
    }
}
