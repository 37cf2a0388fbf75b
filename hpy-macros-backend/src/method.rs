//! `#[hpy_method]`: a Rust function exposed as a Python function.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, GenericParam, ItemFn, LitStr, Pat, PathArguments, Type};

use crate::doc::{c_string_literal, docstring};

/// HPy calling conventions a module-level function can use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Convention {
    NoArgs,
    O,
    VarArgs,
    Keywords,
}

#[derive(Default)]
struct MethodOptions {
    convention: Option<(Convention, Span)>,
    name: Option<LitStr>,
}

impl MethodOptions {
    fn parse(attr: TokenStream, errors: &mut Errors) -> Self {
        let mut options = MethodOptions::default();
        let parser = syn::meta::parser(|meta| {
            let convention = if meta.path.is_ident("noargs") {
                Some(Convention::NoArgs)
            } else if meta.path.is_ident("o") {
                Some(Convention::O)
            } else if meta.path.is_ident("varargs") {
                Some(Convention::VarArgs)
            } else if meta.path.is_ident("keywords") {
                Some(Convention::Keywords)
            } else {
                None
            };
            if let Some(convention) = convention {
                if options.convention.is_some() {
                    errors.push(syn::Error::new(
                        meta.path.span(),
                        "only one calling convention may be given",
                    ));
                }
                options.convention = Some((convention, meta.path.span()));
                Ok(())
            } else if meta.path.is_ident("name") {
                options.name = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                errors.push(meta.error(
                    "unknown #[hpy_method] option; expected one of: noargs, o, varargs, keywords, name = \"...\"",
                ));
                // Consume a value, if any, so the options after it are checked too.
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            }
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
            errors.push(e);
        }
        options
    }
}

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

/// How one Rust parameter is filled.
enum Param {
    /// The call's `Context`.
    Context,
    /// A Python argument; `optional` for `Option<T>` parameters, which may be
    /// omitted by the caller.
    Python {
        name: String,
        optional: bool,
        span: Span,
    },
}

fn last_segment_is(ty: &Type, name: &str) -> Option<PathArguments> {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            (last.ident == name).then(|| last.arguments.clone())
        }
        Type::Group(g) => last_segment_is(&g.elem, name),
        Type::Paren(p) => last_segment_is(&p.elem, name),
        _ => None,
    }
}

fn is_option(ty: &Type) -> bool {
    matches!(
        last_segment_is(ty, "Option"),
        Some(PathArguments::AngleBracketed(a)) if matches!(a.args.first(), Some(GenericArgument::Type(_)))
    )
}

fn classify_params(func: &ItemFn, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for input in &func.sig.inputs {
        match input {
            FnArg::Receiver(r) => errors.push(syn::Error::new(
                r.span(),
                "#[hpy_method] functions are module-level functions and cannot take `self`",
            )),
            FnArg::Typed(pt) => {
                if last_segment_is(&pt.ty, "Context").is_some() {
                    params.push(Param::Context);
                    continue;
                }
                let name = match &*pt.pat {
                    Pat::Ident(pi) => pi.ident.unraw().to_string(),
                    other => {
                        errors.push(syn::Error::new(
                            other.span(),
                            "#[hpy_method] parameters must be plain identifiers (they become Python parameter names)",
                        ));
                        String::from("_")
                    }
                };
                let optional = is_option(&pt.ty);
                if !optional {
                    if let Some(Param::Python { optional: true, .. }) = params
                        .iter()
                        .rev()
                        .find(|p| matches!(p, Param::Python { .. }))
                    {
                        errors.push(syn::Error::new(
                            pt.ty.span(),
                            "a required parameter cannot follow an optional (`Option<_>`) one",
                        ));
                    }
                }
                params.push(Param::Python {
                    name,
                    optional,
                    span: pt.span(),
                });
            }
        }
    }
    params
}

