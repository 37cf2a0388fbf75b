//! `#[hpy_method]`: a Rust function exposed as a Python function; and the
//! pieces shared with class methods (`#[hpy_methods]`).

use crate::utils::{BODY_INLINE, ENTRY_SAFETY};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{
    FnArg, GenericArgument, GenericParam, ItemFn, LitStr, Pat, PathArguments, Signature, Type,
};

use crate::attributes::{Convention, MethodOptions, SigItem, SigSpec};
use crate::utils::{c_string_literal, doc_option, docstring, respan, with_crate_path, Errors};

/// How one Rust parameter is filled.
pub(crate) enum Param {
    /// The call's `Context`.
    Context,
    /// `&self` / `&mut self` of a class method.
    Receiver { mutable: bool },
    /// A parameter named `slf`: the instance handle, converted with `FromHPy`
    /// (e.g. `slf: &Handle<'_>`); `receiver` is `Some((mutable, class))`
    /// when its type is `Ref<.., class>` or `RefMut<.., class>`. A guard of
    /// the class itself (`Self`, or the class's name) borrows the instance
    /// the interpreter passes without checking its type again, as `&self`
    /// does (a checked borrow is three HPy calls in the universal ABI on
    /// PyPy: about 440 of PyPy's instructions per call).
    SelfArg { receiver: Option<(bool, Type)> },
    /// The class a `#[classmethod]` is called on (its first parameter),
    /// converted with `FromHPy` (e.g. `cls: &Handle<'_>`).
    Cls,
    /// A Python argument; `optional` for `Option<T>` parameters and those
    /// with a `default`, which the caller may omit.
    Python {
        name: String,
        optional: bool,
        span: Span,
        /// The Rust type's span, where a missing conversion is reported.
        ty_span: Span,
        /// `name = expr` in a `signature`: the value when omitted.
        default: Option<syn::Expr>,
        kind: Kind,
        /// Set when the parameter is a field of a keyword set
        /// (`#[hpy(keywords)] opts: Opts<'ctx>`).
        field: Option<Box<SetField>>,
    },
    /// `hpy::VarArgs`: every positional argument, unconverted (or, after
    /// named parameters, the rest: `*args`).
    VarArgs { span: Span, name: String },
    /// `**kwargs`: the keyword arguments no parameter takes, as a dict
    /// (`Option<Handle>` or `Handle`).
    KwArgs { span: Span, name: String },
}

/// A Python parameter that is one field of a keyword set.
pub(crate) struct SetField {
    /// The Rust parameter holding the set (`opts`).
    pub(crate) set: String,
    /// The set's type without generic arguments, whose `__hpy_new` and
    /// `__hpy_default_<field>` the derive wrote.
    pub(crate) path: syn::Path,
    pub(crate) ident: syn::Ident,
    pub(crate) ty: Type,
    /// `py_default = "..."`: the default as the text signature shows it.
    pub(crate) py_default: Option<String>,
    /// The set's first field (where the struct is built).
    pub(crate) first: bool,
    /// The Rust parameter's span.
    pub(crate) span: Span,
}

/// How a Python parameter may be passed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// Only by position (before `/`, or every parameter of a function
    /// without keywords).
    PositionalOnly,
    /// By position or by keyword.
    Positional,
    /// Only by keyword (after `*` or `*args`).
    KeywordOnly,
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

