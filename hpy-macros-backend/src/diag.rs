//! Checks of the user's tokens that turn common mistakes into one short
//! error naming the fix, before they become trait-bound errors about
//! generated code (a `Handle` field, an `Rc` in a class, a returned handle
//! without the call's lifetime, a misspelt option).

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

/// ` (did you mean `x`?)` when `got` is one edit or transposition away
/// from an entry of `known` (or differs only in case or a trailing `s`),
/// else nothing.
pub(crate) fn did_you_mean(got: &syn::Path, known: &[&str]) -> String {
    let Some(got) = got.get_ident().map(ToString::to_string) else {
        return String::new();
    };
    known
        .iter()
        .filter(|k| close(&got, k))
        .min_by_key(|k| distance(&got, k))
        .map_or_else(String::new, |k| format!(" (did you mean `{k}`?)"))
}

fn close(got: &str, known: &str) -> bool {
    let d = distance(&got.to_lowercase(), &known.to_lowercase());
    d <= 1 || (d == 2 && known.len() >= 6)
}

/// Optimal-string-alignment distance (edits and adjacent swaps).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The span to report a type's missing conversion on: the name of a path
/// type (`Config` in `crate::Config`), the referent of a reference (`Path`
/// in `&Path`), the brackets of a slice or array. (A span covering several
/// tokens needs `Span::join`, which stable proc macros lack.)
///
/// The span is the user's, hygiene included: generated code spanned with it
/// must not name generated locals (`__hpy_ctx`), which a type written in a
/// `macro_rules!` would not see; interpolate those with the call site's
/// span instead.
pub(crate) fn type_span(ty: &Type) -> Span {
    type_location(ty)
}

fn type_location(ty: &Type) -> Span {
    match ty {
        Type::Reference(r) => type_location(&r.elem),
        Type::Group(g) => type_location(&g.elem),
        Type::Paren(p) => type_location(&p.elem),
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| ty.span(), |s| s.ident.span()),
        Type::Slice(s) => s.bracket_token.span.join(),
        Type::Array(a) => a.bracket_token.span.join(),
        Type::Tuple(t) => t.paren_token.span.join(),
        _ => ty.span(),
    }
}

/// Calls `f` on the last segment of every path inside `ty` (generic
/// arguments, references, tuples, arrays and slices included), with the
/// path's first segment.
fn each_segment(ty: &Type, f: &mut dyn FnMut(&syn::PathSegment, &syn::PathSegment)) {
    match ty {
        Type::Path(p) => {
            if let Some(q) = &p.qself {
                each_segment(&q.ty, f);
            }
            if let (Some(first), Some(last)) = (p.path.segments.first(), p.path.segments.last()) {
                f(first, last);
            }
            for seg in &p.path.segments {
                if let PathArguments::AngleBracketed(args) = &seg.arguments {
                    for arg in &args.args {
                        if let GenericArgument::Type(t) = arg {
                            each_segment(t, f);
                        }
                    }
                }
            }
        }
        Type::Reference(r) => each_segment(&r.elem, f),
        Type::Ptr(p) => each_segment(&p.elem, f),
        Type::Slice(s) => each_segment(&s.elem, f),
        Type::Array(a) => each_segment(&a.elem, f),
        Type::Group(g) => each_segment(&g.elem, f),
        Type::Paren(p) => each_segment(&p.elem, f),
        Type::Tuple(t) => t.elems.iter().for_each(|e| each_segment(e, f)),
        _ => {}
    }
}

/// The error for a class field whose type cannot live in object data: a
/// handle or context (valid for one call) or an `Rc` (not `Send`).
pub(crate) fn class_field_error(ty: &Type) -> Option<syn::Error> {
    let mut found: Option<syn::Error> = None;
    each_segment(ty, &mut |first, seg| {
        // `Handle` or `hpy::...::Handle`, not another crate's `Handle`;
        // `Rc` or `std::rc::Rc`.
        let ours = |krate: &str| std::ptr::eq(first, seg) || first.ident == krate;
        if found.is_some() {
            return;
        }
        let span = seg.ident.span();
        found = match seg.ident.to_string().as_str() {
            "Handle" | "Borrowed" if ours("hpy") => Some(syn::Error::new(
                span,
                "a class cannot hold a `Handle`: a handle lasts one call. Keep a `hpy::Field` \
                 instead (stored with `Ref::store`, read with `Ref::load`), or a `hpy::Global` \
                 for a value every object shares",
            )),
            "Context" if ours("hpy") => Some(syn::Error::new(
                span,
                "a class cannot hold a `Context`: each call gets its own. Take \
                 `ctx: Context<'ctx>` as a method parameter instead",
            )),
            "Caught" if ours("hpy") => Some(syn::Error::new(
                span,
                "a class cannot hold a caught exception: it holds handles for one call. Keep \
                 its value in a `hpy::Field` (`caught.value()`) instead",
            )),
            "Rc" if ours("std") || first.ident == "alloc" => Some(syn::Error::new(
                span,
                "a class's value must be `Send` (Python may free the object on any thread \
                 holding the interpreter): use `std::sync::Arc` instead of `Rc`",
            )),
            _ => None,
        };
    });
    found
}