fn choose_convention(options: &MethodOptions, params: &[Param], errors: &mut Errors) -> Convention {
    let python: Vec<_> = params
        .iter()
        .filter(|p| matches!(p, Param::Python { .. }))
        .collect();
    let Some((convention, span)) = options.convention else {
        return match python.as_slice() {
            [] => Convention::NoArgs,
            [Param::Python {
                optional: false, ..
            }] => Convention::O,
            _ => Convention::VarArgs,
        };
    };
    match convention {
        Convention::NoArgs if !python.is_empty() => errors.push(syn::Error::new(
            span,
            "`noargs` functions take no Python parameters (only an optional `Context`)",
        )),
        Convention::O
            if !matches!(
                python.as_slice(),
                [Param::Python {
                    optional: false,
                    ..
                }]
            ) =>
        {
            errors.push(syn::Error::new(
                span,
                "`o` functions take exactly one required Python parameter",
            ))
        }
        _ => {}
    }
    convention
}

fn check_signature(func: &ItemFn, errors: &mut Errors) {
    if let Some(asyncness) = &func.sig.asyncness {
        errors.push(syn::Error::new(
            asyncness.span(),
            "#[hpy_method] functions cannot be async",
        ));
    }
    if let Some(variadic) = &func.sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "#[hpy_method] functions cannot be C-variadic",
        ));
    }
    for param in &func.sig.generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            errors.push(syn::Error::new(
                param.span(),
                "#[hpy_method] functions cannot have type or const parameters: Python needs one concrete function",
            ));
        }
    }
}

