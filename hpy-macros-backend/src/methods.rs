//! `#[hpy_methods]`: an impl block becomes the class's methods. The role of
//! each item (method, `#[new]`/`#[init]`, `#[classattr]`, getter/setter,
//! slot, buffer) and the code for the roles that are not slots.

use crate::utils::{BODY_INLINE, ENTRY_SAFETY};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{ImplItem, ImplItemFn, ItemImpl, LitStr, Type};

use crate::attributes::{
    constructor_signature, explicit_slot, method_attr_options, parse_methods_options,
    property_name, MethodOptions, SigSpec,
};
use crate::block::{self_ty_name, Generated};
use crate::class_level::{option_checks, ClassLevel, Level};
use crate::method::{
    at_return, call_user, callable_entry, check_signature, choose_convention,
    chosen_text_signature, classify_params, classify_params_with, description, doc_with_signature,
    parse_args, text_signature, Callable, Param, Source,
};
use crate::slots::{gen_ass_subscript, gen_buffer, gen_slot};
use crate::tables::{SlotKind, DUNDERS, PUBLISHED, UNSUPPORTED};
use crate::utils::{c_string_literal, doc_option, docstring, with_crate_path, Errors};

pub(crate) enum Role {
    Buffer,
    Method(MethodOptions),
    /// `#[staticmethod]` or `#[classmethod]`.
    ClassLevel(Level, MethodOptions),
    New(Option<SigSpec>),
    Init(Option<SigSpec>),
    ClassAttr,
    Getter(String),
    Setter(String),
    Slot(String, SlotKind, Span),
}

/// Removes our attributes from a method and says what it is.
pub(crate) fn role_of(method: &mut ImplItemFn, errors: &mut Errors) -> Role {
    let rust_name = method.sig.ident.unraw().to_string();
    let mut role = None;
    let mut kept = Vec::new();
    for attr in method.attrs.drain(..) {
        let path = attr.path();
        if path.is_ident("pyo3") {
            errors.push(syn::Error::new_spanned(
                &attr,
                "in an #[hpy_methods] block, PyO3's `#[pyo3(...)]` is written \
                 `#[method(signature = (...), name = \"...\")]`",
            ));
            continue;
        }
        if path
            .segments
            .last()
            .is_some_and(|s| s.ident == "hpy_method")
        {
            errors.push(syn::Error::new_spanned(
                &attr,
                "#[hpy_methods] exposes every method of the block: remove `#[hpy_method]` \
                 (its options go in `#[method(...)]`)",
            ));
            continue;
        }
        let found = if path.is_ident("new") {
            Some(Role::New(constructor_signature(&attr, errors)))
        } else if path.is_ident("init") {
            Some(Role::Init(constructor_signature(&attr, errors)))
        } else if path.is_ident("classattr") {
            Some(Role::ClassAttr)
        } else if path.is_ident("getter") {
            let name = property_name(&attr, errors);
            Some(Role::Getter(name.unwrap_or_else(|| {
                rust_name
                    .strip_prefix("get_")
                    .unwrap_or(&rust_name)
                    .to_owned()
            })))
        } else if path.is_ident("setter") {
            let name = property_name(&attr, errors);
            Some(Role::Setter(name.unwrap_or_else(|| {
                rust_name
                    .strip_prefix("set_")
                    .unwrap_or(&rust_name)
                    .to_owned()
            })))
        } else if path.is_ident("slot") {
            explicit_slot(&attr, errors).map(|(slot, kind, span)| Role::Slot(slot, kind, span))
        } else if path.is_ident("method") {
            Some(Role::Method(method_attr_options(&attr, errors)))
        } else if path.is_ident("staticmethod") {
            Some(Role::ClassLevel(
                Level::Static,
                method_attr_options(&attr, errors),
            ))
        } else if path.is_ident("classmethod") {
            Some(Role::ClassLevel(
                Level::Class,
                method_attr_options(&attr, errors),
            ))
        } else {
            kept.push(attr);
            None
        };
        if let Some(r) = found {
            if role.is_some() {
                errors.push(syn::Error::new(
                    method.sig.ident.span(),
                    "a method can have only one hpy role attribute",
                ));
            }
            role = Some(r);
        }
    }
    method.attrs = kept;
    if let Some(role) = role {
        return role;
    }
    if rust_name == "__buffer__" {
        return Role::Buffer;
    }
    if let Some((_, why)) = UNSUPPORTED.iter().find(|(n, _)| *n == rust_name) {
        errors.push(syn::Error::new(
            method.sig.ident.span(),
            format!("`{rust_name}` cannot be a Python slot: {why}"),
        ));
    }
    if let Some((_, slot, kind, _)) = DUNDERS.iter().find(|(n, _, _, _)| *n == rust_name) {
        return Role::Slot((*slot).to_owned(), *kind, method.sig.ident.span());
    }
    if DUNDERS
        .iter()
        .any(|(_, _, _, r)| *r == Some(rust_name.as_str()))
    {
        // A reflected operator: handled together with its forward method.
        return Role::Slot(String::new(), SlotKind::Number, method.sig.ident.span());
    }
    Role::Method(MethodOptions::default())
}