/// `Some((false, class))` for `Ref<.., class>`, `Some((true, class))` for
/// `RefMut<.., class>` (borrow guards), `None` for any other `slf` type.
fn self_guard(ty: &Type) -> Option<(bool, Type)> {
    let class = |args: Option<PathArguments>| match args {
        Some(PathArguments::AngleBracketed(a)) => match a.args.last() {
            Some(GenericArgument::Type(class @ Type::Path(p))) if p.qself.is_none() => {
                Some(class.clone())
            }
            _ => None,
        },
        _ => None,
    };
    if let Some(c) = class(last_segment_is(ty, "Ref")) {
        Some((false, c))
    } else {
        class(last_segment_is(ty, "RefMut")).map(|c| (true, c))
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
    classify_params_with(sig, in_class, None, errors)
}

/// [`classify_params`], then applies a `signature = (...)` if given.
pub(crate) fn classify_params_with(
    sig: &Signature,
    in_class: bool,
    spec: Option<&SigSpec>,
    errors: &mut Errors,
) -> Vec<Param> {
    let mut params = classify_rust_params(sig, in_class, spec.is_some(), errors);
    if let Some(spec) = spec {
        apply_signature(&mut params, spec, errors);
    }
    params
}

/// The parameters of a `#[classmethod]`: the first one that is not the
/// `Context` is the class ([`Param::Cls`]); `None` (reported) if there is
/// none. Then a `signature = (...)`, which does not list the class, applies.
pub(crate) fn classify_classmethod_params(
    sig: &Signature,
    spec: Option<&SigSpec>,
    errors: &mut Errors,
) -> Option<Vec<Param>> {
    let mut params = classify_rust_params(sig, false, spec.is_some(), errors);
    let Some(first) = params.iter().position(|p| !matches!(p, Param::Context)) else {
        errors.push(syn::Error::new(
            sig.ident.span(),
            "a #[classmethod] takes the class first, e.g. `cls: &Handle<'ctx>`",
        ));
        return None;
    };
    if !params[first].is_python() {
        errors.push(syn::Error::new(
            sig.ident.span(),
            "a #[classmethod] takes the class first, e.g. `cls: &Handle<'ctx>`",
        ));
        return None;
    }
    params[first] = Param::Cls;
    if let Some(spec) = spec {
        apply_signature(&mut params, spec, errors);
    }
    Some(params)
}

/// Applies a `signature = (...)` to the Rust parameters: their Python
/// kinds and defaults, `*args` and `**kwargs`.
fn apply_signature(params: &mut [Param], spec: &SigSpec, errors: &mut Errors) {
    let mut walk = SignatureWalk::default();
    for item in &spec.items {
        if walk.seen_kwargs {
            let span = match item {
                SigItem::Slash(s) | SigItem::Star(s) => *s,
                SigItem::VarArgs(i) | SigItem::KwArgs(i) | SigItem::Param(i, _) => i.span(),
            };
            errors.push(syn::Error::new(
                span,
                "`**kwargs` must come last in the signature",
            ));
            return;
        }
        walk.item(params, item, errors);
    }
    for (i, p) in params.iter().enumerate() {
        let (name, span) = match p {
            Param::Python { field: Some(f), .. } if f.first => (&f.set, &f.span),
            Param::Python { field: Some(_), .. } => continue,
            Param::Python { name, span, .. } | Param::VarArgs { name, span } => (name, span),
            _ => continue,
        };
        {
            if !walk.mentioned.contains(&i) {
                errors.push(syn::Error::new(
                    *span,
                    format!("parameter `{name}` is missing from the signature"),
                ));
            }
        }
    }
}

/// What [`apply_signature`] has seen of a signature so far.
#[derive(Default)]
struct SignatureWalk {
    seen_slash: bool,
    seen_star: bool,
    seen_kwargs: bool,
    /// The parameters named so far (indices into the Rust parameters).
    mentioned: Vec<usize>,
    previous_has_default: bool,
}

impl SignatureWalk {
    /// One item of the signature: a marker, or a parameter it names.
    fn item(&mut self, params: &mut [Param], item: &SigItem, errors: &mut Errors) {
        let ident = match item {
            SigItem::Slash(span) => {
                if self.seen_slash || self.seen_star || self.mentioned.is_empty() {
                    errors.push(syn::Error::new(
                        *span,
                        "`/` must come once, after at least one parameter and before `*`",
                    ));
                }
                self.seen_slash = true;
                for &i in &self.mentioned {
                    if let Param::Python { kind, field, .. } = &mut params[i] {
                        *kind = Kind::PositionalOnly;
                        if field.as_ref().is_some_and(|f| f.first) {
                            errors.push(syn::Error::new(
                                *span,
                                "a keyword set's fields are passed by keyword: put the set after `/`",
                            ));
                        }
                    }
                }
                return;
            }
            SigItem::Star(span) => {
                self.star(*span, errors);
                return;
            }
            SigItem::VarArgs(ident) | SigItem::KwArgs(ident) | SigItem::Param(ident, _) => ident,
        };
        let wanted = ident.unraw().to_string();
        let group: Vec<usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p, Param::Python { field: Some(f), .. } if f.set == wanted))
            .map(|(i, _)| i)
            .collect();
        if !group.is_empty() {
            return self.set(params, &group, item, ident, errors);
        }
        let Some(index) = params.iter().position(|p| match p {
            Param::Python { name, .. } | Param::VarArgs { name, .. } => *name == wanted,
            _ => false,
        }) else {
            errors.push(syn::Error::new(
                ident.span(),
                format!("the function has no parameter `{wanted}`"),
            ));
            return;
        };
        if self.mentioned.last().is_some_and(|&last| index < last) {
            errors.push(syn::Error::new(
                ident.span(),
                "the signature must list the parameters in the order of the function's",
            ));
        }
        self.mentioned.push(index);
        match item {
            SigItem::VarArgs(_) => {
                if !matches!(params[index], Param::VarArgs { .. }) {
                    errors.push(syn::Error::new(
                        ident.span(),
                        "`*args` needs a `hpy::VarArgs` parameter",
                    ));
                }
                self.star(ident.span(), errors);
            }
            SigItem::KwArgs(_) => {
                match &params[index] {
                    Param::Python { span, name, .. } => {
                        params[index] = Param::KwArgs {
                            span: *span,
                            name: name.clone(),
                        }
                    }
                    _ => errors.push(syn::Error::new(
                        ident.span(),
                        "`**kwargs` needs a parameter of type `Option<Handle>` or `Handle`",
                    )),
                }
                self.seen_kwargs = true;
            }
            SigItem::Param(_, default) => {
                self.named(&mut params[index], ident, default.as_ref(), errors)
            }
            SigItem::Slash(_) | SigItem::Star(_) => unreachable!("markers return above"),
        }
    }

    /// A keyword set named in the signature: each of its fields in turn,
    /// with the field's own default.
    fn set(
        &mut self,
        params: &mut [Param],
        group: &[usize],
        item: &SigItem,
        ident: &syn::Ident,
        errors: &mut Errors,
    ) {
        if !matches!(item, SigItem::Param(_, None)) {
            errors.push(syn::Error::new(
                ident.span(),
                "a keyword set is named alone in the signature (its fields declare their defaults): write it as `opts`",
            ));
            self.mentioned.extend(group);
            return;
        }
        if self.mentioned.last().is_some_and(|&last| group[0] < last) {
            errors.push(syn::Error::new(
                ident.span(),
                "the signature must list the parameters in the order of the function's",
            ));
        }
        for &i in group {
            self.mentioned.push(i);
            let default = match &params[i] {
                Param::Python { default, .. } => default.clone(),
                _ => None,
            };
            self.named(&mut params[i], ident, default.as_ref(), errors);
        }
    }

    /// `*` or `*args`: what follows is keyword-only.
    fn star(&mut self, span: Span, errors: &mut Errors) {
        if self.seen_star {
            errors.push(syn::Error::new(
                span,
                "only one `*` or `*args` may be given",
            ));
        }
        self.seen_star = true;
    }

    /// A named parameter, with its default if it has one.
    fn named(
        &mut self,
        param: &mut Param,
        ident: &syn::Ident,
        default: Option<&syn::Expr>,
        errors: &mut Errors,
    ) {
        let Param::Python {
            optional,
            default: slot,
            kind,
            ..
        } = param
        else {
            errors.push(syn::Error::new(
                ident.span(),
                "a `VarArgs` parameter is written `*name` in the signature",
            ));
            return;
        };
        if self.seen_star {
            *kind = Kind::KeywordOnly;
        } else {
            if self.previous_has_default && default.is_none() && !*optional {
                errors.push(syn::Error::new(
                    ident.span(),
                    "a parameter without a default cannot follow one with a default \
                     (make it keyword-only by putting it after `*`)",
                ));
            }
            self.previous_has_default |= default.is_some() || *optional;
        }
        *optional |= default.is_some();
        *slot = default.cloned();
    }
}