/// The error for PyO3's `#[pyo3(...)]` on a class field.
pub(crate) fn pyo3_field_attr(attrs: &[syn::Attribute]) -> Option<syn::Error> {
    let attr = attrs.iter().find(|a| a.path().is_ident("pyo3"))?;
    Some(syn::Error::new_spanned(
        attr,
        "hpy-rs exposes a field with `#[member(get, set)]` (or `#[member]`) or read-only \
         `#[member(get)]`, not `#[pyo3(get, set)]`",
    ))
}

/// The handle types whose lifetime is a call's: `Handle`, `Borrowed`,
/// `Caught` and `Context` (bare or under `hpy::`).
fn call_bound(first: &syn::PathSegment, seg: &syn::PathSegment) -> bool {
    let ours = std::ptr::eq(first, seg) || first.ident == "hpy";
    ours && matches!(
        seg.ident.to_string().as_str(),
        "Handle" | "Borrowed" | "Caught" | "Context"
    )
}

/// The errors for the call's lifetime written wrong in a signature, which
/// rustc would report as lifetime errors about generated code (with
/// suggestions to change the attribute): a returned handle without a
/// lifetime (`-> Handle`), with `'_` next to `&self` (that is `self`'s
/// lifetime, not the call's), or anywhere with `'static`.
pub(crate) fn handle_lifetimes(sig: &syn::Signature) -> Vec<syn::Error> {
    let fn_name = &sig.ident;
    let receiver = match sig.receiver() {
        Some(r) if r.mutability.is_some() => "&mut self, ",
        Some(_) => "&self, ",
        None => "",
    };
    let example =
        format!("`fn {fn_name}<'ctx>({receiver}ctx: Context<'ctx>, ...) -> Handle<'ctx>`");
    let mut errors = Vec::new();
    let statics = |ty: &Type, errors: &mut Vec<syn::Error>| {
        each_segment(ty, &mut |first, seg| {
            if let Some(lt) = call_bound(first, seg)
                .then(|| lifetime_named(&seg.arguments, "static"))
                .flatten()
            {
                errors.push(syn::Error::new(
                    lt,
                    format!(
                        "a `{}` lasts one call, so it is never `'static`: write the call's \
                         lifetime, e.g. {example}; to keep an object past the call, store it \
                         in a `hpy::Global` (or a `hpy::Field` of an object)",
                        seg.ident
                    ),
                ));
            }
        });
    };
    for input in &sig.inputs {
        if let syn::FnArg::Typed(pt) = input {
            statics(&pt.ty, &mut errors);
            borrow_with_the_calls_lifetime(&pt.ty, fn_name, &mut errors);
        }
    }
    let ReturnType::Type(_, ty) = &sig.output else {
        return errors;
    };
    statics(ty, &mut errors);
    let mut missing: Option<Span> = None;
    let mut elided: Option<Span> = None;
    each_segment(ty, &mut |first, seg| {
        if !call_bound(first, seg) || seg.ident == "Context" {
            return;
        }
        if !has_lifetime(&seg.arguments) {
            missing.get_or_insert(seg.span());
        } else if let Some(lt) = lifetime_named(&seg.arguments, "_") {
            elided.get_or_insert(lt);
        }
    });
    if let Some(span) = missing {
        errors.push(syn::Error::new(
            span,
            format!(
                "a returned handle lives as long as the call: name its lifetime, e.g. {example}"
            ),
        ));
    }
    if let (Some(span), Some(_)) = (elided, sig.receiver()) {
        errors.push(syn::Error::new(
            span,
            format!(
                "next to `self`, `'_` is the lifetime of the borrow of `self`, not the \
                 call's: name the call's lifetime, e.g. {example}"
            ),
        ));
    }
    errors
}

/// `&'a Handle<'a>` (rustc's own suggestion for a returned handle): the
/// reference to an argument lasts only while the arguments are converted,
/// shorter than the call, so giving it the handle's lifetime fails (E0716
/// at the attribute). The handle keeps the lifetime; the reference drops it.
fn borrow_with_the_calls_lifetime(ty: &Type, fn_name: &syn::Ident, errors: &mut Vec<syn::Error>) {
    let Type::Reference(reference) = ty else {
        return;
    };
    let Some(lt) = &reference.lifetime else {
        return;
    };
    if lt.ident == "_" || lt.ident == "static" {
        return;
    }
    let mut ties = None;
    each_segment(&reference.elem, &mut |first, seg| {
        if ties.is_none()
            && call_bound(first, seg)
            && lifetime_named(&seg.arguments, &lt.ident.to_string()).is_some()
        {
            ties = Some(seg.ident.to_string());
        }
    });
    if let Some(handle) = ties {
        errors.push(syn::Error::new(
            lt.span(),
            format!(
                "a borrowed argument lasts only while the arguments are read, not the whole \
                 call, so `&{lt} {handle}<{lt}>` cannot be: leave the reference's lifetime out \
                 and name the call's `'ctx`, e.g. `fn {fn_name}<'ctx>(x: &{handle}<'ctx>) -> \
                 HPyResult<{handle}<'ctx>>`"
            ),
        ));
    }
}