/// Expands `#[hpy_method(attr)] item`.
pub fn expand_hpy_method(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let func: ItemFn = syn::parse2(item)?;
    let mut errors = Errors::default();
    let options = MethodOptions::parse(attr, &mut errors);
    check_signature(&func, &mut errors);
    let params = classify_params(&func, &mut errors);
    let convention = choose_convention(&options, &params, &mut errors);

    let rust_name = &func.sig.ident;
    let py_name = options
        .name
        .as_ref()
        .map_or_else(|| rust_name.unraw().to_string(), LitStr::value);
    let name_span = options.name.as_ref().map_or(rust_name.span(), LitStr::span);
    let c_name = c_string_literal(&py_name, name_span);
    if c_name.is_none() {
        errors.push(syn::Error::new(
            name_span,
            "the Python name cannot contain a NUL character",
        ));
    }
    let doc = docstring(&func.attrs);
    let c_doc = doc
        .as_deref()
        .map(|d| c_string_literal(d, Span::call_site()));
    if let Some(None) = c_doc {
        errors.push(syn::Error::new(
            rust_name.span(),
            "the doc comment cannot contain a NUL character",
        ));
    }
    errors.finish()?;
    let c_name = c_name.expect("checked above");
    let doc_expr = match c_doc.flatten() {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    };

    let python_names: Vec<&str> = params
        .iter()
        .filter_map(|p| match p {
            Param::Python { name, .. } => Some(name.as_str()),
            Param::Context => None,
        })
        .collect();
    let required = params
        .iter()
        .filter(|p| {
            matches!(
                p,
                Param::Python {
                    optional: false,
                    ..
                }
            )
        })
        .count();
    let n_python = python_names.len();

    // The call of the user's function, one argument expression per parameter.
    let mut python_index = 0usize;
    let call_args: Vec<TokenStream> = params
        .iter()
        .map(|p| match p {
            Param::Context => quote!(__hpy_ctx),
            Param::Python { optional, span, .. } => {
                let i = python_index;
                python_index += 1;
                let slot = match convention {
                    Convention::O => quote!(::core::option::Option::Some(&__hpy_arg)),
                    _ => quote!(__hpy_slots[#i].as_ref()),
                };
                let extract = if *optional {
                    quote_spanned!(*span=> ::hpy::impl_::extract_optional)
                } else {
                    quote_spanned!(*span=> ::hpy::impl_::extract_required)
                };
                quote!(#extract(#slot, &__HPY_DESC, #i)?)
            }
        })
        .collect();

    let vis = &func.vis;
    let ret = quote! { ::hpy::impl_::return_object(__hpy_ctx, #rust_name(#(#call_args),*)) };
    let desc = quote! {
        const __HPY_DESC: ::hpy::impl_::FunctionDescription = ::hpy::impl_::FunctionDescription {
            name: #py_name,
            params: &[#(#python_names),*],
            required: #required,
        };
    };
    let (trait_name, signature, body, builder) = match convention {
        Convention::NoArgs => (
            quote!(MethNoArgs),
            quote!(__hpy_ctx: ::hpy::Context<'ctx>, _: ::hpy::Borrowed<'_, 'ctx>),
            quote!(#ret),
            quote!(meth_noargs),
        ),
        Convention::O => (
            quote!(MethO),
            quote!(__hpy_ctx: ::hpy::Context<'ctx>, _: ::hpy::Borrowed<'_, 'ctx>, __hpy_arg: ::hpy::Borrowed<'_, 'ctx>),
            quote!(#desc #ret),
            quote!(meth_o),
        ),
        Convention::VarArgs => (
            quote!(MethArgs),
            quote!(__hpy_ctx: ::hpy::Context<'ctx>, _: ::hpy::Borrowed<'_, 'ctx>, __hpy_args: ::hpy::impl_::Args<'_, 'ctx>),
            quote! {
                #desc
                let __hpy_slots = __HPY_DESC.parse_positional::<#n_python>(&__hpy_args)?;
                #ret
            },
            quote!(meth_varargs),
        ),
        Convention::Keywords => (
            quote!(MethArgs),
            quote!(__hpy_ctx: ::hpy::Context<'ctx>, _: ::hpy::Borrowed<'_, 'ctx>, __hpy_args: ::hpy::impl_::Args<'_, 'ctx>),
            quote! {
                #desc
                let __hpy_slots = __HPY_DESC.parse_keywords::<#n_python>(&__hpy_args)?;
                #ret
            },
            quote!(meth_keywords),
        ),
    };

    // A braced struct lives only in the type namespace, so it can share the
    // function's name: `hpy_module!` names it by the function's path, and
    // inside the impls the name still resolves to the function — at module
    // level or inside a function body alike.
    Ok(quote! {
        #func

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #rust_name {}

        const _: () = {
            #[allow(clippy::all)]
            impl ::hpy::impl_::#trait_name for #rust_name {
                const NAME: &'static str = #py_name;

                #[inline(always)]
                fn call<'ctx>(#signature) -> ::hpy::HPyResult<::hpy::impl_::HPy> {
                    #body
                }
            }

            impl ::hpy::impl_::PyMethod for #rust_name {
                const DEF: ::hpy::impl_::HPyDef = ::hpy::impl_::#builder::<#rust_name>(#c_name, #doc_expr);
            }
        };
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(attr: TokenStream, item: TokenStream) -> String {
        expand_hpy_method(attr, item)
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn infers_conventions() {
        let cases = [
            (
                quote!(),
                quote!(
                    fn f() {}
                ),
                "meth_noargs",
            ),
            (
                quote!(),
                quote!(
                    fn f(ctx: Context<'_>) {}
                ),
                "meth_noargs",
            ),
            (
                quote!(),
                quote!(
                    fn f(x: i64) {}
                ),
                "meth_o",
            ),
            (
                quote!(),
                quote!(
                    fn f(x: Option<i64>) {}
                ),
                "meth_varargs",
            ),
            (
                quote!(),
                quote!(
                    fn f(a: i64, b: i64) {}
                ),
                "meth_varargs",
            ),
            (
                quote!(keywords),
                quote!(
                    fn f(a: i64) {}
                ),
                "meth_keywords",
            ),
        ];
        for (attr, item, builder) in cases {
            let out = expand(attr, item.clone());
            assert!(out.contains(builder), "{item} should use {builder}: {out}");
        }
    }

    #[test]
    fn reports_all_errors_at_once() {
        let out = expand(
            quote!(bogus, noargs),
            quote!(
                async fn f<T>(x: T) {}
            ),
        );
        assert!(out.starts_with("error: "), "{out}");
        let err = expand_hpy_method(
            quote!(bogus, noargs),
            quote!(
                async fn f<T>(x: T) {}
            ),
        )
        .unwrap_err();
        // unknown option, async, type parameter, noargs with a parameter
        assert_eq!(err.into_iter().count(), 4);
    }

    #[test]
    fn optional_before_required_is_rejected() {
        let out = expand(
            quote!(),
            quote!(
                fn f(a: Option<i64>, b: i64) {}
            ),
        );
        assert!(out.contains("cannot follow an optional"), "{out}");
    }

    #[test]
    fn python_name_override() {
        let out = expand(
            quote!(name = "other"),
            quote!(
                fn f() {}
            ),
        );
        assert!(out.contains("\"other\""), "{out}");
    }
}