/// The Rust parameters of `sig`; `with_signature` leaves the checks a
/// signature makes to it.
fn classify_rust_params(
    sig: &Signature,
    in_class: bool,
    with_signature: bool,
    errors: &mut Errors,
) -> Vec<Param> {
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
                if let Type::Reference(r) = &*pt.ty {
                    if last_segment_is(&r.elem, "Context").is_some() {
                        errors.push(syn::Error::new_spanned(
                            &pt.ty,
                            "`Context` is `Copy`: take it by value, `ctx: Context<'ctx>`",
                        ));
                        continue;
                    }
                }
                if last_segment_is(&pt.ty, "Context").is_some() {
                    params.push(Param::Context);
                    continue;
                }
                if last_segment_is(&pt.ty, "VarArgs").is_some() {
                    let name = match &*pt.pat {
                        Pat::Ident(pi) => pi.ident.unraw().to_string(),
                        _ => String::from("args"),
                    };
                    params.push(Param::VarArgs {
                        span: pt.span(),
                        name,
                    });
                    continue;
                }
                if let Some(set) = crate::keywords::keywords_attr(&pt.attrs) {
                    keyword_params(&mut params, pt, set, with_signature, errors);
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
                    params.push(Param::SelfArg {
                        receiver: self_guard(&pt.ty),
                    });
                    continue;
                }
                let optional = is_option(&pt.ty);
                if !optional && !with_signature {
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
                    ty_span: crate::diag::type_span(&pt.ty),
                    default: None,
                    kind: Kind::Positional,
                    field: None,
                });
            }
        }
    }
    check_unique_names(&params, errors);
    params
}

/// Each Python name once: a keyword set's field cannot share a name with
/// another parameter.
fn check_unique_names(params: &[Param], errors: &mut Errors) {
    let mut seen = std::collections::HashSet::new();
    for p in params {
        if let Param::Python { name, span, .. } = p {
            if !seen.insert(name.as_str()) {
                errors.push(syn::Error::new(
                    *span,
                    format!("two parameters are named `{name}` in Python: rename one (a keyword set's fields are parameters of the function)"),
                ));
            }
        }
    }
}

/// The fields of a `#[hpy(keywords)]` parameter, as Python parameters.
fn keyword_params(
    params: &mut Vec<Param>,
    pt: &syn::PatType,
    set: syn::Result<Option<crate::keywords::KeywordSet>>,
    with_signature: bool,
    errors: &mut Errors,
) {
    let set = match set {
        Ok(Some(set)) => set,
        Ok(None) => {
            errors.push(syn::Error::new(
                pt.span(),
                "`#[hpy(keywords)]` is read by `#[hpy_method]` and `#[hpy_methods]` only",
            ));
            return;
        }
        Err(e) => return errors.push(e),
    };
    let set_name = match &*pt.pat {
        Pat::Ident(pi) => pi.ident.unraw().to_string(),
        other => {
            errors.push(syn::Error::new(
                other.span(),
                "a keyword set is one plain parameter, e.g. `#[hpy(keywords)] opts: Options<'ctx>`",
            ));
            return;
        }
    };
    let path = crate::keywords::bare_path(&pt.ty).expect("checked by keywords::prepare");
    for (i, f) in set.fields.into_iter().enumerate() {
        let optional = f.default.is_some() || is_option(&f.ty);
        if !optional && !with_signature {
            if let Some(Param::Python { optional: true, .. }) =
                params.iter().rev().find(|p| p.is_python())
            {
                errors.push(syn::Error::new(
                    f.ident.span(),
                    format!("the keyword set's required field `{}` cannot follow an optional parameter: give it a default, or make the set keyword-only with `signature = (..., *, {set_name})`", f.ident.unraw()),
                ));
            }
        }
        params.push(Param::Python {
            name: f.ident.unraw().to_string(),
            optional,
            span: pt.pat.span(),
            ty_span: crate::diag::type_span(&f.ty),
            default: f.default,
            kind: Kind::Positional,
            field: Some(Box::new(SetField {
                set: set_name.clone(),
                path: path.clone(),
                ident: f.ident,
                ty: f.ty,
                py_default: f.py_default.map(|l| l.value()),
                first: i == 0,
                span: pt.pat.span(),
            })),
        });
    }
}

/// A keyword set's fields need the `keywords` convention.
fn check_set_convention(options: &MethodOptions, params: &[Param], errors: &mut Errors) {
    if let Some((c, span)) = options.convention {
        let has_set = params
            .iter()
            .any(|p| matches!(p, Param::Python { field: Some(_), .. }));
        if c != Convention::Keywords && has_set {
            errors.push(syn::Error::new(
                span,
                "a keyword set's fields are passed by keyword: leave the calling convention out",
            ));
        }
    }
}