/// A generic block: an error unless its class is generic (which
/// `#[hpy_class]` reports, once), and the block as written.
fn generic_block(imp: ItemImpl, mut errors: Errors) -> syn::Result<TokenStream> {
    let generic_class = matches!(&*imp.self_ty, Type::Path(p)
        if p.path.segments.iter().any(|s| !s.arguments.is_empty()));
    if !generic_class {
        errors.push(syn::Error::new(
            imp.generics.span(),
            "#[hpy_methods] blocks cannot be generic: the class is one concrete type",
        ));
    }
    errors.finish()?;
    // Generating entry points for the methods of a generic class would
    // only add errors about the parameters they cannot name.
    Ok(quote!(#imp))
}

/// The role attributes whose methods may have an `alias`.
const ALIASED_ROLES: [&str; 3] = ["method", "staticmethod", "classmethod"];

/// The copies of `f` that its `alias = "..."` options ask for: one method
/// per alias that calls `f`, with `f`'s parameters, docs and options (but
/// `name`). A special method's name (`alias = "__and__"`) makes the copy
/// that special method, named so in Rust; any other name becomes the copy's
/// Python `name`.
pub(crate) fn alias_copies(f: &ImplItemFn, errors: &mut Errors) -> Vec<ImplItemFn> {
    let Some((at, role_attr)) = f.attrs.iter().enumerate().find(|(_, a)| {
        ALIASED_ROLES.iter().any(|r| a.path().is_ident(r)) && matches!(a.meta, syn::Meta::List(_))
    }) else {
        return Vec::new();
    };
    let syn::Meta::List(list) = &role_attr.meta else {
        return Vec::new();
    };
    // Each `key = value` or word of the attribute, as written (a comma
    // inside `signature = (...)` is inside a group).
    let mut entries: Vec<TokenStream> = vec![TokenStream::new()];
    for tt in list.tokens.clone() {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => {
                entries.push(TokenStream::new())
            }
            _ => entries.last_mut().expect("never empty").extend([tt]),
        }
    }
    let key = |e: &TokenStream| match e.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Ident(i)) => i.to_string(),
        _ => String::new(),
    };
    let aliases: Vec<LitStr> = entries
        .iter()
        .filter(|e| key(e) == "alias")
        .filter_map(|e| syn::parse2::<syn::MetaNameValue>(e.clone()).ok())
        .filter_map(|nv| match nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s),
            _ => None,
        })
        .collect();
    if aliases.is_empty() {
        return Vec::new();
    }
    let kept: Vec<&TokenStream> = entries
        .iter()
        .filter(|e| !e.is_empty() && !matches!(key(e).as_str(), "alias" | "name"))
        .collect();
    let role = role_attr.path().clone();
    let Some(call) = forwarding_call(f) else {
        return Vec::new();
    };
    let special = crate::options::special_methods();
    let mut copies = Vec::new();
    for alias in aliases {
        let name = alias.value();
        let Ok(ident) = syn::parse_str::<syn::Ident>(&name) else {
            errors.push(syn::Error::new(
                alias.span(),
                format!(
                    "`alias = \"{name}\"` is not a Python identifier; an alias is another \
                     name for the method, e.g. `alias = \"__and__\"`"
                ),
            ));
            continue;
        };
        let is_slot = special.contains(&name.as_str()) && !PUBLISHED.contains(&name.as_str());
        let mut copy = f.clone();
        copy.attrs.remove(at);
        if is_slot {
            if !role.is_ident("method") {
                errors.push(syn::Error::new(
                    alias.span(),
                    format!(
                        "`{name}` is a special method: only a `#[method]` can be its alias, \
                         not a `#[{}]`",
                        role.get_ident().map_or(String::new(), |i| i.to_string())
                    ),
                ));
                continue;
            }
            copy.sig.ident = syn::Ident::new(&name, alias.span());
        } else {
            copy.sig.ident = format_ident!("__hpy_alias_{}", ident, span = alias.span());
            copy.attrs
                .push(syn::parse_quote!(#[#role(#(#kept,)* name = #alias)]));
        }
        // The copy only passes its parameters on.
        for input in copy.sig.inputs.iter_mut() {
            if let syn::FnArg::Typed(t) = input {
                if let syn::Pat::Ident(p) = &mut *t.pat {
                    p.mutability = None;
                }
            }
        }
        copy.attrs.push(syn::parse_quote!(#[doc(hidden)]));
        copy.block = syn::parse_quote!({ #call });
        copies.push(copy);
    }
    copies
}

/// `Self::f(a, b, ...)` with `f`'s parameters, for an alias's body; `None`
/// if a parameter is a pattern rather than a name (which the method itself
/// reports: "parameters must be plain identifiers").
fn forwarding_call(f: &ImplItemFn) -> Option<TokenStream> {
    let mut args = Vec::new();
    for input in &f.sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => args.push(quote_spanned!(r.span()=> self)),
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() => {
                    let name = &p.ident;
                    args.push(quote!(#name));
                }
                _ => return None,
            },
        }
    }
    let name = &f.sig.ident;
    Some(quote!(Self::#name(#(#args),*)))
}

/// The role of every method of the block (its attributes removed), and of
/// the copies its aliases ask for (added to the block).
fn roles_of(imp: &mut ItemImpl, errors: &mut Errors) -> Vec<(ImplItemFn, Role)> {
    let mut copies = Vec::new();
    for it in &imp.items {
        if let ImplItem::Fn(f) = it {
            copies.extend(alias_copies(f, errors));
        }
    }
    imp.items.extend(copies.into_iter().map(ImplItem::Fn));
    let mut roles = Vec::new();
    for it in imp.items.iter_mut() {
        if let ImplItem::Fn(f) = it {
            let role = role_of(f, errors);
            roles.push((f.clone(), role));
        }
    }
    roles
}

/// Whether the block has an `#[init]`; reports one without a `#[new]`.
fn check_init_has_new(roles: &[(ImplItemFn, Role)], errors: &mut Errors) -> bool {
    let Some((f, _)) = roles.iter().find(|(_, r)| matches!(r, Role::Init(_))) else {
        return false;
    };
    if !roles.iter().any(|(_, r)| matches!(r, Role::New(_))) {
        errors.push(syn::Error::new(
            f.sig.ident.span(),
            "an #[init] needs a #[new] without parameters that makes the value it then \
             initialises, e.g. `#[new] fn new() -> Self { Self::default() }`",
        ));
    }
    true
}

/// A `#[getter]` (with its `#[setter]`, if any) becomes one getset; a
/// `#[setter]` alone is an error.
fn gen_property_role(
    out: &mut Generated,
    roles: &[(ImplItemFn, Role)],
    f: &ImplItemFn,
    role: &Role,
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) {
    match role {
        Role::Getter(name) => {
            let setter = roles.iter().enumerate().find_map(|(i, (g, r))| match r {
                Role::Setter(n) if n == name => Some((i, g)),
                _ => None,
            });
            gen_getset(out, f, setter, name, entry, self_ty, errors);
        }
        Role::Setter(name) => {
            if !roles
                .iter()
                .any(|(_, r)| matches!(r, Role::Getter(n) if n == name))
            {
                errors.push(syn::Error::new(
                    f.sig.ident.span(),
                    format!("setter `{name}` has no #[getter]"),
                ));
            }
        }
        _ => unreachable!("called for properties only"),
    }
}

/// Expands `#[hpy_methods] impl T { ... }`.
pub fn expand_hpy_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut imp: ItemImpl = syn::parse2(item.clone())?;
    let mut errors = Errors::default();
    if let Some(callback) = keyword_sets(&mut imp, &attr, &item)? {
        return Ok(callback);
    }
    let krate = parse_methods_options(attr, &mut errors);
    if imp.trait_.is_some() {
        errors.push(syn::Error::new(
            imp.span(),
            "#[hpy_methods] goes on an inherent impl block, not a trait impl",
        ));
    }
    let self_ty = (*imp.self_ty).clone();

    // First pass: roles (and strip our attributes).
    let roles = roles_of(&mut imp, &mut errors);
    imp.items.iter_mut().for_each(|item| {
        if let syn::ImplItem::Fn(f) = item {
            crate::keywords::strip_param_attrs(&mut f.sig);
        }
    });

    if !imp.generics.params.is_empty() {
        return generic_block(imp, errors);
    }

    let mut out = Generated {
        items: TokenStream::new(),
        defs: Vec::new(),
        properties: Vec::new(),
        class_attrs: TokenStream::new(),
        ass_subscript_done: false,
    };
    let find = |name: &str| find_method(&roles, name);
    let has_init = check_init_has_new(&roles, &mut errors);
    // The constructor's `__text_signature__` (from `#[init]` if there is
    // one, else `#[new]`).
    let mut text_sig: Option<String> = None;
    let mut class_level = ClassLevel::default();
    let stub_items: Vec<String> = roles
        .iter()
        .filter_map(|(f, role)| method_item_json(f, role, has_init))
        .collect();
    for (index, (f, role)) in roles.iter().enumerate() {
        check_signature(&f.sig, &mut errors);
        let entry = format_ident!("__HpyEntry{}_{}", index, f.sig.ident.unraw());
        let slot = match role {
            Role::Slot(slot, _, _) if !slot.is_empty() => Some(slot.as_str()),
            _ => None,
        };
        out.items.extend(option_checks(
            f,
            slot,
            matches!(role, Role::Setter(_)),
            &self_ty,
        ));
        match role {
            Role::ClassLevel(level, options) => {
                class_level.add(f, *level, options, &entry, &self_ty, &mut errors);
            }
            Role::Method(options) => {
                gen_method(&mut out, f, options, &entry, &self_ty, &mut errors);
            }
            Role::New(spec) => {
                let sig = gen_new(
                    &mut out,
                    f,
                    spec.as_ref(),
                    &entry,
                    &self_ty,
                    has_init,
                    &mut errors,
                );
                if !has_init {
                    text_sig = Some(sig);
                }
            }
            Role::Init(spec) => {
                text_sig = Some(gen_init(
                    &mut out,
                    f,
                    spec.as_ref(),
                    &entry,
                    &self_ty,
                    &mut errors,
                ));
            }
            Role::ClassAttr => gen_class_attr(&mut out, f, &self_ty, &mut errors),
            Role::Buffer => gen_buffer(&mut out, f, &self_ty, &mut errors),
            Role::Getter(_) | Role::Setter(_) => {
                gen_property_role(&mut out, &roles, f, role, &entry, &self_ty, &mut errors);
            }
            Role::Slot(slot, kind, span) => {
                gen_slot_role(
                    &mut out,
                    &roles,
                    f,
                    (slot, *kind, *span),
                    &entry,
                    &self_ty,
                    &mut errors,
                );
            }
        }
    }
    errors.finish()?;

    let flags = TableFlags {
        defines_new: roles.iter().any(|(_, r)| matches!(r, Role::New(_))),
        defines_richcmp: find("__richcmp__").is_some(),
        defines_hash: roles
            .iter()
            .any(|(_, r)| matches!(r, Role::Slot(slot, _, _) if slot == "HPy_tp_hash")),
    };
    let stub = methods_json(&self_ty_name(&self_ty), &stub_items);
    let expansion = methods_impl(&imp, &self_ty, out, class_level, text_sig, flags, &stub);
    Ok(with_crate_path(expansion, krate.as_ref()))
}

/// Fills in the keyword sets of the block's methods, or returns the
/// expansion that asks an unknown set's macro for its fields.
fn keyword_sets(
    imp: &mut ItemImpl,
    attr: &TokenStream,
    item: &TokenStream,
) -> syn::Result<Option<TokenStream>> {
    let sigs = imp.items.iter_mut().filter_map(|i| match i {
        syn::ImplItem::Fn(f) => Some(&mut f.sig),
        _ => None,
    });
    let attribute = quote!(#[::__hpy::hpy_methods(#attr)]);
    match crate::keywords::prepare(&mut imp.attrs, sigs, item, attribute)? {
        crate::keywords::Prepared::Ready => Ok(None),
        crate::keywords::Prepared::Callback(tokens) => {
            let krate = parse_methods_options(attr.clone(), &mut Errors::default());
            Ok(Some(with_crate_path(tokens, krate.as_ref())))
        }
    }
}

/// What the block's table says about the slots it fills.
struct TableFlags {
    defines_new: bool,
    defines_richcmp: bool,
    defines_hash: bool,
}

/// The block's `ClassItems` table and its `MethodItems` impl: the
/// definitions, properties and class attributes collected in `out`, after
/// the impl block itself.
fn methods_impl(
    imp: &ItemImpl,
    self_ty: &Type,
    out: Generated,
    class_level: ClassLevel,
    text_sig: Option<String>,
    flags: TableFlags,
    stub: &str,
) -> TokenStream {
    let Generated {
        mut items,
        defs,
        properties,
        class_attrs,
        ass_subscript_done: _,
    } = out;
    let (level_items, class_level) = class_level.finish();
    items.extend(level_items);
    let n = defs.len();
    let n_properties = properties.len();
    let class_attributes = if class_attrs.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        items.extend(quote! {
            fn __hpy_class_attributes(__hpy_ty: &::__hpy::Handle<'_>) -> ::__hpy::HPyResult<()> {
                #class_attrs
                ::core::result::Result::Ok(())
            }
        });
        quote!(::core::option::Option::Some(__hpy_class_attributes))
    };
    let new_signature = match text_sig {
        Some(sig) => quote!(::core::option::Option::Some(#sig)),
        None => quote!(::core::option::Option::None),
    };
    let TableFlags {
        defines_new,
        defines_richcmp,
        defines_hash,
    } = flags;
    // `gen_new` wrote the static.
    let new_method = if defines_new {
        quote!(::core::option::Option::Some(&__HPY_NEW_METHOD))
    } else {
        quote!(::core::option::Option::None)
    };
    let methods_safety =
        crate::utils::safety("the table above is the one `#[hpy_methods]` wrote for this class");
    quote! {
        #imp

        #[allow(non_camel_case_types, dead_code, unused_variables, clippy::all)]
        const _: () = {
            #items

            static __HPY_METHOD_DEFS: [::__hpy::impl_::StaticDef; #n] = [#(::__hpy::impl_::StaticDef::new(#defs)),*];
            static __HPY_PROPERTIES: [::__hpy::impl_::class::PropertyMethods; #n_properties] = [#(#properties),*];
            static __HPY_METHOD_ITEMS: ::__hpy::impl_::class::ClassItems = ::__hpy::impl_::class::ClassItems {
                defs: &__HPY_METHOD_DEFS,
                properties: &__HPY_PROPERTIES,
                class_level: #class_level,
                class_attributes: #class_attributes,
                new_signature: #new_signature,
                defines_new: #defines_new,
                new_method: #new_method,
                defines_richcmp: #defines_richcmp,
                defines_hash: #defines_hash,
                variants: &[],
            };

            #methods_safety
            unsafe impl ::__hpy::impl_::class::MethodItems for #self_ty {
                fn items() -> &'static ::__hpy::impl_::class::ClassItems {
                    &__HPY_METHOD_ITEMS
                }

                const STUB: &'static str = #stub;
            }
        };
    }
}

/// The description of one item of an `#[hpy_methods]` block, or `None`
/// for items Python sees no name for (`__buffer__`). Classifies the
/// parameters again with the options of the item's role (errors are the
/// generators' to report).
pub(crate) fn method_item_json(
    f: &syn::ImplItemFn,
    role: &crate::methods::Role,
    has_init: bool,
) -> Option<String> {
    use crate::class_level::Level;
    use crate::method::{
        choose_convention, classify_classmethod_params, classify_params, classify_params_with,
    };
    use syn::ext::IdentExt;
    let mut scratch = crate::utils::Errors::default();
    let rust_name = f.sig.ident.unraw().to_string();
    let doc = crate::utils::docstring(&f.attrs);
    let name_of = |options: &crate::attributes::MethodOptions| {
        options
            .name
            .as_ref()
            .map_or_else(|| rust_name.clone(), syn::LitStr::value)
    };
    let text_sig = |options: &crate::attributes::MethodOptions| {
        options.text_signature.as_ref().map(syn::LitStr::value)
    };
    let line = match role {
        Role::Method(options) => {
            let mut params =
                classify_params_with(&f.sig, true, options.signature.as_ref(), &mut scratch);
            choose_convention(options, &mut params, &mut scratch);
            crate::method::callable_json(
                "method",
                &name_of(options),
                &f.sig,
                &params,
                doc.as_deref(),
                text_sig(options),
            )
        }
        Role::ClassLevel(level, options) => {
            let spec = options.signature.as_ref();
            let mut params = match level {
                Level::Static => classify_params_with(&f.sig, false, spec, &mut scratch),
                Level::Class => classify_classmethod_params(&f.sig, spec, &mut scratch)?,
            };
            choose_convention(options, &mut params, &mut scratch);
            let kind = match level {
                Level::Static => "staticmethod",
                Level::Class => "classmethod",
            };
            crate::method::callable_json(
                kind,
                &name_of(options),
                &f.sig,
                &params,
                doc.as_deref(),
                text_sig(options),
            )
        }
        Role::New(spec) => {
            let mut sig = f.sig.clone();
            if let Some(syn::FnArg::Receiver(_)) = sig.inputs.first() {
                sig.inputs = sig.inputs.into_iter().skip(1).collect();
            }
            let params = classify_params_with(&sig, false, spec.as_ref(), &mut scratch);
            let kind = if has_init { "new_for_init" } else { "new" };
            crate::method::callable_json(kind, "__new__", &sig, &params, doc.as_deref(), None)
        }
        Role::Init(spec) => {
            let params = classify_params_with(&f.sig, true, spec.as_ref(), &mut scratch);
            crate::method::callable_json("init", "__init__", &f.sig, &params, doc.as_deref(), None)
        }
        Role::ClassAttr => {
            crate::method::callable_json("classattr", &rust_name, &f.sig, &[], doc.as_deref(), None)
        }
        Role::Getter(name) => {
            crate::method::callable_json("getter", name, &f.sig, &[], doc.as_deref(), None)
        }
        Role::Setter(name) => {
            let params = classify_params(&f.sig, true, &mut scratch);
            crate::method::callable_json("setter", name, &f.sig, &params, doc.as_deref(), None)
        }
        Role::Slot(slot, _, _) => {
            let params = classify_params(&f.sig, true, &mut scratch);
            let mut line = crate::method::callable_json(
                "slot",
                &rust_name,
                &f.sig,
                &params,
                doc.as_deref(),
                None,
            );
            line.pop();
            line.push_str(&format!(",\"slot\":{}}}", crate::stubs::json_str(slot)));
            line
        }
        Role::Buffer => return None,
    };
    Some(line)
}

/// The JSON line of an `#[hpy_methods]` block: the class (its Rust name)
/// and its items.
pub(crate) fn methods_json(rust_class: &str, items: &[String]) -> String {
    crate::stubs::json_object(&[
        ("k", crate::stubs::json_str("methods")),
        ("rust", crate::stubs::json_str(rust_class)),
        ("items", format!("[{}]", items.join(","))),
    ]) + "\n"
}

/// The method of `roles` named `name` (its Rust name, raw prefix dropped).
fn find_method<'a>(roles: &'a [(ImplItemFn, Role)], name: &str) -> Option<&'a ImplItemFn> {
    roles
        .iter()
        .find(|(f, _)| f.sig.ident.unraw() == name)
        .map(|(f, _)| f)
}

/// A special method that fills a slot (`slot` empty for a reflected
/// operator, generated with its forward method).
fn gen_slot_role(
    out: &mut Generated,
    roles: &[(ImplItemFn, Role)],
    f: &ImplItemFn,
    (slot, kind, span): (&str, SlotKind, Span),
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) {
    let rust_name = f.sig.ident.clone();
    if slot.is_empty() {
        // reflected operator: generated with its forward method
        let fwd = DUNDERS
            .iter()
            .find(|(_, _, _, r)| *r == Some(&*rust_name.unraw().to_string()));
        if let Some((fwd_name, slot, kind, _)) = fwd {
            if find_method(roles, fwd_name).is_none() {
                gen_slot(
                    out,
                    None,
                    Some(f),
                    slot,
                    *kind,
                    entry,
                    self_ty,
                    span,
                    errors,
                );
            }
        }
        return;
    }
    if kind == SlotKind::AssSubscript {
        if out.ass_subscript_done {
            return;
        }
        out.ass_subscript_done = true;
        gen_ass_subscript(
            out,
            find_method(roles, "__setitem__"),
            find_method(roles, "__delitem__"),
            entry,
            self_ty,
            errors,
        );
        return;
    }
    let reflected = DUNDERS
        .iter()
        .find(|(n, _, _, _)| rust_name.unraw() == *n)
        .and_then(|(_, _, _, r)| r.and_then(|name| find_method(roles, name)));
    gen_slot(
        out,
        Some(f),
        reflected,
        slot,
        kind,
        entry,
        self_ty,
        span,
        errors,
    );
    if slot == "HPy_mp_length" {
        let entry2 = format_ident!("{}_sq", entry);
        gen_slot(
            out,
            Some(f),
            None,
            "HPy_sq_length",
            kind,
            &entry2,
            self_ty,
            span,
            errors,
        );
    }
}

/// An ordinary method (`&self`, `&mut self` or `slf` first).
fn gen_method(
    out: &mut Generated,
    f: &ImplItemFn,
    options: &MethodOptions,
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) {
    let rust_name = f.sig.ident.clone();
    let mut params = classify_params_with(&f.sig, true, options.signature.as_ref(), errors);
    if !params
        .iter()
        .any(|p| matches!(p, Param::Receiver { .. } | Param::SelfArg { .. }))
    {
        errors.push(syn::Error::new(
            rust_name.span(),
            "a Python method takes `&self`, `&mut self` or `slf` first; mark a function \
             without them #[staticmethod], or #[classmethod] if it takes the class",
        ));
        return;
    }
    let convention = choose_convention(options, &mut params, errors);
    let py_name = options
        .name
        .as_ref()
        .map_or_else(|| rust_name.unraw().to_string(), LitStr::value);
    let name_span = options.name.as_ref().map_or(rust_name.span(), LitStr::span);
    let Some(c_name) = c_string_literal(&py_name, name_span) else {
        errors.push(syn::Error::new(
            name_span,
            "the Python name cannot contain a NUL character",
        ));
        return;
    };
    let doc = doc_with_signature(
        &py_name,
        &chosen_text_signature(options, &params, Some("$self")),
        docstring(&f.attrs),
    );
    let doc = doc_option(doc, rust_name.span(), errors);
    let callable = Callable {
        entry: quote!(#entry),
        py_name,
        convention,
        params: &params,
        callee: quote!(<#self_ty>::#rust_name),
        self_ty: Some(self_ty),
        output: &f.sig.output,
        iterator_next: rust_name == "__next__",
        preamble: TokenStream::new(),
    };
    if PUBLISHED.contains(&callable.py_name.as_str()) {
        let name = &callable.py_name;
        out.class_attrs.extend(quote! {
            ::__hpy::impl_::dunders::publish(__hpy_ty, #name)?;
        });
    }
    let (imp_tokens, def) = callable_entry(&callable, &c_name, &doc);
    out.items.extend(quote! { struct #entry; #imp_tokens });
    out.defs.push(def);
}

/// Returns the constructor's text signature.
pub(crate) fn gen_new(
    out: &mut Generated,
    f: &ImplItemFn,
    spec: Option<&SigSpec>,
    entry: &syn::Ident,
    self_ty: &Type,
    has_init: bool,
    errors: &mut Errors,
) -> String {
    let mut sig = f.sig.clone();
    if let Some(syn::FnArg::Receiver(r)) = sig.inputs.first() {
        errors.push(syn::Error::new(
            r.span(),
            "#[new] makes the value, so it takes no `self`: write `fn new(x: T, ...) -> Self`",
        ));
        sig.inputs = sig.inputs.into_iter().skip(1).collect();
    }
    let params = classify_params_with(&sig, false, spec, errors);
    let rust_name = &f.sig.ident;
    // The Python class's name, as CPython's constructors give it
    // (`int() got an unexpected keyword argument 'x'`).
    let py_name = quote!(<#self_ty as ::__hpy::HPyClass>::INFO.python_name());
    let n_python = params.iter().filter(|p| p.is_python()).count();
    if has_init && n_python > 0 {
        errors.push(syn::Error::new(
            rust_name.span(),
            "with an #[init], the #[new] takes no Python parameters: the call's arguments \
             all go to the #[init] (as `object.__new__` leaves them to `__init__`)",
        ));
    }
    let desc = description(
        quote!(<#entry as ::__hpy::impl_::class::NewFunc>::NAME),
        &params,
    );
    let callee = quote!(<#self_ty>::#rust_name);
    let (prelude, call) = call_user(&params, &callee, None, &mut |i| {
        Source::Extract(quote!(::__hpy::impl_::present(&__hpy_slots[#i])))
    });
    let parse = if has_init {
        // The arguments are the initialiser's to check.
        quote!()
    } else {
        parse_args(&params, true)
    };
    // Spanned on the return type, where a wrong one is reported.
    let ret_span = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
        syn::ReturnType::Default => f.sig.ident.span(),
    };
    let call = at_return(call, &f.sig.output);
    let into_new =
        quote_spanned!(ret_span=> ::__hpy::impl_::class::IntoNew::<#self_ty>::into_new(#call));
    out.items.extend(quote! {
        const _: () = ::core::assert!(
            <#self_ty as ::__hpy::HPyClass>::INFO.shape == ::__hpy::impl_::class::HPyType_BuiltinShape_Object,
            "#[new] is for plain classes: a class extending a builtin type is created by the builtin's \
             constructor and its Rust data starts as Default::default()",
        );
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::class::NewFunc for #entry {
            const NAME: &'static str = #py_name;
            // Inlined into the entry points as a function's body is.
            #BODY_INLINE
            fn call<'ctx>(
                __hpy_ctx: ::__hpy::Context<'ctx>,
                __hpy_cls: ::__hpy::Borrowed<'_, 'ctx>,
                __hpy_args: ::__hpy::impl_::class::NewArgs<'_, 'ctx>,
            ) -> ::__hpy::HPyResult<::__hpy::impl_::HPy> {
                #desc
                #parse
                #prelude
                let __hpy_value = #into_new?;
                ::__hpy::impl_::class::construct::<#self_ty, _>(&__hpy_cls, &__hpy_args, __hpy_value).map(::__hpy::Handle::into_raw)
            }
            #[inline]
            fn check_class(
                __hpy_cls: ::core::option::Option<&::__hpy::Handle<'_>>,
            ) -> ::__hpy::HPyResult<()> {
                ::__hpy::impl_::class::check_class_of::<#self_ty>(__hpy_cls)
            }
        }
    });
    out.items.extend(new_method_statics(&quote!(#entry), "").0);
    out.defs
        .push(quote!(::__hpy::impl_::class::slot_new::<#entry>()));
    text_signature(&params, None)
}

/// The statics of the `__new__` of hpy-rs's own that the constructor
/// `entry` (a `NewFunc`) gets on PyPy: its definition
/// (`__HPY_NEW_DEF{suffix}`) and the `ClassLevel` a table's `new_method`
/// names, returned with the tokens (`__HPY_NEW_METHOD{suffix}`).
pub(crate) fn new_method_statics(entry: &TokenStream, suffix: &str) -> (TokenStream, syn::Ident) {
    let def = format_ident!("__HPY_NEW_DEF{}", suffix);
    let method = format_ident!("__HPY_NEW_METHOD{}", suffix);
    let tokens = quote! {
        static #def: [::__hpy::impl_::StaticDef; 1] =
            [::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::new_method::<#entry>())];
        static #method: ::__hpy::impl_::class::ClassLevel =
            ::__hpy::impl_::class::ClassLevel::constructor(&#def);
    };
    (tokens, method)
}

/// `#[classattr] fn NAME() -> T` (or `fn NAME(ctx: Context) -> T`): the
/// value is set on the type object when the module creates it.
pub(crate) fn gen_class_attr(
    out: &mut Generated,
    f: &ImplItemFn,
    self_ty: &Type,
    errors: &mut Errors,
) {
    let params = classify_params(&f.sig, false, errors);
    if params.iter().any(|p| !matches!(p, Param::Context)) {
        errors.push(syn::Error::new(
            f.sig.ident.span(),
            "a #[classattr] takes no parameters, or only the `Context`",
        ));
        return;
    }
    let rust_name = &f.sig.ident;
    let py_name = rust_name.unraw().to_string();
    let callee = quote!(<#self_ty>::#rust_name);
    let (prelude, call) = call_user(&params, &callee, None, &mut |_| unreachable!());
    out.class_attrs.extend(quote! {
        {
            let __hpy_ctx = __hpy_ty.context();
            #prelude
            let __hpy_value = ::__hpy::impl_::IntoReturn::into_return(#call, __hpy_ctx)?;
            __hpy_ty.set_attr_s(#py_name, &__hpy_value)?;
        }
    });
}

/// Returns the initialiser's text signature.
pub(crate) fn gen_init(
    out: &mut Generated,
    f: &ImplItemFn,
    spec: Option<&SigSpec>,
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) -> String {
    let params = classify_params_with(&f.sig, true, spec, errors);
    if !matches!(params.first(), Some(Param::Receiver { mutable: true })) {
        errors.push(syn::Error::new(
            f.sig.ident.span(),
            "an #[init] takes `&mut self` first",
        ));
        return String::from("()");
    }
    let rust_name = &f.sig.ident;
    // `Name.__init__`, as CPython names a Python class's initialiser.
    let py_name = quote! {{
        const CLASS: &str = <#self_ty as ::__hpy::HPyClass>::INFO.python_name();
        const BYTES: [u8; CLASS.len() + ::__hpy::impl_::class::INIT_SUFFIX.len()] =
            ::__hpy::impl_::class::init_name(CLASS);
        ::__hpy::impl_::class::name_str(&BYTES)
    }};
    let desc = description(
        quote!(<#entry as ::__hpy::impl_::class::InitFunc>::NAME),
        &params,
    );
    let callee = quote!(<#self_ty>::#rust_name);
    let (prelude, call) = call_user(&params, &callee, Some(self_ty), &mut |i| {
        Source::Extract(quote!(::__hpy::impl_::present(&__hpy_slots[#i])))
    });
    let parse = parse_args(&params, true);
    let ret_span = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
        syn::ReturnType::Default => Span::call_site(),
    };
    let call = at_return(call, &f.sig.output);
    let into_init = quote_spanned!(ret_span=> ::__hpy::impl_::class::IntoInit::into_init(#call));
    out.items.extend(quote! {
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::class::InitFunc for #entry {
            const NAME: &'static str = #py_name;
            fn call<'ctx>(
                __hpy_ctx: ::__hpy::Context<'ctx>,
                __hpy_self: ::__hpy::Borrowed<'_, 'ctx>,
                __hpy_args: ::__hpy::impl_::class::NewArgs<'_, 'ctx>,
            ) -> ::__hpy::HPyResult<()> {
                #desc
                #parse
                #prelude
                #into_init
            }
        }
    });
    out.defs
        .push(quote!(::__hpy::impl_::class::slot_init::<#entry>()));
    text_signature(&params, None)
}

pub(crate) fn gen_getset(
    out: &mut Generated,
    getter: &ImplItemFn,
    setter: Option<(usize, &ImplItemFn)>,
    name: &str,
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) {
    let gparams = classify_params(&getter.sig, true, errors);
    if gparams.iter().any(Param::is_python) {
        errors.push(syn::Error::new(
            getter.sig.ident.span(),
            "a #[getter] takes only `&self` (and optionally a Context)",
        ));
        return;
    }
    let gname = &getter.sig.ident;
    let (gprelude, gcall) = call_user(
        &gparams,
        &quote!(<#self_ty>::#gname),
        Some(self_ty),
        &mut |_| unreachable!(),
    );
    let getter_entry = format_ident!("{}_get", entry);
    let setter_entry = format_ident!("{}_set", entry);
    out.items.extend(quote! {
        struct #getter_entry;
        #[allow(clippy::all, unused_variables)]
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::class::Getter for #getter_entry {
            type Class = #self_ty;
            const NAME: &'static str = #name;
            fn call<'ctx>(__hpy_ctx: ::__hpy::Context<'ctx>, __hpy_self: ::__hpy::Borrowed<'_, 'ctx>) -> ::__hpy::HPyResult<::__hpy::impl_::HPy> {
                #gprelude
                ::__hpy::impl_::return_object(__hpy_ctx, #gcall)
            }
        }
    });
    let setter_ty = if let Some((_, s)) = setter {
        let sparams = classify_params(&s.sig, true, errors);
        if sparams.iter().filter(|p| p.is_python()).count() != 1 {
            errors.push(syn::Error::new(
                s.sig.ident.span(),
                "a #[setter] takes `&mut self` (or `&self`) and the new value",
            ));
            return;
        }
        let sname = &s.sig.ident;
        let desc = description(name, &sparams);
        let (sprelude, scall) = call_user(
            &sparams,
            &quote!(<#self_ty>::#sname),
            Some(self_ty),
            &mut |_| Source::Extract(quote!(::core::option::Option::Some(&__hpy_value))),
        );
        out.items.extend(quote! {
            struct #setter_entry;
            #[allow(clippy::all, unused_variables)]
            #ENTRY_SAFETY
            unsafe impl ::__hpy::impl_::class::Setter for #setter_entry {
                type Class = #self_ty;
                const NAME: &'static str = #name;
                fn call<'ctx>(
                    __hpy_ctx: ::__hpy::Context<'ctx>,
                    __hpy_self: ::__hpy::Borrowed<'_, 'ctx>,
                    __hpy_value: ::core::option::Option<::__hpy::Borrowed<'_, 'ctx>>,
                ) -> ::__hpy::HPyResult<()> {
                    #desc
                    let ::core::option::Option::Some(__hpy_value) = __hpy_value else {
                        return ::core::result::Result::Err(::__hpy::HPyErr::attribute_error(
                            ::std::format!("cannot delete attribute '{}'", #name),
                        ));
                    };
                    #sprelude
                    ::__hpy::impl_::return_status(#scall).map(|_| ())
                }
            }
        });
        quote!(#setter_entry)
    } else {
        quote!(::__hpy::impl_::class::NoSetter<#getter_entry>)
    };
    let c_name = c_string_literal(name, getter.sig.ident.span()).expect("identifiers have no NUL");
    let doc = doc_option(docstring(&getter.attrs), getter.sig.ident.span(), errors);
    let has_setter = true; // read-only properties get a refusing setter (see NoSetter)
    out.defs.push(quote!(::__hpy::impl_::class::getset::<#getter_entry, #setter_ty>(#c_name, #doc, #has_setter)));
    // Dotted, so that no Python identifier collides with them; they show
    // in the interpreter's receiver errors ("descriptor 'x.__set__'
    // requires a 'T' object").
    let hidden = ["__get__", "__set__", "__delete__"].map(|what| {
        c_string_literal(&format!("{name}.{what}"), getter.sig.ident.span())
            .expect("identifiers have no NUL")
    });
    out.properties.push(quote! {
        ::__hpy::impl_::class::PropertyMethods::new::<#getter_entry, #setter_ty>(#c_name, #doc, [#(#hidden),*])
    });
}
