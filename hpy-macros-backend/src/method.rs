//! `#[hpy_method]`: a Rust function exposed as a Python function; and the
//! pieces shared with class methods (`#[hpy_methods]`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{
    FnArg, GenericArgument, GenericParam, ItemFn, LitStr, Pat, PathArguments, Signature, Type,
};

use crate::doc::{c_string_literal, docstring};

/// HPy calling conventions of functions and methods.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Convention {
    NoArgs,
    O,
    VarArgs,
    Keywords,
}

#[derive(Default)]
pub(crate) struct MethodOptions {
    pub(crate) convention: Option<(Convention, Span)>,
    pub(crate) name: Option<LitStr>,
}

/// Parses a convention keyword (`noargs`, `o`, `varargs`, `keywords`).
pub(crate) fn convention_from(path: &syn::Path) -> Option<Convention> {
    if path.is_ident("noargs") {
        Some(Convention::NoArgs)
    } else if path.is_ident("o") {
        Some(Convention::O)
    } else if path.is_ident("varargs") {
        Some(Convention::VarArgs)
    } else if path.is_ident("keywords") {
        Some(Convention::Keywords)
    } else {
        None
    }
}

impl MethodOptions {
    fn parse(attr: TokenStream, errors: &mut Errors) -> Self {
        let mut options = MethodOptions::default();
        let parser = syn::meta::parser(|meta| {
            if let Some(convention) = convention_from(&meta.path) {
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
pub(crate) enum Param {
    /// The call's `Context`.
    Context,
    /// `&self` / `&mut self` of a class method.
    Receiver { mutable: bool },
    /// A parameter named `slf`: the instance handle, converted with `FromHPy`
    /// (e.g. `slf: Ref<'_, '_, Self>` or `slf: &Handle<'_>`).
    SelfArg,
    /// A Python argument; `optional` for `Option<T>` parameters, which may be
    /// omitted by the caller.
    Python {
        name: String,
        optional: bool,
        span: Span,
    },
    /// `hpy::VarArgs`: every positional argument, unconverted.
    VarArgs { span: Span },
}

impl Param {
    pub(crate) fn is_python(&self) -> bool {
        matches!(self, Param::Python { .. })
    }
}

pub(crate) fn last_segment_is(ty: &Type, name: &str) -> Option<PathArguments> {
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

/// Classifies the parameters of `sig`. `in_class` allows receivers and `slf`.
pub(crate) fn classify_params(sig: &Signature, in_class: bool, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) if in_class => {
                if r.reference.is_none() {
                    errors.push(syn::Error::new(
                        r.span(),
                        "class methods take `&self` or `&mut self`: the value stays inside the Python object",
                    ));
                }
                params.push(Param::Receiver {
                    mutable: r.mutability.is_some(),
                });
            }
            FnArg::Receiver(r) => errors.push(syn::Error::new(
                r.span(),
                "#[hpy_method] functions are module-level functions and cannot take `self`",
            )),
            FnArg::Typed(pt) => {
                if last_segment_is(&pt.ty, "Context").is_some() {
                    params.push(Param::Context);
                    continue;
                }
                if last_segment_is(&pt.ty, "VarArgs").is_some() {
                    params.push(Param::VarArgs { span: pt.span() });
                    continue;
                }
                let name = match &*pt.pat {
                    Pat::Ident(pi) => pi.ident.unraw().to_string(),
                    other => {
                        errors.push(syn::Error::new(
                            other.span(),
                            "parameters must be plain identifiers (they become Python parameter names)",
                        ));
                        String::from("_")
                    }
                };
                if in_class && name == "slf" && !params.iter().any(|p| p.is_python()) {
                    params.push(Param::SelfArg);
                    continue;
                }
                let optional = is_option(&pt.ty);
                if !optional {
                    if let Some(Param::Python { optional: true, .. }) =
                        params.iter().rev().find(|p| p.is_python())
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

pub(crate) fn choose_convention(
    options: &MethodOptions,
    params: &[Param],
    errors: &mut Errors,
) -> Convention {
    let python: Vec<_> = params.iter().filter(|p| p.is_python()).collect();
    if let Some(Param::VarArgs { span }) =
        params.iter().find(|p| matches!(p, Param::VarArgs { .. }))
    {
        if !python.is_empty()
            || params
                .iter()
                .filter(|p| matches!(p, Param::VarArgs { .. }))
                .count()
                > 1
        {
            errors.push(syn::Error::new(
                *span,
                "a `VarArgs` parameter takes all arguments: no other Python parameters",
            ));
        }
        if let Some((c, span)) = options.convention {
            if c != Convention::VarArgs {
                errors.push(syn::Error::new(
                    span,
                    "`VarArgs` functions use the `varargs` convention",
                ));
            }
        }
        return Convention::VarArgs;
    }
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

pub(crate) fn check_signature(sig: &Signature, errors: &mut Errors) {
    if let Some(asyncness) = &sig.asyncness {
        errors.push(syn::Error::new(
            asyncness.span(),
            "functions exposed to Python cannot be async",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "functions exposed to Python cannot be C-variadic",
        ));
    }
    for param in &sig.generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            errors.push(syn::Error::new(
                param.span(),
                "functions exposed to Python cannot have type or const parameters: Python needs one concrete function",
            ));
        }
    }
}

/// Where a Python parameter's value comes from in a generated body.
pub(crate) enum Source {
    /// An `Option<&Borrowed>` expression, converted with `FromHPy`.
    Extract(TokenStream),
    /// An expression already of the parameter's type (e.g. a raw index).
    Raw(TokenStream),
}

/// The statements and call of a generated body: borrows the receiver (if
/// any), converts each Python argument, calls `callee`. `self_ty` is the
/// class for receivers; `desc` names the `FunctionDescription` constant used
/// in error messages.
pub(crate) fn call_user(
    params: &[Param],
    callee: &TokenStream,
    self_ty: Option<&Type>,
    source: &mut dyn FnMut(usize) -> Source,
) -> (TokenStream, TokenStream) {
    let mut prelude = TokenStream::new();
    let mut python_index = 0usize;
    let args: Vec<TokenStream> = params
        .iter()
        .map(|p| match p {
            Param::Context => quote!(__hpy_ctx),
            Param::Receiver { mutable } => {
                let (helper, deref) = if *mutable {
                    (quote!(self_mut), quote!(&mut *__hpy_recv))
                } else {
                    (quote!(self_ref), quote!(&*__hpy_recv))
                };
                prelude.extend(quote! {
                    #[allow(unused_mut)]
                    let mut __hpy_recv = unsafe { ::hpy::impl_::class::#helper::<#self_ty>(__hpy_self) }?;
                });
                deref
            }
            Param::SelfArg => quote!(::hpy::impl_::extract_self(&__hpy_self)?),
            Param::VarArgs { .. } => quote!(__hpy_args.var_args()),
            Param::Python { optional, span, .. } => {
                let i = python_index;
                python_index += 1;
                match source(i) {
                    Source::Raw(expr) => expr,
                    Source::Extract(slot) => {
                        let extract = if *optional {
                            quote_spanned!(*span=> ::hpy::impl_::extract_optional)
                        } else {
                            quote_spanned!(*span=> ::hpy::impl_::extract_required)
                        };
                        quote!(#extract(#slot, &__HPY_DESC, #i)?)
                    }
                }
            }
        })
        .collect();
    // Bound to a local so that temporaries made while converting arguments
    // (e.g. borrow guards) are dropped before the locals they borrow from.
    (
        prelude,
        quote!({
            let __hpy_result = #callee(#(#args),*);
            __hpy_result
        }),
    )
}

/// The `FunctionDescription` constant of a generated body.
pub(crate) fn description(py_name: &str, params: &[Param]) -> TokenStream {
    let names: Vec<&str> = params
        .iter()
        .filter_map(|p| match p {
            Param::Python { name, .. } => Some(name.as_str()),
            _ => None,
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
    quote! {
        const __HPY_DESC: ::hpy::impl_::FunctionDescription = ::hpy::impl_::FunctionDescription {
            name: #py_name,
            params: &[#(#names),*],
            required: #required,
        };
    }
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

/// A function or method exposed with one of the four calling conventions.
pub(crate) struct Callable<'a> {
    /// The type the trait impl is written for.
    pub entry: TokenStream,
    pub py_name: String,
    pub convention: Convention,
    pub params: &'a [Param],
    /// What to call (`f`, `Point::norm`).
    pub callee: TokenStream,
    pub self_ty: Option<&'a Type>,
}

/// The trait impl for a callable and the expression of its `HPyDef`.
pub(crate) fn callable_entry(
    c: &Callable<'_>,
    c_name: &proc_macro2::Literal,
    doc_expr: &TokenStream,
) -> (TokenStream, TokenStream) {
    let n_python = c.params.iter().filter(|p| p.is_python()).count();
    let mut source = |i: usize| match c.convention {
        Convention::O => Source::Extract(quote!(::core::option::Option::Some(&__hpy_arg))),
        _ => Source::Extract(quote!(::hpy::impl_::present(&__hpy_slots[#i]))),
    };
    let (prelude, call) = call_user(c.params, &c.callee, c.self_ty, &mut source);
    let ret = quote! { #prelude ::hpy::impl_::return_object(__hpy_ctx, #call) };
    let desc = description(&c.py_name, c.params);
    let self_param = quote!(__hpy_self: ::hpy::Borrowed<'_, 'ctx>);
    let (trait_name, signature, body, builder) = match c.convention {
        Convention::NoArgs => (
            quote!(MethNoArgs),
            quote!(__hpy_ctx: ::hpy::Context<'ctx>, #self_param),
            ret,
            quote!(meth_noargs),
        ),
        Convention::O => (
            quote!(MethO),
            quote!(__hpy_ctx: ::hpy::Context<'ctx>, #self_param, __hpy_arg: ::hpy::Borrowed<'_, 'ctx>),
            quote!(#desc #ret),
            quote!(meth_o),
        ),
        Convention::VarArgs | Convention::Keywords => {
            let (parse, builder) = if c.convention == Convention::VarArgs {
                (quote!(parse_positional), quote!(meth_varargs))
            } else {
                (quote!(parse_keywords), quote!(meth_keywords))
            };
            (
                quote!(MethArgs),
                quote!(__hpy_ctx: ::hpy::Context<'ctx>, #self_param, __hpy_args: ::hpy::impl_::Args<'_, 'ctx>),
                if c.params.iter().any(|p| matches!(p, Param::VarArgs { .. })) {
                    ret.clone()
                } else {
                    quote! {
                        #desc
                        let __hpy_slots = __HPY_DESC.#parse::<#n_python>(&__hpy_args)?;
                        #ret
                    }
                },
                builder,
            )
        }
    };
    let py_name = &c.py_name;
    let entry = &c.entry;
    let imp = quote! {
        #[allow(clippy::all, unused_variables)]
        unsafe impl ::hpy::impl_::#trait_name for #entry {
            const NAME: &'static str = #py_name;

            #[inline(always)]
            fn call<'ctx>(#signature) -> ::hpy::HPyResult<::hpy::impl_::HPy> {
                #body
            }
        }
    };
    (
        imp,
        quote!(::hpy::impl_::#builder::<#entry>(#c_name, #doc_expr)),
    )
}

/// Expands `#[hpy_method(attr)] item`.
pub fn expand_hpy_method(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let func: ItemFn = syn::parse2(item)?;
    let mut errors = Errors::default();
    let options = MethodOptions::parse(attr, &mut errors);
    check_signature(&func.sig, &mut errors);
    let params = classify_params(&func.sig, false, &mut errors);
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
    let doc_expr = doc_option(docstring(&func.attrs), rust_name.span(), &mut errors);
    errors.finish()?;
    let c_name = c_name.expect("checked above");

    let callable = Callable {
        entry: quote!(#rust_name),
        py_name,
        convention,
        params: &params,
        callee: quote!(#rust_name),
        self_ty: None,
    };
    let (imp, def) = callable_entry(&callable, &c_name, &doc_expr);
    let vis = &func.vis;

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
            #imp

            unsafe impl ::hpy::impl_::PyMethod for #rust_name {
                const DEF: ::hpy::impl_::HPyDef = #def;
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
    fn self_is_rejected_outside_classes() {
        let out = expand(
            quote!(),
            quote!(
                fn f(&self) {}
            ),
        );
        assert!(out.contains("cannot take `self`"), "{out}");
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