pub(crate) fn choose_convention(
    options: &MethodOptions,
    params: &mut [Param],
    errors: &mut Errors,
) -> Convention {
    check_set_convention(options, params, errors);
    let varargs: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p, Param::VarArgs { .. }))
        .map(|(i, _)| i)
        .collect();
    if let Some(&first) = varargs.first() {
        let span = match &params[first] {
            Param::VarArgs { span, .. } => *span,
            _ => unreachable!(),
        };
        if varargs.len() > 1 {
            errors.push(syn::Error::new(
                span,
                "only one `VarArgs` parameter may be given",
            ));
        }
        if options.signature.is_none() && params[first..].iter().any(|p| p.is_python()) {
            errors.push(syn::Error::new(
                span,
                "a `VarArgs` parameter takes the positional arguments after the named ones: \
                 put it after them (or give a `signature`)",
            ));
        }
    }
    if options.signature.is_some() {
        if let Some((_, span)) = options.convention {
            errors.push(syn::Error::new(
                span,
                "a `signature` decides the calling convention: leave this out",
            ));
        }
        let keyword_capable = params.iter().any(|p| {
            matches!(p, Param::KwArgs { .. })
                || matches!(
                    p,
                    Param::Python {
                        kind: Kind::Positional | Kind::KeywordOnly,
                        ..
                    }
                )
        });
        return if keyword_capable {
            Convention::Keywords
        } else if params
            .iter()
            .any(|p| p.is_python() || matches!(p, Param::VarArgs { .. }))
        {
            Convention::VarArgs
        } else {
            Convention::NoArgs
        };
    }
    let python: Vec<_> = params.iter().filter(|p| p.is_python()).collect();
    let convention = if !varargs.is_empty() {
        if let Some((c, span)) = options.convention {
            if c != Convention::VarArgs {
                errors.push(syn::Error::new(
                    span,
                    "`VarArgs` functions use the `varargs` convention (give a `signature` for \
                     keywords next to `*args`)",
                ));
            }
        }
        Convention::VarArgs
    } else if let Some((convention, span)) = options.convention {
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
    } else {
        // Named parameters may be passed by keyword, as in Python and
        // PyO3; `o`/`varargs` (or a `signature` with `/`) make them
        // positional-only.
        if python.is_empty() {
            Convention::NoArgs
        } else {
            Convention::Keywords
        }
    };
    if convention != Convention::Keywords {
        for p in params.iter_mut() {
            if let Param::Python { kind, .. } = p {
                *kind = Kind::PositionalOnly;
            }
        }
    }
    convention
}