/// The span of the lifetime argument `'name` among `args`, if there is one.
fn lifetime_named(args: &PathArguments, name: &str) -> Option<Span> {
    let PathArguments::AngleBracketed(a) = args else {
        return None;
    };
    a.args.iter().find_map(|g| match g {
        GenericArgument::Lifetime(lt) if lt.ident == name => Some(lt.span()),
        _ => None,
    })
}

/// The error for a parameter borrowed `&mut`, which rustc would answer
/// with a suggestion to borrow it again (`&mut &mut T`).
pub(crate) fn mut_ref_parameter(sig: &syn::Signature) -> Vec<syn::Error> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(pt) => match &*pt.ty {
                Type::Reference(r) if r.mutability.is_some() => Some(syn::Error::new(
                    r.mutability.span(),
                    "a Python argument cannot be borrowed `&mut` (Python shares the object \
                     with the caller): take `&Handle<'ctx>` for the object, a value \
                     (`Vec<T>`, `String`, ...) for a converted copy, or `RefMut<'_, 'ctx, C>` \
                     to change a class's value",
                )),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

fn has_lifetime(args: &PathArguments) -> bool {
    matches!(args, PathArguments::AngleBracketed(a)
        if a.args.iter().any(|g| matches!(g, GenericArgument::Lifetime(_))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let known = ["name", "module", "subclass", "keywords"];
        let p = |s: &str| syn::parse_str::<syn::Path>(s).unwrap();
        assert_eq!(
            did_you_mean(&p("subclas"), &known),
            " (did you mean `subclass`?)"
        );
        assert_eq!(
            did_you_mean(&p("keyword"), &known),
            " (did you mean `keywords`?)"
        );
        assert_eq!(did_you_mean(&p("nmae"), &known), " (did you mean `name`?)");
        assert_eq!(did_you_mean(&p("frobnicate"), &known), "");
    }

    #[test]
    fn field_types() {
        let t = |s: &str| syn::parse_str::<Type>(s).unwrap();
        assert!(class_field_error(&t("Option<Handle<'static>>")).is_some());
        assert!(class_field_error(&t("Vec<(u8, hpy::Context<'ctx>)>")).is_some());
        assert!(class_field_error(&t("std::rc::Rc<u8>")).is_some());
        assert!(class_field_error(&t("Option<hpy::Field>")).is_none());
        assert!(class_field_error(&t("std::sync::Arc<Vec<u8>>")).is_none());
        // Another crate's `Handle` or `Context` is not ours.
        assert!(class_field_error(&t("tokio::runtime::Handle")).is_none());
        assert!(class_field_error(&t("Vec<other::Context>")).is_none());
        assert!(class_field_error(&t("::hpy::Handle<'static>")).is_some());
    }

    /// The signature of `fn ... {}` written as `s`.
    fn sig(s: &str) -> syn::Signature {
        syn::parse_str::<syn::ItemFn>(&format!("{s} {{}}"))
            .unwrap()
            .sig
    }

    #[test]
    fn returned_handles() {
        let errs = |s: &str| -> Vec<String> {
            handle_lifetimes(&sig(s))
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        let err = errs("fn get(&self) -> HPyResult<Handle>");
        assert!(err[0].contains("fn get<'ctx>(&self, ctx"), "{err:?}");
        assert!(errs("fn get<'ctx>(x: Handle<'ctx>) -> Handle<'ctx>").is_empty());
        assert!(errs("fn rt() -> tokio::runtime::Handle").is_empty());
        // `'static`, in parameters and results, with the type's name.
        let err = errs("fn keep(x: &Handle<'static>) -> Option<hpy::Handle<'static>>");
        assert_eq!(err.len(), 2, "{err:?}");
        assert!(err[0].contains("a `Handle` lasts one call") && err[0].contains("hpy::Global"));
        assert!(errs("fn f(ctx: Context<'static>)")[0].contains("a `Context` lasts"));
        assert!(errs("fn name() -> std::borrow::Cow<'static, str>").is_empty());
        // `'_` is the call's lifetime without `self`, `self`'s with it.
        assert!(errs("fn f(ctx: Context<'_>) -> Handle<'_>").is_empty());
        assert!(errs("fn f(&self, ctx: Context<'_>) -> Handle<'_>")[0].contains("next to `self`"));
    }

    #[test]
    fn mut_parameters() {
        assert_eq!(
            mut_ref_parameter(&sig("fn f(&mut self, x: &mut Vec<f64>, y: &str)")).len(),
            1
        );
        assert!(mut_ref_parameter(&sig("fn f(&mut self, x: &Handle<'ctx>)")).is_empty());
    }
}