pub(crate) fn check_signature(sig: &Signature, errors: &mut Errors) {
    for e in crate::diag::handle_lifetimes(sig)
        .into_iter()
        .chain(crate::diag::mut_ref_parameter(sig))
    {
        errors.push(e);
    }
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
                let safety = crate::utils::safety(
                    "this entry is listed in the definitions of `Self`'s type only, so the \
                     interpreter passes an instance of it as `self`",
                );
                prelude.extend(quote! {
                    #[allow(unused_mut)]
                    #safety
                    let mut __hpy_recv = unsafe { ::__hpy::impl_::class::#helper::<#self_ty>(__hpy_self) }?;
                });
                deref
            }
            Param::SelfArg {
                receiver: Some((mutable, class)),
            } => {
                let is_self = matches!(class, Type::Path(p) if p.path.is_ident("Self"));
                let (helper, types) = match (*mutable, is_self) {
                    (false, true) => (quote!(self_ref), quote!(#self_ty)),
                    (true, true) => (quote!(self_mut), quote!(#self_ty)),
                    // `Ref<.., Name>`: unchecked when `Name` is the class
                    // itself (`self_ref_as` compares the types).
                    (false, false) => (quote!(self_ref_as), quote!(#self_ty, #class)),
                    (true, false) => (quote!(self_mut_as), quote!(#self_ty, #class)),
                };
                let safety = crate::utils::safety(
                    "this entry is listed in the definitions of `Self`'s type only, so `self` \
                     is an instance of it (the interpreter passes one, or an operator slot \
                     checked it first)",
                );
                prelude.extend(quote! {
                    #safety
                    let __hpy_slf = unsafe { ::__hpy::impl_::class::#helper::<#types>(__hpy_self) }?;
                });
                quote!(__hpy_slf)
            }
            Param::SelfArg { receiver: None } => {
                quote!(::__hpy::impl_::extract_self(&__hpy_self)?)
            }
            Param::Cls => quote!(::__hpy::impl_::extract_self(&__hpy_cls)?),
            Param::VarArgs { .. } => quote!(__hpy_varargs),
            Param::KwArgs { span, .. } => quote_spanned! {*span=>
                ::__hpy::impl_::FromKwargs::from_kwargs(__hpy_ctx, __hpy_kwargs)?
            },
            Param::Python {
                optional,
                ty_span,
                default,
                field,
                ..
            } => {
                let i = python_index;
                python_index += 1;
                // Spanned on the parameter's type: a type without a
                // conversion is reported there.
                match source(i) {
                    // Generated tokens only: spanned on the type, so that a
                    // parameter of the wrong type (`op: u8` for the
                    // comparison) is reported there.
                    // (Resolved as at the call site: the expression names
                    // generated locals.)
                    Source::Raw(expr) => respan(expr, Span::call_site().located_at(*ty_span)),
                    Source::Extract(slot) => match default.as_ref().map(|d| match field {
                        Some(f) => {
                            let path = &f.path;
                            let fun = format_ident!("__hpy_default_{}", f.ident.unraw());
                            quote!(#path::#fun())
                        }
                        None => default_value(d),
                    }) {
                        Some(expr) => quote_spanned! {*ty_span=>
                            ::__hpy::impl_::extract_or_default(#slot, &__HPY_DESC, #i, || #expr)?
                        },
                        None => {
                            let extract = if *optional {
                                quote_spanned!(*ty_span=> ::__hpy::impl_::extract_optional)
                            } else {
                                quote_spanned!(*ty_span=> ::__hpy::impl_::extract_required)
                            };
                            quote_spanned!(*ty_span=> #extract(#slot, &__HPY_DESC, #i)?)
                        }
                    },
                }
            }
        })
        .collect();
    let args = build_sets(params, args);
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

/// The arguments with each keyword set's fields replaced by the set, built
/// with the constructor its derive wrote.
fn build_sets(params: &[Param], args: Vec<TokenStream>) -> Vec<TokenStream> {
    let mut out: Vec<TokenStream> = Vec::new();
    let mut set: Option<(&syn::Path, Vec<TokenStream>)> = None;
    let flush = |set: &mut Option<(&syn::Path, Vec<TokenStream>)>, out: &mut Vec<TokenStream>| {
        if let Some((path, fields)) = set.take() {
            out.push(quote!(#path::__hpy_new(#(#fields),*)));
        }
    };
    for (param, arg) in params.iter().zip(args) {
        match param {
            Param::Python { field: Some(f), .. } => {
                if f.first {
                    flush(&mut set, &mut out);
                    set = Some((&f.path, Vec::new()));
                }
                set.as_mut()
                    .expect("a set starts at its first field")
                    .1
                    .push(arg);
            }
            _ => {
                flush(&mut set, &mut out);
                out.push(arg);
            }
        }
    }
    flush(&mut set, &mut out);
    out
}

/// `call` (a block) as an expression spanned on the function's return
/// type, so that a missing conversion of the result is reported there.
pub(crate) fn at_return(call: TokenStream, output: &syn::ReturnType) -> TokenStream {
    match output {
        syn::ReturnType::Default => call,
        syn::ReturnType::Type(_, ty) => {
            // The block keeps its contents; only its braces move.
            let mut tokens = call.clone().into_iter();
            match (tokens.next(), tokens.next()) {
                (Some(proc_macro2::TokenTree::Group(g)), None) => {
                    let mut block = proc_macro2::Group::new(g.delimiter(), g.stream());
                    block.set_span(crate::diag::type_span(ty));
                    proc_macro2::TokenTree::Group(block).into()
                }
                _ => quote_spanned!(crate::diag::type_span(ty)=> { #call }),
            }
        }
    }
}

/// The `FunctionDescription` constant of a generated body: the one
/// description every function has, whatever its shape (a plain `fn f(a, b)`
/// is the case without `/`, `*`, `*args` or `**kwargs`), and the static of
/// its interned parameter names (made at the first keyword call).
/// `py_name` is the name its errors give: a string, or a constant
/// expression (a class's constructor names the class, which only the
/// `#[class]` expansion knows).
pub(crate) fn description(py_name: impl ToTokens, params: &[Param]) -> TokenStream {
    let python: Vec<(&str, bool, Kind)> = params
        .iter()
        .filter_map(|p| match p {
            Param::Python {
                name,
                optional,
                kind,
                ..
            } => Some((name.as_str(), *optional, *kind)),
            _ => None,
        })
        .collect();
    let names = python.iter().map(|(n, _, _)| *n);
    let count = |f: fn(&(&str, bool, Kind)) -> bool| python.iter().filter(|p| f(p)).count();
    let positional_only = count(|(_, _, k)| *k == Kind::PositionalOnly);
    let positional = count(|(_, _, k)| *k != Kind::KeywordOnly);
    let required_positional = python[..positional]
        .iter()
        .take_while(|(_, optional, _)| !optional)
        .count();
    let required = python.iter().map(|(_, optional, _)| !optional);
    let varargs = params.iter().any(|p| matches!(p, Param::VarArgs { .. }));
    let kwargs = params.iter().any(|p| matches!(p, Param::KwArgs { .. }));
    // Interned names only where a keyword can name a parameter.
    let n = python.len();
    let (interned, names_ref) = if positional_only < n {
        (
            quote! {
                static __HPY_NAMES: [::__hpy::impl_::InternedName; #n] =
                    [const { ::__hpy::impl_::InternedName::new() }; #n];
            },
            quote!(&__HPY_NAMES),
        )
    } else {
        (quote!(), quote!(&[]))
    };
    quote! {
        #interned
        const __HPY_DESC: ::__hpy::impl_::FunctionDescription = ::__hpy::impl_::FunctionDescription {
            name: #py_name,
            params: &[#(#names),*],
            positional_only: #positional_only,
            positional: #positional,
            required_positional: #required_positional,
            required: &[#(#required),*],
            varargs: #varargs,
            kwargs: #kwargs,
            names: #names_ref,
        };
    }
}

/// The statements that parse a call's arguments with the runtime's parser
/// (`parse` for `Args`, `parse_new` for a constructor's `NewArgs`) into
/// `__hpy_slots`, `__hpy_varargs` and `__hpy_kwargs`.
pub(crate) fn parse_args(params: &[Param], new: bool) -> TokenStream {
    let n_python = params.iter().filter(|p| p.is_python()).count();
    let varargs = params.iter().any(|p| matches!(p, Param::VarArgs { .. }));
    let kwargs = params.iter().any(|p| matches!(p, Param::KwArgs { .. }));
    // Only what the body uses is bound: the rest is dropped at once.
    let fields = [
        (n_python > 0).then(|| quote!(slots: __hpy_slots,)),
        varargs.then(|| quote!(varargs: __hpy_varargs,)),
        kwargs.then(|| quote!(kwargs: __hpy_kwargs,)),
    ];
    let pattern = quote!(::__hpy::impl_::Parsed { #(#fields)* .. });
    if !new && n_python > 0 && !varargs && !kwargs {
        // The slots alone: a smaller result, kept out of memory.
        return quote! {
            let __hpy_slots = __HPY_DESC.parse_slots::<#n_python>(&__hpy_args)?;
        };
    }
    if !new {
        return quote! {
            let #pattern = __HPY_DESC.parse::<#n_python>(&__hpy_args)?;
        };
    }
    if n_python == 0 && !varargs && !kwargs {
        // No parameters: the common call without arguments costs one
        // emptiness check; any argument is parsed (out of line) for its
        // error. The closure takes a copy of the arguments, made only on
        // that path (a reference would keep them in memory on every call).
        return quote! {
            if !__hpy_args.is_empty() {
                ::__hpy::impl_::cold(move || {
                    __HPY_DESC.parse_new::<0>(&__hpy_args, &mut ::std::vec::Vec::new()).map(::core::mem::drop)
                })?;
            }
        };
    }
    if n_python > 0 && !varargs && !kwargs {
        return quote! {
            let mut __hpy_keep = ::std::vec::Vec::new();
            let __hpy_slots = __HPY_DESC.parse_new_slots::<#n_python>(&__hpy_args, &mut __hpy_keep)?;
        };
    }
    quote! {
        let mut __hpy_keep = ::std::vec::Vec::new();
        let #pattern = __HPY_DESC.parse_new::<#n_python>(&__hpy_args, &mut __hpy_keep)?;
    }
}

/// The Rust expression of a default: as written, except that a string
/// literal also serves a `String` parameter (`Into`).
fn default_value(expr: &syn::Expr) -> TokenStream {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(_),
            ..
        }) => quote!(::core::convert::Into::into(#expr)),
        _ => quote!(#expr),
    }
}

/// The `__text_signature__` of a function or method, e.g.
/// `($self, a, b=2, /, *args, c, **kwargs)`; `first` is `$self`, `$cls`
/// or nothing.
pub(crate) fn text_signature(params: &[Param], first: Option<&str>) -> String {
    let mut parts: Vec<String> = first.map(str::to_owned).into_iter().collect();
    let mut open_positional_only = false;
    let mut star = false;
    for p in params {
        match p {
            Param::Python {
                name,
                optional,
                default,
                kind,
                field,
                ..
            } => {
                if *kind != Kind::PositionalOnly && open_positional_only {
                    parts.push("/".into());
                    open_positional_only = false;
                }
                open_positional_only |= *kind == Kind::PositionalOnly;
                if *kind == Kind::KeywordOnly && !star {
                    parts.push("*".into());
                    star = true;
                }
                let py_default = field.as_ref().and_then(|f| f.py_default.as_ref());
                let shown = match default {
                    Some(_) if py_default.is_some() => {
                        format!("{name}={}", py_default.expect("checked"))
                    }
                    Some(expr) => format!("{name}={}", python_default(expr)),
                    None if *optional => format!("{name}=None"),
                    None => name.clone(),
                };
                parts.push(shown);
            }
            Param::VarArgs { name, .. } => {
                if open_positional_only {
                    parts.push("/".into());
                    open_positional_only = false;
                }
                parts.push(format!("*{name}"));
                star = true;
            }
            Param::KwArgs { name, .. } => {
                if open_positional_only {
                    parts.push("/".into());
                    open_positional_only = false;
                }
                parts.push(format!("**{name}"));
            }
            _ => {}
        }
    }
    if open_positional_only {
        parts.push("/".into());
    }
    format!("({})", parts.join(", "))
}

/// A default value as Python source, for `__text_signature__`: literals
/// and `None` as they are, anything else as `...`.
fn python_default(expr: &syn::Expr) -> String {
    use syn::{Expr, Lit};
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_digits().to_owned(),
            Lit::Float(f) => f.base10_digits().to_owned(),
            Lit::Bool(b) => if b.value { "True" } else { "False" }.to_owned(),
            Lit::Str(s)
                if s.value().chars().all(|c| c == ' ' || c.is_ascii_graphic())
                    && !s.value().contains(['"', '\\']) =>
            {
                format!("\"{}\"", s.value())
            }
            _ => "...".to_owned(),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match python_default(&u.expr) {
            text if text != "..." && !text.starts_with('"') => format!("-{text}"),
            _ => "...".to_owned(),
        },
        Expr::Path(p) if p.path.is_ident("None") => "None".to_owned(),
        Expr::Call(c)
            if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Some"))
                && c.args.len() == 1 =>
        {
            python_default(&c.args[0])
        }
        Expr::Group(g) => python_default(&g.expr),
        Expr::Paren(p) => python_default(&p.expr),
        _ => "...".to_owned(),
    }
}

/// The docstring with a `name(signature)\n--\n\n` header in front, which
/// CPython turns into `__text_signature__` (and strips from `__doc__`);
/// a docstring that already starts with one is kept as it is.
/// The `__text_signature__` of a callable: a `text_signature = "..."`
/// option as written (with `first`, e.g. `$self`, put in front unless it
/// starts with `$`), else the one made from `params`.
pub(crate) fn chosen_text_signature(
    options: &MethodOptions,
    params: &[Param],
    first: Option<&str>,
) -> String {
    let Some(lit) = &options.text_signature else {
        return text_signature(params, first);
    };
    let text = lit.value();
    let inner = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(&text);
    match first {
        Some(first) if !inner.starts_with('$') => {
            if inner.trim().is_empty() {
                format!("({first})")
            } else {
                format!("({first}, {inner})")
            }
        }
        _ => format!("({inner})"),
    }
}

pub(crate) fn doc_with_signature(
    name: &str,
    signature: &str,
    doc: Option<String>,
) -> Option<String> {
    if doc
        .as_deref()
        .is_some_and(|d| d.starts_with(&format!("{name}(")) && d.contains("\n--\n\n"))
    {
        return doc;
    }
    Some(format!(
        "{name}{signature}\n--\n\n{}",
        doc.unwrap_or_default()
    ))
}

/// The JSON list of a callable's Python parameters: name, kind (`posonly`,
/// `pos`, `kwonly`, `args`, `kwargs`), annotation and whether it has a
/// default. `types` are the Rust types of `params`, in order.
pub(crate) fn params_json(params: &[Param], types: &[&Type]) -> String {
    let mut out = Vec::new();
    let mut types = types.iter();
    for param in params {
        // A keyword set is one Rust parameter for all its fields.
        let rust_ty = match param {
            Param::Python { field: Some(f), .. } if !f.first => None,
            _ => types.next().copied(),
        };
        let ty: &Type = match (param, rust_ty) {
            (Param::Python { field: Some(f), .. }, _) => &f.ty,
            (_, Some(t)) => t,
            (_, None) => break,
        };
        let entry = match param {
            Param::Python {
                name,
                optional,
                kind,
                ..
            } => {
                let kind = match kind {
                    Kind::PositionalOnly => "posonly",
                    Kind::Positional => "pos",
                    Kind::KeywordOnly => "kwonly",
                };
                crate::stubs::json_object(&[
                    ("name", crate::stubs::json_str(name)),
                    ("kind", crate::stubs::json_str(kind)),
                    (
                        "ty",
                        crate::stubs::json_str(&crate::stubs::py_type(
                            ty,
                            crate::stubs::Position::Param,
                        )),
                    ),
                    ("default", optional.to_string()),
                ])
            }
            Param::VarArgs { name, .. } => crate::stubs::json_object(&[
                ("name", crate::stubs::json_str(name)),
                ("kind", crate::stubs::json_str("args")),
                ("ty", crate::stubs::json_str("typing.Any")),
                ("default", "false".to_owned()),
            ]),
            Param::KwArgs { name, .. } => crate::stubs::json_object(&[
                ("name", crate::stubs::json_str(name)),
                ("kind", crate::stubs::json_str("kwargs")),
                ("ty", crate::stubs::json_str("typing.Any")),
                ("default", "false".to_owned()),
            ]),
            _ => continue,
        };
        out.push(entry);
    }
    format!("[{}]", out.join(","))
}

/// The Rust types of a signature's inputs, in order (receivers included,
/// as `Self`), to pair with its classified [`Param`]s.
pub(crate) fn input_types(sig: &syn::Signature) -> Vec<&Type> {
    sig.inputs
        .iter()
        .map(|input| match input {
            syn::FnArg::Typed(t) => &*t.ty,
            syn::FnArg::Receiver(r) => &*r.ty,
        })
        .collect()
}

/// The description of one callable (a function or a method).
pub(crate) fn callable_json(
    role: &str,
    name: &str,
    sig: &syn::Signature,
    params: &[Param],
    doc: Option<&str>,
    text_signature: Option<String>,
) -> String {
    crate::stubs::json_object(&[
        ("k", crate::stubs::json_str(role)),
        ("name", crate::stubs::json_str(name)),
        ("params", params_json(params, &input_types(sig))),
        (
            "ret",
            crate::stubs::json_str(&crate::stubs::return_type(&sig.output)),
        ),
        ("doc", crate::stubs::json_opt(doc)),
        (
            "text_sig",
            crate::stubs::json_opt(text_signature.as_deref()),
        ),
    ])
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
    /// The function's return type, where a missing conversion is reported.
    pub output: &'a syn::ReturnType,
    /// `__next__`: an `Option` result, `None` ending the iteration.
    pub iterator_next: bool,
    /// Statements the body starts with (a class method's `__hpy_cls`).
    pub preamble: TokenStream,
}

/// The trait impl for a callable and the expression of its `HPyDef`.
pub(crate) fn callable_entry(
    c: &Callable<'_>,
    c_name: &proc_macro2::Literal,
    doc_expr: &TokenStream,
) -> (TokenStream, TokenStream) {
    let mut source = |i: usize| match c.convention {
        Convention::O => Source::Extract(quote!(::core::option::Option::Some(&__hpy_arg))),
        _ => Source::Extract(quote!(::__hpy::impl_::present(&__hpy_slots[#i]))),
    };
    let (prelude, call) = call_user(c.params, &c.callee, c.self_ty, &mut source);
    let call = at_return(call, c.output);
    // Spanned on the return type: a type without a conversion is reported
    // there. The context local keeps the call site's span, so that it
    // resolves even when the type comes from a `macro_rules!`.
    let ctx = quote!(__hpy_ctx);
    let ret_span = match c.output {
        syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
        syn::ReturnType::Default => Span::call_site(),
    };
    let ret = if c.iterator_next {
        let conv = quote_spanned!(ret_span=> ::__hpy::impl_::dunders::return_next(#ctx, #call));
        quote! { #prelude #conv }
    } else {
        let conv = quote_spanned!(ret_span=> ::__hpy::impl_::return_object(#ctx, #call));
        quote! { #prelude #conv }
    };
    let desc = description(&c.py_name, c.params);
    let self_param = quote!(__hpy_self: ::__hpy::Borrowed<'_, 'ctx>);
    let (trait_name, signature, body, builder) = match c.convention {
        Convention::NoArgs => (
            quote!(MethNoArgs),
            quote!(__hpy_ctx: ::__hpy::Context<'ctx>, #self_param),
            ret,
            quote!(meth_noargs),
        ),
        Convention::O => (
            quote!(MethO),
            quote!(__hpy_ctx: ::__hpy::Context<'ctx>, #self_param, __hpy_arg: ::__hpy::Borrowed<'_, 'ctx>),
            quote!(#desc #ret),
            quote!(meth_o),
        ),
        Convention::VarArgs | Convention::Keywords => {
            let parse = parse_args(c.params, false);
            (
                quote!(MethArgs),
                quote!(__hpy_ctx: ::__hpy::Context<'ctx>, #self_param, __hpy_args: ::__hpy::impl_::Args<'_, 'ctx>),
                quote!(#desc #parse #ret),
                if c.convention == Convention::VarArgs {
                    quote!(meth_varargs)
                } else {
                    quote!(meth_keywords)
                },
            )
        }
    };
    let preamble = &c.preamble;
    let py_name = &c.py_name;
    let entry = &c.entry;
    let imp = quote! {
        #[allow(clippy::all, unused_variables)]
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::#trait_name for #entry {
            const NAME: &'static str = #py_name;

            #BODY_INLINE
            fn call<'ctx>(#signature) -> ::__hpy::HPyResult<::__hpy::impl_::HPy> {
                #preamble
                #body
            }
        }
    };
    (
        imp,
        quote!(::__hpy::impl_::#builder::<#entry>(#c_name, #doc_expr)),
    )
}

/// The function with `#[inline]` added unless it says how to inline
/// already: its one caller is the generated entry, and inlined there its
/// by-value arguments are not copied into its frame (xxhash's
/// `xxh64_intdigest`: 17 instructions of 1029 a call, when `Buffer` was
/// 120 bytes).
fn inline_hint(mut func: ItemFn) -> ItemFn {
    if !func.attrs.iter().any(|a| a.path().is_ident("inline")) {
        func.attrs.push(syn::parse_quote!(#[inline]));
    }
    func
}

/// Expands `#[hpy_method(attr)] item`.
pub fn expand_hpy_method(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item.clone())?;
    let attribute = quote!(#[::__hpy::hpy_method(#attr)]);
    if let crate::keywords::Prepared::Callback(tokens) = crate::keywords::prepare(
        &mut func.attrs,
        std::iter::once(&mut func.sig),
        &item,
        attribute,
    )? {
        let krate = MethodOptions::parse(attr, &mut Errors::default()).krate;
        return Ok(with_crate_path(tokens, krate.as_ref()));
    }
    let mut errors = Errors::default();
    if let Some(attr) = func.attrs.iter().find(|a| a.path().is_ident("pyo3")) {
        errors.push(syn::Error::new_spanned(
            attr,
            "PyO3's `#[pyo3(...)]` options go in the attribute itself: \
             `#[hpy_method(signature = (...), name = \"...\")]`",
        ));
    }
    let options = MethodOptions::parse(attr, &mut errors);
    check_signature(&func.sig, &mut errors);
    let mut params =
        classify_params_with(&func.sig, false, options.signature.as_ref(), &mut errors);
    let convention = choose_convention(&options, &mut params, &mut errors);

    let rust_name = &func.sig.ident;
    let py_name = options
        .name
        .as_ref()
        .map_or_else(|| rust_name.unraw().to_string(), LitStr::value);
    let name_span = options.name.as_ref().map_or(rust_name.span(), LitStr::span);
    let mut names = vec![(py_name, name_span, rust_name.clone())];
    for alias in &options.aliases {
        match syn::parse_str::<syn::Ident>(&alias.value()) {
            Ok(ident) => names.push((alias.value(), alias.span(), respan_ident(ident, alias.span()))),
            Err(_) => errors.push(syn::Error::new(
                alias.span(),
                "an `alias` is another Python name for the function, a Python identifier: `alias = \"encode\"`",
            )),
        }
    }
    let mut entries = TokenStream::new();
    for (py_name, span, entry) in names {
        let pieces = FunctionEntry {
            func: &func,
            options: &options,
            params: &params,
            convention,
            py_name,
            name_span: span,
            entry,
        };
        if let Some(tokens) = pieces.expand(&mut errors) {
            entries.extend(tokens);
        }
    }
    errors.finish()?;
    let mut emitted = inline_hint(func.clone());
    crate::keywords::strip_param_attrs(&mut emitted.sig);
    let expansion = quote! {
        #emitted
        #entries
    };
    Ok(with_crate_path(expansion, options.krate.as_ref()))
}

fn respan_ident(mut ident: syn::Ident, span: Span) -> syn::Ident {
    ident.set_span(span);
    ident
}

/// One Python function made from a `#[hpy_method]` function: under its
/// name, or under an `alias`.
struct FunctionEntry<'a> {
    func: &'a ItemFn,
    options: &'a MethodOptions,
    params: &'a [Param],
    convention: Convention,
    py_name: String,
    name_span: Span,
    /// The type the entry's traits are implemented for (the function's
    /// name, or the alias).
    entry: syn::Ident,
}

impl FunctionEntry<'_> {
    fn expand(self, errors: &mut Errors) -> Option<TokenStream> {
        let FunctionEntry {
            func,
            options,
            params,
            convention,
            py_name,
            name_span,
            entry,
        } = self;
        let rust_name = &func.sig.ident;
        let c_name = c_string_literal(&py_name, name_span);
        if c_name.is_none() {
            errors.push(syn::Error::new(
                name_span,
                "the Python name cannot contain a NUL character",
            ));
        }
        // (A name with a NUL is reported once, not again through the doc.)
        let doc = match c_name {
            Some(_) => doc_with_signature(
                &py_name,
                &chosen_text_signature(options, params, None),
                docstring(&func.attrs),
            ),
            None => docstring(&func.attrs),
        };
        let doc_expr = doc_option(doc, rust_name.span(), errors);
        let c_name = c_name?;
        let stub = callable_json(
            "fn",
            &py_name,
            &func.sig,
            params,
            docstring(&func.attrs).as_deref(),
            options
                .text_signature
                .as_ref()
                .map(|_| chosen_text_signature(options, params, None)),
        ) + "\n";

        let callable = Callable {
            entry: quote!(#entry),
            py_name,
            convention,
            params,
            callee: quote!(#rust_name),
            self_ty: None,
            output: &func.sig.output,
            iterator_next: false,
            preamble: TokenStream::new(),
        };
        let (imp, def) = callable_entry(&callable, &c_name, &doc_expr);
        let vis = &func.vis;
        // A braced struct lives only in the type namespace, so it can share the
        // function's name: `hpy_module!` names it by the function's path, and
        // inside the impls the name still resolves to the function — at module
        // level or inside a function body alike. An alias's struct has the
        // alias's name.
        Some(quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis struct #entry {}

            const _: () = {
                #imp

                #ENTRY_SAFETY
                unsafe impl ::__hpy::impl_::PyMethod for #entry {
                    const DEF: ::__hpy::impl_::HPyDef = #def;
                    const STUB: &'static str = #stub;
                }
            };
        })
    }
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
                "meth_keywords",
            ),
            (
                quote!(),
                quote!(
                    fn f(x: Option<i64>) {}
                ),
                "meth_keywords",
            ),
            (
                quote!(),
                quote!(
                    fn f(a: i64, b: i64) {}
                ),
                "meth_keywords",
            ),
            (
                quote!(o),
                quote!(
                    fn f(x: i64) {}
                ),
                "meth_o",
            ),
            (
                quote!(varargs),
                quote!(
                    fn f(a: i64, b: i64) {}
                ),
                "meth_varargs",
            ),
            (
                quote!(),
                quote!(
                    fn f(a: i64, rest: VarArgs<'_, '_>) {}
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
