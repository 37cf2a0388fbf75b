//! `#[hpy_class]` (a struct becomes a Python class) and `#[hpy_methods]`
//! (its impl block becomes the class's methods, slots and properties).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, Fields, ImplItem, ImplItemFn, ItemImpl, ItemStruct, LitStr, Type};

use crate::class_level::{option_checks, ClassLevel, Derives, Level};
use crate::doc::{c_string_literal, docstring};
use crate::method::{
    at_return, call_user, callable_entry, check_signature, choose_convention, classify_params,
    classify_params_with, convention_from, description, doc_option, doc_with_signature,
    needs_general, parse_signature, text_signature, Callable, Convention, Errors, MethodOptions,
    Param, SigSpec, Source,
};

// ---------------------------------------------------------------- #[hpy_class]

struct ClassOptions {
    name: Option<LitStr>,
    module: Option<LitStr>,
    subclass: bool,
    shape: Option<(String, Span)>,
    base: Option<syn::Path>,
    extends: Option<syn::Path>,
    metaclass: Option<syn::Path>,
    derives: Derives,
}

/// The options of `#[hpy_class]`, for "did you mean".
const CLASS_OPTIONS: &[&str] = &[
    "name",
    "module",
    "subclass",
    "shape",
    "base",
    "extends",
    "metaclass",
    "eq",
    "ord",
    "hash",
    "frozen",
    "str",
];

/// The span of an item's keyword (`enum`, `fn`, ...), else the whole item.
fn item_keyword_span(item: &syn::Item) -> Span {
    match item {
        syn::Item::Enum(e) => e.enum_token.span,
        syn::Item::Union(u) => u.union_token.span,
        syn::Item::Fn(f) => f.sig.fn_token.span,
        syn::Item::Impl(i) => i.impl_token.span,
        other => other.span(),
    }
}

fn parse_class_options(attr: TokenStream, errors: &mut Errors) -> ClassOptions {
    let mut o = ClassOptions {
        name: None,
        module: None,
        subclass: false,
        shape: None,
        base: None,
        extends: None,
        metaclass: None,
        derives: Derives::default(),
    };
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            o.name = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("module") {
            o.module = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("subclass") {
            o.subclass = true;
        } else if meta.path.is_ident("shape") {
            let lit: LitStr = meta.value()?.parse()?;
            o.shape = Some((lit.value(), lit.span()));
        } else if meta.path.is_ident("base") {
            o.base = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("extends") {
            o.extends = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("metaclass") {
            o.metaclass = Some(meta.value()?.parse()?);
        } else if o.derives.parse(&meta.path) {
        } else {
            errors.push(meta.error(format!(
                "unknown #[hpy_class] option{}; expected one of: name, module, subclass, shape, base, \
                 extends, metaclass, eq, ord, hash, frozen, str",
                crate::diag::did_you_mean(&meta.path, CLASS_OPTIONS),
            )));
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
        }
        Ok(())
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
        errors.push(e);
    }
    o
}

/// `shape = "float"` → the HPy shape constant and the builtin base.
fn shape_of(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match name {
        "object" => ("HPyType_BuiltinShape_Object", None),
        "type" => ("HPyType_BuiltinShape_Type", Some("TypeType")),
        "int" => ("HPyType_BuiltinShape_Long", Some("LongType")),
        "float" => ("HPyType_BuiltinShape_Float", Some("FloatType")),
        "str" => ("HPyType_BuiltinShape_Unicode", Some("UnicodeType")),
        "tuple" => ("HPyType_BuiltinShape_Tuple", Some("TupleType")),
        "list" => ("HPyType_BuiltinShape_List", Some("ListType")),
        _ => return None,
    })
}

/// Whether a base/metaclass path names a context constant (`FloatType`)
/// rather than another Rust class.
fn is_constant_path(path: &syn::Path) -> bool {
    path.get_ident().map(|i| i.to_string()).is_some_and(|n| {
        n.ends_with("Type") && n.chars().next().is_some_and(char::is_uppercase) && n != "Type"
    }) || path.is_ident("Builtins")
}

/// A base/metaclass given as a path: a context constant (`FloatType`) or
/// another Rust class.
fn base_expr(path: &syn::Path) -> TokenStream {
    if is_constant_path(path) {
        quote!(::hpy::impl_::class::Base::Builtin(::hpy::Constant::#path))
    } else {
        quote!(::hpy::impl_::class::Base::Class(<#path as ::hpy::HPyClass>::type_slot))
    }
}

struct Member {
    field: syn::Ident,
    ty: Type,
    py_name: String,
    readonly: bool,
    doc: Option<String>,
    span: Span,
}

fn take_member_attr(
    attrs: &mut Vec<Attribute>,
    errors: &mut Errors,
) -> Option<(bool, Option<LitStr>)> {
    let pos = attrs.iter().position(|a| a.path().is_ident("member"))?;
    let attr = attrs.remove(pos);
    let mut readonly = false;
    let mut name = None;
    if let syn::Meta::List(_) = &attr.meta {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("readonly") {
                readonly = true;
            } else if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error(format!(
                    "unknown #[member] option{}; expected `readonly` or `name = \"...\"`",
                    crate::diag::did_you_mean(&meta.path, &["readonly", "name"]),
                )));
            }
            Ok(())
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    Some((readonly, name))
}

/// Expands `#[hpy_class(attr)] struct ...`.
pub fn expand_hpy_class(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut item: ItemStruct = match syn::parse2::<syn::Item>(item)? {
        syn::Item::Struct(s) => s,
        other => {
            return Err(syn::Error::new(
                item_keyword_span(&other),
                "#[hpy_class] goes on a struct (its fields are the object's Rust data)",
            ))
        }
    };
    let mut errors = Errors::default();
    for field in &item.fields {
        if let Some(e) = crate::diag::pyo3_field_attr(&field.attrs) {
            errors.push(e);
        }
        if let Some(e) = crate::diag::class_field_error(&field.ty) {
            errors.push(e);
        }
    }
    let options = parse_class_options(attr, &mut errors);
    options.derives.check(&mut errors);
    if !item.generics.params.is_empty() {
        errors.push(syn::Error::new(
            item.generics.span(),
            "#[hpy_class] structs cannot be generic: Python needs one concrete type",
        ));
    }

    let ident = item.ident.clone();
    let py_name = options
        .name
        .as_ref()
        .map_or_else(|| ident.unraw().to_string(), LitStr::value);
    let qualname = match &options.module {
        Some(m) => format!("{}.{py_name}", m.value()),
        None => py_name.clone(),
    };
    let c_qualname = c_string_literal(&qualname, ident.span());
    if c_qualname.is_none() {
        errors.push(syn::Error::new(
            ident.span(),
            "the class name cannot contain a NUL character",
        ));
    }
    let doc_expr = doc_option(docstring(&item.attrs), ident.span(), &mut errors);

    let (shape, default_base) = match &options.shape {
        None => ("HPyType_BuiltinShape_Object", None),
        Some((name, span)) => shape_of(name).unwrap_or_else(|| {
            errors.push(syn::Error::new(
                *span,
                "unknown shape; expected one of: object, type, int, float, str, tuple, list",
            ));
            ("HPyType_BuiltinShape_Object", None)
        }),
    };
    let shape_ident = format_ident!("{}", shape);
    let base = match (&options.base, default_base) {
        (Some(path), _) => {
            let b = base_expr(path);
            if !is_constant_path(path) {
                // The derived data would start where the base's does and
                // the base's methods would read it as theirs.
                errors.push(syn::Error::new_spanned(
                    path,
                    "`base` must be a builtin type constant (e.g. `FloatType`); to extend \
                     another Rust class, write `extends = Class`",
                ));
            }
            b
        }
        (None, Some(constant)) => {
            let c = format_ident!("{}", constant);
            quote!(::hpy::impl_::class::Base::Builtin(::hpy::Constant::#c))
        }
        (None, None) => quote!(::hpy::impl_::class::Base::Default),
    };
    let base = match &options.extends {
        Some(parent) => {
            if options.base.is_some() || options.shape.is_some() {
                errors.push(syn::Error::new_spanned(
                    parent,
                    "`extends` cannot be combined with `base` or `shape`: the class is a plain \
                     subclass of another Rust class",
                ));
            }
            quote!(::hpy::impl_::class::Base::Class(<#parent as ::hpy::HPyClass>::type_slot))
        }
        None => base,
    };
    let metaclass = match &options.metaclass {
        Some(path) => {
            let b = base_expr(path);
            quote!(::core::option::Option::Some(#b))
        }
        None => quote!(::core::option::Option::None),
    };

    // Fields: members and GC-visible `Field`s.
    let mut members = Vec::new();
    // Every field's type, for counting the `Field` slots by type (so
    // aliases, `Option<Field>` and arrays count, and a foreign type that
    // happens to be called `Field` does not).
    let field_types: Vec<Type> = item.fields.iter().map(|f| f.ty.clone()).collect();
    match &mut item.fields {
        Fields::Named(named) => {
            for field in named.named.iter_mut() {
                let fname = field.ident.clone().expect("named field");
                if let Some((readonly, name)) = take_member_attr(&mut field.attrs, &mut errors) {
                    if !readonly && options.derives.frozen.is_some() {
                        errors.push(syn::Error::new(
                            field.span(),
                            "a `frozen` class cannot have a writable #[member]: write \
                             #[member(readonly)], or remove `frozen` from #[hpy_class]",
                        ));
                    }
                    members.push(Member {
                        py_name: name.map_or_else(|| fname.unraw().to_string(), |n| n.value()),
                        field: fname,
                        ty: field.ty.clone(),
                        readonly,
                        doc: docstring(&field.attrs),
                        span: field.span(),
                    });
                }
            }
        }
        Fields::Unit => {}
        Fields::Unnamed(unnamed) => {
            for field in &unnamed.unnamed {
                if field.attrs.iter().any(|a| a.path().is_ident("member")) {
                    errors.push(syn::Error::new(
                        field.span(),
                        "#[member] needs a named field",
                    ));
                }
            }
        }
    }
    errors.finish()?;
    let c_qualname = c_qualname.expect("checked above");

    if options.subclass && options.shape.as_ref().is_some_and(|(s, _)| s != "object") {
        return Err(syn::Error::new(
            ident.span(),
            "`subclass` is only supported for plain classes: HPy 0.9 cannot locate the Rust data of a Python \
             subclass of a class that extends a builtin type",
        ));
    }
    let mut flags = vec![quote!(0)];
    if options.subclass {
        flags.push(quote!(::hpy::impl_::class::TPFLAGS_BASETYPE));
    }
    // Traversed (and tracked by the GC) when this class or a Rust ancestor
    // has `Field` slots.
    flags.push(quote!(if <Self as ::hpy::HPyClass>::HAS_FIELDS {
        ::hpy::impl_::class::TPFLAGS_HAVE_GC
    } else {
        0
    }));

    let mut member_errors = Errors::default();
    let member_defs: Vec<TokenStream> = members
        .iter()
        .map(|m| {
            let Member {
                field,
                ty,
                py_name,
                readonly,
                doc,
                span,
            } = m;
            let Some(c_name) = c_string_literal(py_name, *span) else {
                member_errors.push(syn::Error::new(
                    *span,
                    "the Python name cannot contain a NUL character",
                ));
                return TokenStream::new();
            };
            let doc = doc_option(doc.clone(), *span, &mut member_errors);
            quote_spanned! {*span=>
                ::hpy::impl_::StaticDef::new(::hpy::impl_::class::member(
                    #c_name,
                    <#ty as ::hpy::impl_::class::MemberType>::CODE,
                    <#ident as ::hpy::HPyClass>::INFO.data_offset
                        + ::hpy::impl_::class::value_offset::<#ident>()
                        + ::core::mem::offset_of!(#ident, #field),
                    #readonly,
                    #doc,
                ))
            }
        })
        .collect();
    member_errors.finish()?;
    let mut class_defs = member_defs;
    class_defs.extend(options.derives.slot_defs(&ident));
    class_defs
        .push(quote!(::hpy::impl_::StaticDef::new(::hpy::impl_::class::slot_destroy::<#ident>())));
    // Left out of the class's list unless it has `Field` slots (`HAS_FIELDS`).
    class_defs
        .push(quote!(::hpy::impl_::StaticDef::new(::hpy::impl_::class::slot_traverse::<#ident>())));
    let (basicsize, data_offset, ancestry) = match &options.extends {
        None => (
            quote!(::hpy::impl_::class::data_size::<#ident>()),
            quote!(0),
            quote!(),
        ),
        Some(parent) => (
            quote!(::hpy::impl_::class::extends_size::<#parent, #ident>()),
            quote!(::hpy::impl_::class::extends_offset::<#parent, #ident>()),
            quote! {
                const NEEDS_DESTROY: bool = ::core::mem::needs_drop::<Self>()
                    || <#parent as ::hpy::HPyClass>::NEEDS_DESTROY;

                const HAS_FIELDS: bool = <Self as ::hpy::HPyClass>::FIELD_SLOTS != 0
                    || <#parent as ::hpy::HPyClass>::HAS_FIELDS;

                unsafe fn init_ancestors(start: *mut u8) {
                    // SAFETY: forwarded; the parent's blocks come first.
                    unsafe { ::hpy::impl_::class::init_ancestor::<#parent>(start) }
                }

                unsafe fn destroy_ancestors(start: *mut u8) {
                    // SAFETY: forwarded.
                    unsafe { ::hpy::impl_::class::destroy_chain::<#parent>(start) }
                }

                unsafe fn visit_ancestors(
                    start: *mut u8,
                    visit: &mut dyn ::core::ops::FnMut(*mut ::hpy::impl_::HPyField) -> ::core::ffi::c_int,
                ) -> ::core::ffi::c_int {
                    // SAFETY: forwarded.
                    unsafe { ::hpy::impl_::class::visit_chain::<#parent>(start, visit) }
                }
            },
        ),
    };
    let parent_check = options.extends.as_ref().map(|parent| {
        quote_spanned! {parent.span()=>
            const _: () = ::core::assert!(
                <#parent as ::hpy::HPyClass>::INFO.flags & ::hpy::impl_::class::TPFLAGS_BASETYPE != 0,
                "the class named by `extends` must be declared with `subclass`",
            );

            unsafe impl ::hpy::impl_::class::Extends for #ident {
                type Parent = #parent;
            }
        }
    });
    let n_defs = class_defs.len();

    let default_value = if options.shape.as_ref().is_some_and(|(s, _)| s != "object") {
        quote!(::core::option::Option::Some(
            <Self as ::core::default::Default>::default()
        ))
    } else {
        quote!(::core::option::Option::None)
    };
    let vis = &item.vis;
    let slot_static = format_ident!("__HPY_TYPE_{}", ident);
    let class_impls = options.derives.class_impls(&ident);
    let frozen = options.derives.frozen.is_some();
    Ok(quote! {
        #item

        /// The type object of the class in the running module.
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #slot_static: ::hpy::impl_::class::TypeSlot = ::hpy::impl_::class::TypeSlot::new();

        // The one check that the value is `Send`, on the struct's name.
        const _: () = ::hpy::impl_::class::assert_class_value::<#ident>();

        const _: () = {
            // The fallback of the `Field` slot probe (0 for other types).
            #[allow(unused_imports)]
            use ::hpy::impl_::class::NoFieldSlots as _;

            #parent_check

            // SAFETY: the layout facts below are computed from the struct
            // itself; this impl is the only one the class gets.
            unsafe impl ::hpy::HPyClass for #ident {
                const FIELD_SLOTS: usize = 0 #(+ ::hpy::impl_::class::FieldProbe::<#field_types>::SLOTS)*;

                const FROZEN: bool = #frozen;

                const INFO: ::hpy::impl_::class::ClassInfo = ::hpy::impl_::class::ClassInfo {
                    qualname: #c_qualname,
                    doc: #doc_expr,
                    flags: #(#flags)|*,
                    shape: ::hpy::impl_::class::#shape_ident,
                    base: #base,
                    metaclass: #metaclass,
                    basicsize: #basicsize,
                    data_offset: #data_offset,
                };

                #ancestry

                fn type_slot() -> &'static ::hpy::impl_::class::TypeSlot {
                    &#slot_static
                }

                const TYPE_GLOBAL: *mut ::hpy::impl_::HPyGlobal = #slot_static.as_ptr();

                fn default_value() -> ::core::option::Option<Self> {
                    #default_value
                }

                fn class_defs() -> &'static [::hpy::impl_::StaticDef] {
                    static DEFS: [::hpy::impl_::StaticDef; #n_defs] = [#(#class_defs),*];
                    &DEFS
                }
            }

            impl<'ctx> ::hpy::IntoHPy<'ctx> for #ident {
                fn into_hpy(self, ctx: ::hpy::Context<'ctx>) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
                    ::hpy::impl_::class::new_instance(ctx, self)
                }
            }

            #class_impls
        };
    })
}

// -------------------------------------------------------------- #[hpy_methods]

/// What a slot's generated body does with the user method.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SlotKind {
    /// `tp_repr`, `nb_negative`, …: `fn(&self) -> R`.
    Unary,
    /// `mp_subscript`, `sq_concat`, …: `fn(&self, x: X) -> R`.
    Binary,
    /// `nb_add` etc.: with the reflected method, `NotImplemented` on a type mismatch.
    Number,
    /// `nb_power`: `fn(&self, other: X, modulo: Option<M>) -> R`.
    Power,
    /// `nb_inplace_*`: `fn(&mut self, other: X)`; returns `self`.
    InPlace,
    /// `nb_inplace_power`.
    InPlacePower,
    /// `nb_bool`: `-> bool`.
    Inquiry,
    /// `mp_length`/`sq_length`: `-> usize`.
    Len,
    /// `tp_hash`: `-> isize`.
    Hash,
    /// `sq_item`, `sq_repeat`, `sq_inplace_repeat`: `fn(&self, i: isize) -> R`.
    SsizeArg,
    /// `sq_ass_item`: `fn(&mut self, i: isize, value: Option<V>)`.
    SsizeObjArg,
    /// `mp_ass_subscript`: `__setitem__` / `__delitem__`.
    AssSubscript,
    /// `sq_contains`: `-> bool`.
    Contains,
    /// `tp_richcompare`: `fn(&self, other: X, op: RichCompareOp) -> R`.
    RichCmp,
    /// `tp_finalize`: `fn(&mut self)`.
    Finalize,
    /// `tp_call`: any parameters, keywords allowed.
    Call,
}

/// (method name, HPy slot, kind, reflected method name)
const DUNDERS: &[(&str, &str, SlotKind, Option<&str>)] = &[
    ("__repr__", "HPy_tp_repr", SlotKind::Unary, None),
    ("__str__", "HPy_tp_str", SlotKind::Unary, None),
    ("__hash__", "HPy_tp_hash", SlotKind::Hash, None),
    ("__call__", "HPy_tp_call", SlotKind::Call, None),
    ("__richcmp__", "HPy_tp_richcompare", SlotKind::RichCmp, None),
    ("__del__", "HPy_tp_finalize", SlotKind::Finalize, None),
    ("__bool__", "HPy_nb_bool", SlotKind::Inquiry, None),
    ("__len__", "HPy_mp_length", SlotKind::Len, None),
    ("__getitem__", "HPy_mp_subscript", SlotKind::Binary, None),
    (
        "__setitem__",
        "HPy_mp_ass_subscript",
        SlotKind::AssSubscript,
        None,
    ),
    (
        "__delitem__",
        "HPy_mp_ass_subscript",
        SlotKind::AssSubscript,
        None,
    ),
    ("__contains__", "HPy_sq_contains", SlotKind::Contains, None),
    ("__neg__", "HPy_nb_negative", SlotKind::Unary, None),
    ("__pos__", "HPy_nb_positive", SlotKind::Unary, None),
    ("__abs__", "HPy_nb_absolute", SlotKind::Unary, None),
    ("__invert__", "HPy_nb_invert", SlotKind::Unary, None),
    ("__int__", "HPy_nb_int", SlotKind::Unary, None),
    ("__float__", "HPy_nb_float", SlotKind::Unary, None),
    ("__index__", "HPy_nb_index", SlotKind::Unary, None),
    ("__add__", "HPy_nb_add", SlotKind::Number, Some("__radd__")),
    (
        "__sub__",
        "HPy_nb_subtract",
        SlotKind::Number,
        Some("__rsub__"),
    ),
    (
        "__mul__",
        "HPy_nb_multiply",
        SlotKind::Number,
        Some("__rmul__"),
    ),
    (
        "__matmul__",
        "HPy_nb_matrix_multiply",
        SlotKind::Number,
        Some("__rmatmul__"),
    ),
    (
        "__truediv__",
        "HPy_nb_true_divide",
        SlotKind::Number,
        Some("__rtruediv__"),
    ),
    (
        "__floordiv__",
        "HPy_nb_floor_divide",
        SlotKind::Number,
        Some("__rfloordiv__"),
    ),
    (
        "__mod__",
        "HPy_nb_remainder",
        SlotKind::Number,
        Some("__rmod__"),
    ),
    (
        "__divmod__",
        "HPy_nb_divmod",
        SlotKind::Number,
        Some("__rdivmod__"),
    ),
    (
        "__lshift__",
        "HPy_nb_lshift",
        SlotKind::Number,
        Some("__rlshift__"),
    ),
    (
        "__rshift__",
        "HPy_nb_rshift",
        SlotKind::Number,
        Some("__rrshift__"),
    ),
    ("__and__", "HPy_nb_and", SlotKind::Number, Some("__rand__")),
    ("__or__", "HPy_nb_or", SlotKind::Number, Some("__ror__")),
    ("__xor__", "HPy_nb_xor", SlotKind::Number, Some("__rxor__")),
    ("__pow__", "HPy_nb_power", SlotKind::Power, Some("__rpow__")),
    ("__iadd__", "HPy_nb_inplace_add", SlotKind::InPlace, None),
    (
        "__isub__",
        "HPy_nb_inplace_subtract",
        SlotKind::InPlace,
        None,
    ),
    (
        "__imul__",
        "HPy_nb_inplace_multiply",
        SlotKind::InPlace,
        None,
    ),
    (
        "__imatmul__",
        "HPy_nb_inplace_matrix_multiply",
        SlotKind::InPlace,
        None,
    ),
    (
        "__itruediv__",
        "HPy_nb_inplace_true_divide",
        SlotKind::InPlace,
        None,
    ),
    (
        "__ifloordiv__",
        "HPy_nb_inplace_floor_divide",
        SlotKind::InPlace,
        None,
    ),
    (
        "__imod__",
        "HPy_nb_inplace_remainder",
        SlotKind::InPlace,
        None,
    ),
    (
        "__ilshift__",
        "HPy_nb_inplace_lshift",
        SlotKind::InPlace,
        None,
    ),
    (
        "__irshift__",
        "HPy_nb_inplace_rshift",
        SlotKind::InPlace,
        None,
    ),
    ("__iand__", "HPy_nb_inplace_and", SlotKind::InPlace, None),
    ("__ior__", "HPy_nb_inplace_or", SlotKind::InPlace, None),
    ("__ixor__", "HPy_nb_inplace_xor", SlotKind::InPlace, None),
    (
        "__ipow__",
        "HPy_nb_inplace_power",
        SlotKind::InPlacePower,
        None,
    ),
];

/// Slots given explicitly with `#[slot(NAME)]` (HPy's names without `HPy_`).
const EXPLICIT: &[(&str, SlotKind)] = &[
    ("tp_repr", SlotKind::Unary),
    ("tp_str", SlotKind::Unary),
    ("tp_hash", SlotKind::Hash),
    ("tp_call", SlotKind::Call),
    ("tp_richcompare", SlotKind::RichCmp),
    ("tp_finalize", SlotKind::Finalize),
    ("nb_bool", SlotKind::Inquiry),
    ("mp_length", SlotKind::Len),
    ("sq_length", SlotKind::Len),
    ("mp_subscript", SlotKind::Binary),
    ("sq_concat", SlotKind::Binary),
    ("sq_inplace_concat", SlotKind::Binary),
    ("sq_item", SlotKind::SsizeArg),
    ("sq_repeat", SlotKind::SsizeArg),
    ("sq_inplace_repeat", SlotKind::SsizeArg),
    ("sq_ass_item", SlotKind::SsizeObjArg),
    ("sq_contains", SlotKind::Contains),
    ("nb_negative", SlotKind::Unary),
    ("nb_positive", SlotKind::Unary),
    ("nb_absolute", SlotKind::Unary),
    ("nb_invert", SlotKind::Unary),
    ("nb_int", SlotKind::Unary),
    ("nb_float", SlotKind::Unary),
    ("nb_index", SlotKind::Unary),
];

/// Special methods HPy 0.9 has no slot for, published as ordinary methods
/// and set again on the type once it exists: CPython then fills the slot
/// (as for a class written in Python), and PyPy looks them up in the type's
/// dict anyway. `__next__` returns an `Option`: `None` ends the iteration.
const PUBLISHED: &[&str] = &[
    "__iter__",
    "__next__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__get__",
    "__set__",
    "__delete__",
    "__await__",
    "__aiter__",
    "__anext__",
];

/// Dunder names that are not methods of their own here.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("__init__", "mark the initialiser with #[init] (tp_init)"),
    ("__new__", "mark the constructor with #[new]"),
    (
        "__getbuffer__",
        "write `fn __buffer__(&self) -> &[T]` instead (read-only buffers of plain elements)",
    ),
    (
        "__releasebuffer__",
        "write `fn __buffer__(&self) -> &[T]` instead (read-only buffers of plain elements)",
    ),
    (
        "__eq__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__ne__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__lt__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__le__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__gt__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__ge__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
];

enum Role {
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
fn role_of(method: &mut ImplItemFn, errors: &mut Errors) -> Role {
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
        let found = if path.is_ident("new") || path.is_ident("init") {
            let mut spec = None;
            if let syn::Meta::List(_) = &attr.meta {
                let res = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("signature") {
                        spec = Some(parse_signature(&meta)?);
                        Ok(())
                    } else {
                        Err(meta.error("unknown option; expected `signature = (...)`"))
                    }
                });
                if let Err(e) = res {
                    errors.push(e);
                }
            }
            Some(if path.is_ident("new") {
                Role::New(spec)
            } else {
                Role::Init(spec)
            })
        } else if path.is_ident("classattr") {
            Some(Role::ClassAttr)
        } else if path.is_ident("getter") || path.is_ident("setter") {
            let is_getter = path.is_ident("getter");
            let mut name = None;
            if let syn::Meta::List(list) = &attr.meta {
                match syn::parse2::<syn::Ident>(list.tokens.clone()) {
                    Ok(i) => name = Some(i.unraw().to_string()),
                    Err(e) => errors.push(e),
                }
            }
            let name = name.unwrap_or_else(|| {
                if is_getter {
                    rust_name
                        .strip_prefix("get_")
                        .unwrap_or(&rust_name)
                        .to_owned()
                } else {
                    rust_name
                        .strip_prefix("set_")
                        .unwrap_or(&rust_name)
                        .to_owned()
                }
            });
            Some(if is_getter {
                Role::Getter(name)
            } else {
                Role::Setter(name)
            })
        } else if path.is_ident("slot") {
            match attr.parse_args::<syn::Ident>() {
                Ok(slot) => {
                    let s = slot.to_string();
                    match EXPLICIT.iter().find(|(n, _)| *n == s) {
                        Some((_, kind)) => Some(Role::Slot(format!("HPy_{s}"), *kind, slot.span())),
                        None => {
                            errors.push(syn::Error::new(
                                slot.span(),
                                format!(
                                    "unknown or unsupported slot `{s}`; supported: {}",
                                    EXPLICIT
                                        .iter()
                                        .map(|(n, _)| *n)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                            None
                        }
                    }
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        } else if path.is_ident("method")
            || path.is_ident("staticmethod")
            || path.is_ident("classmethod")
        {
            let mut options = MethodOptions::default();
            let level = if path.is_ident("staticmethod") {
                Some(Level::Static)
            } else if path.is_ident("classmethod") {
                Some(Level::Class)
            } else {
                None
            };
            let res = match &attr.meta {
                syn::Meta::Path(_) => Ok(()),
                _ => attr.parse_nested_meta(|meta| {
                    if let Some(c) = convention_from(&meta.path) {
                        options.convention = Some((c, meta.path.span()));
                    } else if meta.path.is_ident("name") {
                        options.name = Some(meta.value()?.parse()?);
                    } else if meta.path.is_ident("signature") {
                        options.signature = Some(parse_signature(&meta)?);
                    } else {
                        return Err(meta.error(format!(
                            "unknown #[method] option{}; expected a convention, `name = \"...\"` \
                             or `signature = (...)`",
                            crate::diag::did_you_mean(
                                &meta.path,
                                &["noargs", "o", "varargs", "keywords", "name", "signature"],
                            ),
                        )));
                    }
                    Ok(())
                }),
            };
            if let Err(e) = res {
                errors.push(e);
            }
            Some(match level {
                Some(level) => Role::ClassLevel(level, options),
                None => Role::Method(options),
            })
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

struct Generated {
    items: TokenStream,
    defs: Vec<TokenStream>,
    /// The properties' hidden methods (`PropertyMethods`), used where
    /// getset descriptors are broken.
    properties: Vec<TokenStream>,
    /// Statements setting the `#[classattr]` attributes on `__hpy_ty`.
    class_attrs: TokenStream,
}

/// Expands `#[hpy_methods] impl T { ... }`.
pub fn expand_hpy_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut imp: ItemImpl = syn::parse2(item)?;
    let mut errors = Errors::default();
    if !attr.is_empty() {
        errors.push(syn::Error::new(
            attr.span(),
            "#[hpy_methods] takes no options",
        ));
    }
    if imp.trait_.is_some() {
        errors.push(syn::Error::new(
            imp.span(),
            "#[hpy_methods] goes on an inherent impl block, not a trait impl",
        ));
    }
    let self_ty = (*imp.self_ty).clone();

    // First pass: roles (and strip our attributes).
    let mut roles: Vec<(ImplItemFn, Role)> = Vec::new();
    for it in imp.items.iter_mut() {
        if let ImplItem::Fn(f) = it {
            let role = role_of(f, &mut errors);
            roles.push((f.clone(), role));
        }
    }

    let mut out = Generated {
        items: TokenStream::new(),
        defs: Vec::new(),
        properties: Vec::new(),
        class_attrs: TokenStream::new(),
    };
    let find = |name: &str| {
        roles
            .iter()
            .find(|(f, _)| f.sig.ident.unraw() == name)
            .map(|(f, _)| f)
    };
    let mut ass_subscript_done = false;
    let has_init = roles.iter().any(|(_, r)| matches!(r, Role::Init(_)));
    if has_init && !roles.iter().any(|(_, r)| matches!(r, Role::New(_))) {
        let (f, _) = roles
            .iter()
            .find(|(_, r)| matches!(r, Role::Init(_)))
            .expect("has_init");
        errors.push(syn::Error::new(
            f.sig.ident.span(),
            "an #[init] needs a #[new] without parameters that makes the value it then \
             initialises, e.g. `#[new] fn new() -> Self { Self::default() }`",
        ));
    }
    // The constructor's `__text_signature__` (from `#[init]` if there is
    // one, else `#[new]`).
    let mut text_sig: Option<String> = None;
    let mut class_level = ClassLevel::default();
    for (index, (f, role)) in roles.iter().enumerate() {
        check_signature(&f.sig, &mut errors);
        let rust_name = f.sig.ident.clone();
        let entry = format_ident!("__HpyEntry{}_{}", index, rust_name.unraw());
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
                let mut params =
                    classify_params_with(&f.sig, true, options.signature.as_ref(), &mut errors);
                if !params
                    .iter()
                    .any(|p| matches!(p, Param::Receiver { .. } | Param::SelfArg))
                {
                    errors.push(syn::Error::new(
                        rust_name.span(),
                        "a Python method takes `&self`, `&mut self` or `slf` first; mark a function \
                         without them #[staticmethod], or #[classmethod] if it takes the class",
                    ));
                    continue;
                }
                let convention = choose_convention(options, &mut params, &mut errors);
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
                    continue;
                };
                let doc = doc_with_signature(
                    &py_name,
                    &text_signature(&params, Some("$self")),
                    docstring(&f.attrs),
                );
                let doc = doc_option(doc, rust_name.span(), &mut errors);
                let callable = Callable {
                    entry: quote!(#entry),
                    py_name,
                    convention,
                    params: &params,
                    callee: quote!(<#self_ty>::#rust_name),
                    self_ty: Some(&self_ty),
                    output: &f.sig.output,
                    iterator_next: rust_name == "__next__",
                    preamble: TokenStream::new(),
                };
                if PUBLISHED.contains(&callable.py_name.as_str()) {
                    let name = &callable.py_name;
                    out.class_attrs.extend(quote! {
                        ::hpy::impl_::dunders::publish(__hpy_ty, #name)?;
                    });
                }
                let (imp_tokens, def) = callable_entry(&callable, &c_name, &doc);
                out.items.extend(quote! { struct #entry; #imp_tokens });
                out.defs.push(def);
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
            Role::Getter(name) => {
                let setter = roles.iter().enumerate().find_map(|(i, (g, r))| match r {
                    Role::Setter(n) if n == name => Some((i, g)),
                    _ => None,
                });
                gen_getset(&mut out, f, setter, name, &entry, &self_ty, &mut errors);
            }
            Role::Setter(name) => {
                if !roles
                    .iter()
                    .any(|(_, r)| matches!(r, Role::Getter(n) if n == name))
                {
                    errors.push(syn::Error::new(
                        rust_name.span(),
                        format!("setter `{name}` has no #[getter]"),
                    ));
                }
            }
            Role::Slot(slot, kind, span) => {
                if slot.is_empty() {
                    // reflected operator: generated with its forward method
                    let fwd = DUNDERS
                        .iter()
                        .find(|(_, _, _, r)| *r == Some(&*rust_name.unraw().to_string()));
                    if let Some((fwd_name, slot, kind, _)) = fwd {
                        if find(fwd_name).is_none() {
                            gen_slot(
                                &mut out,
                                None,
                                Some(f),
                                slot,
                                *kind,
                                &entry,
                                &self_ty,
                                *span,
                                &mut errors,
                            );
                        }
                    }
                    continue;
                }
                if *kind == SlotKind::AssSubscript {
                    if ass_subscript_done {
                        continue;
                    }
                    ass_subscript_done = true;
                    gen_ass_subscript(
                        &mut out,
                        find("__setitem__"),
                        find("__delitem__"),
                        &entry,
                        &self_ty,
                        &mut errors,
                    );
                    continue;
                }
                let reflected = DUNDERS
                    .iter()
                    .find(|(n, _, _, _)| rust_name.unraw() == *n)
                    .and_then(|(_, _, _, r)| r.and_then(find));
                gen_slot(
                    &mut out,
                    Some(f),
                    reflected,
                    slot,
                    *kind,
                    &entry,
                    &self_ty,
                    *span,
                    &mut errors,
                );
                if slot == "HPy_mp_length" {
                    let entry2 = format_ident!("{}_sq", entry);
                    gen_slot(
                        &mut out,
                        Some(f),
                        None,
                        "HPy_sq_length",
                        *kind,
                        &entry2,
                        &self_ty,
                        *span,
                        &mut errors,
                    );
                }
            }
        }
    }
    // A class that compares but has no __hash__ is unhashable, as in
    // Python: CPython leaves tp_hash empty then, PyPy needs the `None`.
    if find("__richcmp__").is_some() && find("__hash__").is_none() {
        out.class_attrs.extend(quote! {
            ::hpy::impl_::dunders::unhashable(__hpy_ty)?;
        });
    }
    // Without a constructor, Python must not make instances without data
    // (except for metaclasses, which CPython does not let have a tp_new).
    let no_new = if roles.iter().any(|(_, r)| matches!(r, Role::New(_))) {
        quote!(::core::option::Option::None)
    } else {
        quote! {{
            static NO_NEW: ::hpy::impl_::StaticDef = ::hpy::impl_::StaticDef::new(
                ::hpy::impl_::class::slot_new::<::hpy::impl_::class::NoConstructor<#self_ty>>(),
            );
            ::hpy::impl_::class::no_constructor_def::<#self_ty>(&NO_NEW)
        }}
    };
    errors.finish()?;

    let defines_hash = roles
        .iter()
        .any(|(_, r)| matches!(r, Role::Slot(slot, _, _) if slot == "HPy_tp_hash"));
    let Generated {
        mut items,
        defs,
        properties,
        class_attrs,
    } = out;
    let (level_items, install) = class_level.finish(&self_ty);
    items.extend(level_items);
    let class_attrs = quote!(#install #class_attrs);
    let n = defs.len();
    let n_properties = properties.len();
    let doc_fn = text_sig.map(|sig| {
        quote! {
            fn doc(__hpy_ctx: ::hpy::Context<'_>) -> ::core::option::Option<&'static ::core::ffi::CStr> {
                static DOC: ::std::sync::OnceLock<::std::ffi::CString> = ::std::sync::OnceLock::new();
                ::hpy::impl_::class::class_doc::<#self_ty>(__hpy_ctx, &DOC, #sig)
            }
        }
    });
    Ok(quote! {
        #imp

        #[allow(non_camel_case_types, dead_code, unused_variables, clippy::all)]
        const _: () = {
            #items

            static __HPY_METHOD_DEFS: [::hpy::impl_::StaticDef; #n] = [#(::hpy::impl_::StaticDef::new(#defs)),*];
            static __HPY_PROPERTIES: [::hpy::impl_::class::PropertyMethods; #n_properties] = [#(#properties),*];

            // SAFETY: the definitions above are the ones `#[hpy_methods]`
            // wrote for this class.
            unsafe impl ::hpy::impl_::class_level::Methods for #self_ty {
                const DEFINES_HASH: bool = #defines_hash;

                fn defines(__hpy_property_methods: bool) -> *mut *mut ::hpy::impl_::HPyDef {
                    static LIST: ::hpy::impl_::class::DefineCache = ::hpy::impl_::class::DefineCache::new();
                    LIST.get::<#self_ty>(
                        &__HPY_METHOD_DEFS,
                        #no_new,
                        &__HPY_PROPERTIES,
                        __hpy_property_methods,
                    )
                }

                fn properties() -> &'static [::hpy::impl_::class::PropertyMethods] {
                    &__HPY_PROPERTIES
                }

                fn class_attributes<'ctx>(__hpy_ty: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<()> {
                    #class_attrs
                    ::core::result::Result::Ok(())
                }

                #doc_fn
            }
        };
    })
}

/// Returns the constructor's text signature.
fn gen_new(
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
    let py_name = self_ty_name(self_ty);
    let n_python = params.iter().filter(|p| p.is_python()).count();
    if has_init && n_python > 0 {
        errors.push(syn::Error::new(
            rust_name.span(),
            "with an #[init], the #[new] takes no Python parameters: the call's arguments \
             all go to the #[init] (as `object.__new__` leaves them to `__init__`)",
        ));
    }
    let desc = description(&py_name, &params);
    let callee = quote!(<#self_ty>::#rust_name);
    let (prelude, call) = call_user(&params, &callee, None, &mut |i| {
        Source::Extract(quote!(::hpy::impl_::present(&__hpy_slots[#i])))
    });
    let parse = if has_init {
        // The arguments are the initialiser's to check.
        quote!()
    } else {
        parse_new_args(&params)
    };
    // Spanned on the return type, where a wrong one is reported.
    let ret_span = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
        syn::ReturnType::Default => f.sig.ident.span(),
    };
    let call = at_return(call, &f.sig.output);
    let into_new =
        quote_spanned!(ret_span=> ::hpy::impl_::class::IntoNew::<#self_ty>::into_new(#call));
    out.items.extend(quote! {
        const _: () = ::core::assert!(
            <#self_ty as ::hpy::HPyClass>::INFO.shape == ::hpy::impl_::class::HPyType_BuiltinShape_Object,
            "#[new] is for plain classes: a class extending a builtin type is created by the builtin's \
             constructor and its Rust data starts as Default::default()",
        );
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        unsafe impl ::hpy::impl_::class::NewFunc for #entry {
            const NAME: &'static str = #py_name;
            #[inline]
            fn call<'ctx>(
                __hpy_ctx: ::hpy::Context<'ctx>,
                __hpy_cls: ::hpy::Borrowed<'_, 'ctx>,
                __hpy_args: ::hpy::impl_::class::NewArgs<'_, 'ctx>,
            ) -> ::hpy::HPyResult<::hpy::impl_::HPy> {
                #desc
                #parse
                #prelude
                let __hpy_value = #into_new?;
                ::hpy::impl_::class::construct::<#self_ty, _>(&__hpy_cls, &__hpy_args, __hpy_value).map(::hpy::Handle::into_raw)
            }
        }
    });
    out.defs
        .push(quote!(::hpy::impl_::class::slot_new::<#entry>()));
    text_signature(&params, None)
}

/// `#[classattr] fn NAME() -> T` (or `fn NAME(ctx: Context) -> T`): the
/// value is set on the type object when the module creates it.
fn gen_class_attr(out: &mut Generated, f: &ImplItemFn, self_ty: &Type, errors: &mut Errors) {
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
            let __hpy_value = ::hpy::impl_::IntoReturn::into_return(#call, __hpy_ctx)?;
            __hpy_ty.set_attr_s(#py_name, &__hpy_value)?;
        }
    });
}

/// Parses the `NewArgs` of a `tp_new`/`tp_init` entry into `__hpy_slots`.
/// Without parameters the common no-argument call costs one emptiness
/// check; any argument goes through the parser only for its error message.
fn parse_new_args(params: &[Param]) -> TokenStream {
    let n_python = params.iter().filter(|p| p.is_python()).count();
    if needs_general(params) {
        quote! {
            let mut __hpy_keep = ::std::vec::Vec::new();
            let __hpy_parsed = __HPY_DESC.parse_new_signature::<#n_python>(&__hpy_args, &mut __hpy_keep)?;
            let __hpy_slots = __hpy_parsed.slots;
            let __hpy_varargs = __hpy_parsed.varargs;
            let __hpy_kwargs = __hpy_parsed.kwargs;
        }
    } else if n_python == 0 {
        quote! {
            if !__hpy_args.is_empty() {
                __HPY_DESC.check_no_new_args(&__hpy_args)?;
            }
        }
    } else {
        quote! {
            let mut __hpy_keep = ::std::vec::Vec::new();
            let __hpy_slots = __HPY_DESC.parse_new::<#n_python>(&__hpy_args, &mut __hpy_keep)?;
        }
    }
}

/// Returns the initialiser's text signature.
fn gen_init(
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
    let py_name = format!("{}.__init__", self_ty_name(self_ty));
    let desc = description(&py_name, &params);
    let callee = quote!(<#self_ty>::#rust_name);
    let (prelude, call) = call_user(&params, &callee, Some(self_ty), &mut |i| {
        Source::Extract(quote!(::hpy::impl_::present(&__hpy_slots[#i])))
    });
    let parse = parse_new_args(&params);
    let ret_span = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
        syn::ReturnType::Default => Span::call_site(),
    };
    let call = at_return(call, &f.sig.output);
    let into_init = quote_spanned!(ret_span=> ::hpy::impl_::class::IntoInit::into_init(#call));
    out.items.extend(quote! {
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        unsafe impl ::hpy::impl_::class::InitFunc for #entry {
            const NAME: &'static str = #py_name;
            fn call<'ctx>(
                __hpy_ctx: ::hpy::Context<'ctx>,
                __hpy_self: ::hpy::Borrowed<'_, 'ctx>,
                __hpy_args: ::hpy::impl_::class::NewArgs<'_, 'ctx>,
            ) -> ::hpy::HPyResult<()> {
                #desc
                #parse
                #prelude
                #into_init
            }
        }
    });
    out.defs
        .push(quote!(::hpy::impl_::class::slot_init::<#entry>()));
    text_signature(&params, None)
}

fn self_ty_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| "?".into(), |s| s.ident.to_string()),
        _ => "?".into(),
    }
}

fn gen_getset(
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
        unsafe impl ::hpy::impl_::class::Getter for #getter_entry {
            type Class = #self_ty;
            const NAME: &'static str = #name;
            fn call<'ctx>(__hpy_ctx: ::hpy::Context<'ctx>, __hpy_self: ::hpy::Borrowed<'_, 'ctx>) -> ::hpy::HPyResult<::hpy::impl_::HPy> {
                #gprelude
                ::hpy::impl_::return_object(__hpy_ctx, #gcall)
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
            unsafe impl ::hpy::impl_::class::Setter for #setter_entry {
                type Class = #self_ty;
                const NAME: &'static str = #name;
                fn call<'ctx>(
                    __hpy_ctx: ::hpy::Context<'ctx>,
                    __hpy_self: ::hpy::Borrowed<'_, 'ctx>,
                    __hpy_value: ::core::option::Option<::hpy::Borrowed<'_, 'ctx>>,
                ) -> ::hpy::HPyResult<()> {
                    #desc
                    let ::core::option::Option::Some(__hpy_value) = __hpy_value else {
                        return ::core::result::Result::Err(::hpy::HPyErr::attribute_error(
                            ::std::format!("cannot delete attribute '{}'", #name),
                        ));
                    };
                    #sprelude
                    ::hpy::impl_::return_status(#scall).map(|_| ())
                }
            }
        });
        quote!(#setter_entry)
    } else {
        quote!(::hpy::impl_::class::NoSetter<#getter_entry>)
    };
    let c_name = c_string_literal(name, getter.sig.ident.span()).expect("identifiers have no NUL");
    let doc = doc_option(docstring(&getter.attrs), getter.sig.ident.span(), errors);
    let has_setter = true; // read-only properties get a refusing setter (see NoSetter)
    out.defs.push(quote!(::hpy::impl_::class::getset::<#getter_entry, #setter_ty>(#c_name, #doc, #has_setter)));
    // Dotted, so that no Python identifier collides with them; they show
    // in the interpreter's receiver errors ("descriptor 'x.__set__'
    // requires a 'T' object").
    let hidden = ["__get__", "__set__", "__delete__"].map(|what| {
        c_string_literal(&format!("{name}.{what}"), getter.sig.ident.span())
            .expect("identifiers have no NUL")
    });
    out.properties.push(quote! {
        ::hpy::impl_::class::PropertyMethods::new::<#getter_entry, #setter_ty>(#c_name, #doc, [#(#hidden),*])
    });
}

fn gen_ass_subscript(
    out: &mut Generated,
    set: Option<&ImplItemFn>,
    del: Option<&ImplItemFn>,
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) {
    let type_name = self_ty_name(self_ty);
    let set_branch = match set {
        Some(f) => {
            let params = classify_params(&f.sig, true, errors);
            let name = &f.sig.ident;
            let desc = description("__setitem__", &params);
            let (prelude, call) = call_user(
                &params,
                &quote!(<#self_ty>::#name),
                Some(self_ty),
                &mut |i| {
                    if i == 0 {
                        Source::Extract(quote!(::core::option::Option::Some(&arg1)))
                    } else {
                        Source::Extract(quote!(::core::option::Option::Some(&__hpy_value)))
                    }
                },
            );
            quote! { { #desc #prelude ::hpy::impl_::return_status(#call) } }
        }
        None => quote! {
            ::core::result::Result::Err(::hpy::HPyErr::type_error(
                ::std::format!("'{}' object does not support item assignment", #type_name),
            ))
        },
    };
    let del_branch = match del {
        Some(f) => {
            let params = classify_params(&f.sig, true, errors);
            let name = &f.sig.ident;
            let desc = description("__delitem__", &params);
            let (prelude, call) = call_user(
                &params,
                &quote!(<#self_ty>::#name),
                Some(self_ty),
                &mut |_| Source::Extract(quote!(::core::option::Option::Some(&arg1))),
            );
            quote! { { #desc #prelude ::hpy::impl_::return_status(#call) } }
        }
        None => quote! {
            ::core::result::Result::Err(::hpy::HPyErr::type_error(
                ::std::format!("'{}' object does not support item deletion", #type_name),
            ))
        },
    };
    out.items.extend(quote! {
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        unsafe impl ::hpy::impl_::slots::ObjObjArgProc for #entry {
            const NAME: &'static str = "__setitem__";
            fn call<'a, 'ctx>(
                __hpy_ctx: ::hpy::Context<'ctx>,
                arg0: ::hpy::Borrowed<'a, 'ctx>,
                arg1: ::hpy::Borrowed<'a, 'ctx>,
                arg2: ::core::option::Option<::hpy::Borrowed<'a, 'ctx>>,
            ) -> ::hpy::HPyResult<::core::ffi::c_int> {
                let __hpy_self = arg0;
                match arg2 {
                    ::core::option::Option::Some(__hpy_value) => #set_branch,
                    ::core::option::Option::None => #del_branch,
                }
            }
        }
    });
    out.defs.push(quote!(::hpy::impl_::slots::slot_objobjargproc::<#entry>(::hpy::impl_::class::HPy_mp_ass_subscript)));
}

#[allow(clippy::too_many_arguments)]
fn gen_slot(
    out: &mut Generated,
    forward: Option<&ImplItemFn>,
    reflected: Option<&ImplItemFn>,
    slot: &str,
    kind: SlotKind,
    entry: &syn::Ident,
    self_ty: &Type,
    span: Span,
    errors: &mut Errors,
) {
    let slot_ident = format_ident!("{}", slot);
    let f = forward
        .or(reflected)
        .expect("a forward or reflected method");
    let name = f.sig.ident.unraw().to_string();
    let params = classify_params(&f.sig, true, errors);
    let n_python = params.iter().filter(|p| p.is_python()).count();
    // Whether the method has `n` Python parameters; reports it if not (the
    // slot is then not generated: its body could not be).
    let expect_python = |n: usize, what: &str, errors: &mut Errors| {
        if n_python != n {
            errors.push(syn::Error::new(
                f.sig.ident.span(),
                format!("`{name}` takes {what}"),
            ));
        }
        n_python == n
    };
    // Conversions of the result are spanned on the return type, where a
    // type without one is reported; the context local keeps the call
    // site's span (it must resolve even when the type comes from a
    // `macro_rules!`).
    let ctx = quote!(__hpy_ctx);
    let ret_span = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
        syn::ReturnType::Default => Span::call_site(),
    };
    let call_with =
        |f: &ImplItemFn, errors: &mut Errors, source: &mut dyn FnMut(usize) -> Source| {
            let params = classify_params(&f.sig, true, errors);
            let ident = &f.sig.ident;
            let desc = description(&ident.unraw().to_string(), &params);
            let (prelude, call) =
                call_user(&params, &quote!(<#self_ty>::#ident), Some(self_ty), source);
            (desc, prelude, at_return(call, &f.sig.output))
        };
    let arg = |e: TokenStream| Source::Extract(quote!(::core::option::Option::Some(&#e)));
    // Definitions that go after the slot's own.
    let mut after = Vec::new();
    let (trait_name, sig, body, def_fn) = match kind {
        SlotKind::Unary => {
            if !expect_python(0, "only `&self`", errors) {
                return;
            }
            let (_, prelude, call) = call_with(f, errors, &mut |_| unreachable!());
            (
                quote!(UnaryFunc),
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>),
                {
                    let conv = quote_spanned!(ret_span=> ::hpy::impl_::return_object(#ctx, #call));
                    quote! { let __hpy_self = arg0; #prelude #conv }
                },
                quote!(slot_unaryfunc),
            )
        }
        SlotKind::Inquiry | SlotKind::Len | SlotKind::Hash => {
            if !expect_python(0, "only `&self`", errors) {
                return;
            }
            let (_, prelude, call) = call_with(f, errors, &mut |_| unreachable!());
            let (t, d, conv) = match kind {
                SlotKind::Inquiry => (quote!(Inquiry), quote!(slot_inquiry), quote!(return_bool)),
                SlotKind::Len => (quote!(LenFunc), quote!(slot_lenfunc), quote!(return_len)),
                _ => (quote!(HashFunc), quote!(slot_hashfunc), quote!(return_hash)),
            };
            let conv = quote_spanned!(ret_span=> ::hpy::impl_::class::#conv(#call));
            (
                t,
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>),
                quote! { let __hpy_self = arg0; #prelude #conv },
                d,
            )
        }
        SlotKind::Binary => {
            if !expect_python(1, "`&self` and one argument", errors) {
                return;
            }
            let (desc, prelude, call) = call_with(f, errors, &mut |_| arg(quote!(arg1)));
            (
                quote!(BinaryFunc),
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>),
                {
                    let conv = quote_spanned!(ret_span=> ::hpy::impl_::return_object(#ctx, #call));
                    quote! { let __hpy_self = arg0; #desc #prelude #conv }
                },
                quote!(slot_binaryfunc),
            )
        }
        SlotKind::Contains => {
            if !expect_python(1, "`&self` and the item", errors) {
                return;
            }
            let (desc, prelude, call) = call_with(f, errors, &mut |_| arg(quote!(arg1)));
            (
                quote!(ObjObjProc),
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>),
                {
                    let conv = quote_spanned!(ret_span=> ::hpy::impl_::class::return_bool(#call));
                    quote! { let __hpy_self = arg0; #desc #prelude #conv }
                },
                quote!(slot_objobjproc),
            )
        }
        SlotKind::SsizeArg => {
            if !expect_python(1, "`&self` and an `isize` index", errors) {
                return;
            }
            let (_, prelude, call) = call_with(f, errors, &mut |_| Source::Raw(quote!(arg1)));
            (
                quote!(SsizeArgFunc),
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::impl_::HPy_ssize_t),
                {
                    let conv = quote_spanned!(ret_span=> ::hpy::impl_::return_object(#ctx, #call));
                    quote! { let __hpy_self = arg0; #prelude #conv }
                },
                quote!(slot_ssizeargfunc),
            )
        }
        SlotKind::SsizeObjArg => {
            if !expect_python(
                2,
                "`&mut self`, an `isize` index and an `Option` value (None: deletion)",
                errors,
            ) {
                return;
            }
            let (desc, prelude, call) = call_with(f, errors, &mut |i| {
                if i == 0 {
                    Source::Raw(quote!(arg1))
                } else {
                    Source::Extract(quote!(arg2.as_ref()))
                }
            });
            (
                quote!(SsizeObjArgProc),
                quote!(
                    arg0: ::hpy::Borrowed<'a, 'ctx>,
                    arg1: ::hpy::impl_::HPy_ssize_t,
                    arg2: ::core::option::Option<::hpy::Borrowed<'a, 'ctx>>
                ),
                quote! { let __hpy_self = arg0; #desc #prelude ::hpy::impl_::return_status(#call) },
                quote!(slot_ssizeobjargproc),
            )
        }
        SlotKind::Number | SlotKind::Power => {
            let is_pow = kind == SlotKind::Power;
            let branch = |f: Option<&ImplItemFn>,
                          me: TokenStream,
                          other: TokenStream,
                          errors: &mut Errors| match f {
                None => quote!(),
                Some(f) => {
                    let (_, prelude, call) = call_with(f, errors, &mut |i| {
                        if i == 0 {
                            Source::Raw(quote!(__hpy_other))
                        } else {
                            arg(quote!(arg2))
                        }
                    });
                    let desc = description(
                        &f.sig.ident.unraw().to_string(),
                        &classify_params(&f.sig, true, errors),
                    );
                    // The slot reports a panic under the forward method's
                    // name; the reflected one runs under its own.
                    let fname = f.sig.ident.unraw().to_string();
                    let run = if Some(fname.as_str())
                        == forward.map(|f| f.sig.ident.unraw().to_string()).as_deref()
                    {
                        quote!(return ::hpy::impl_::return_object(__hpy_ctx, #call);)
                    } else {
                        quote!(return ::hpy::impl_::panics_as(__hpy_ctx, #fname, || ::hpy::impl_::return_object(__hpy_ctx, #call));)
                    };
                    quote! {
                        if ::hpy::impl_::class::is_instance::<#self_ty>(&#me)? {
                            if let ::core::option::Option::Some(__hpy_other) = ::hpy::impl_::class::try_extract(&#other)? {
                                let __hpy_self = #me;
                                #desc
                                #prelude
                                #run
                            }
                        }
                    }
                }
            };
            let fwd = branch(forward, quote!(arg0), quote!(arg1), errors);
            let rev = branch(reflected, quote!(arg1), quote!(arg0), errors);
            // PyPy dispatches an operator through the `__X__`/`__rX__`
            // methods of the type dict: it makes `__X__` from the slot (a
            // wrapper that checks the operand order the slot function checks
            // again, at a cost of three HPy calls per operation) and makes
            // no `__rX__`. So both directions are also published as
            // ordinary methods, after the slot so that PyPy's dict keeps
            // them. CPython keeps its slot wrappers in the dict (methods do
            // not replace them) and the slot keeps handling the operator.
            if !is_pow {
                for (which, suffix) in [(forward, "fwd"), (reflected, "rev")] {
                    let Some(m) = which else { continue };
                    let mname = m.sig.ident.unraw().to_string();
                    let method_entry = format_ident!("{}_{}", entry, suffix);
                    let (_, prelude, call) =
                        call_with(m, errors, &mut |_| Source::Raw(quote!(__hpy_other)));
                    let c_name = c_string_literal(&mname, span).expect("identifiers have no NUL");
                    // The user's location for errors, the macro's hygiene so
                    // that `unsafe impl` is not the user's `unsafe` code.
                    let span = span.resolved_at(proc_macro2::Span::call_site());
                    out.items.extend(quote_spanned! {span=>
                        struct #method_entry;
                        unsafe impl ::hpy::impl_::MethO for #method_entry {
                            const NAME: &'static str = #mname;
                            fn call<'ctx>(
                                __hpy_ctx: ::hpy::Context<'ctx>,
                                __hpy_self: ::hpy::Borrowed<'_, 'ctx>,
                                __hpy_arg: ::hpy::Borrowed<'_, 'ctx>,
                            ) -> ::hpy::HPyResult<::hpy::impl_::HPy> {
                                let ::core::option::Option::Some(__hpy_other) = ::hpy::impl_::class::try_extract(&__hpy_arg)? else {
                                    return ::hpy::impl_::class::not_implemented(__hpy_ctx);
                                };
                                #prelude
                                ::hpy::impl_::return_object(__hpy_ctx, #call)
                            }
                        }
                    });
                    after.push(quote!(::hpy::impl_::meth_o::<#method_entry>(#c_name, ::core::option::Option::None)));
                }
            }
            if is_pow {
                (
                    quote!(TernaryFunc),
                    quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>, arg2: ::hpy::Borrowed<'a, 'ctx>),
                    quote! { #fwd #rev ::hpy::impl_::class::not_implemented(__hpy_ctx) },
                    quote!(slot_ternaryfunc),
                )
            } else {
                (
                    quote!(BinaryFunc),
                    quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>),
                    quote! { #fwd #rev ::hpy::impl_::class::not_implemented(__hpy_ctx) },
                    quote!(slot_binaryfunc),
                )
            }
        }
        SlotKind::InPlace | SlotKind::InPlacePower => {
            let (_, prelude, call) = call_with(f, errors, &mut |i| {
                if i == 0 {
                    Source::Raw(quote!(__hpy_other))
                } else {
                    arg(quote!(arg2))
                }
            });
            let body = quote! {
                let ::core::option::Option::Some(__hpy_other) = ::hpy::impl_::class::try_extract(&arg1)? else {
                    return ::hpy::impl_::class::not_implemented(__hpy_ctx);
                };
                let __hpy_self = arg0;
                #prelude
                ::hpy::impl_::return_status(#call)?;
                ::core::result::Result::Ok(arg0.dup().into_raw())
            };
            if kind == SlotKind::InPlacePower {
                (
                    quote!(TernaryFunc),
                    quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>, arg2: ::hpy::Borrowed<'a, 'ctx>),
                    body,
                    quote!(slot_ternaryfunc),
                )
            } else {
                (
                    quote!(BinaryFunc),
                    quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>),
                    body,
                    quote!(slot_binaryfunc),
                )
            }
        }
        SlotKind::RichCmp => {
            if !expect_python(
                2,
                "`&self`, the other object and the `RichCompareOp`",
                errors,
            ) {
                return;
            }
            let (_, prelude, call) = call_with(f, errors, &mut |i| {
                if i == 0 {
                    Source::Raw(quote!(__hpy_other))
                } else {
                    Source::Raw(quote!(__hpy_op))
                }
            });
            (
                quote!(RichCmpFunc),
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>, arg1: ::hpy::Borrowed<'a, 'ctx>, arg2: ::hpy::impl_::HPy_RichCmpOp),
                quote! {
                    let ::core::option::Option::Some(__hpy_other) = ::hpy::impl_::class::try_extract(&arg1)? else {
                        return ::hpy::impl_::class::not_implemented(__hpy_ctx);
                    };
                    let __hpy_op = ::hpy::impl_::class::compare_op(arg2)?;
                    let __hpy_self = arg0;
                    #prelude
                    ::hpy::impl_::return_object(__hpy_ctx, #call)
                },
                quote!(slot_richcmpfunc),
            )
        }
        SlotKind::Finalize => {
            if !expect_python(0, "only `&mut self` (or `&self`)", errors) {
                return;
            }
            let (_, prelude, call) = call_with(f, errors, &mut |_| unreachable!());
            (
                quote!(Destructor),
                quote!(arg0: ::hpy::Borrowed<'a, 'ctx>),
                quote! {
                    let __hpy_self = arg0;
                    ::hpy::impl_::class::finalize_guarded(&arg0, "__del__", || -> ::hpy::HPyResult<()> { #prelude ::hpy::impl_::return_status(#call).map(|_| ()) });
                    ::core::result::Result::Ok(())
                },
                quote!(slot_destructor),
            )
        }
        SlotKind::Call => {
            let params = classify_params(&f.sig, true, errors);
            let ident = &f.sig.ident;
            let c_name = c_string_literal("__call__", span).expect("no NUL");
            let callable = Callable {
                entry: quote!(#entry),
                py_name: name.clone(),
                convention: Convention::Keywords,
                params: &params,
                callee: quote!(<#self_ty>::#ident),
                self_ty: Some(self_ty),
                output: &f.sig.output,
                iterator_next: false,
                preamble: TokenStream::new(),
            };
            let (imp, _) =
                callable_entry(&callable, &c_name, &quote!(::core::option::Option::None));
            out.items.extend(quote! { struct #entry; #imp });
            out.defs.push(quote!(::hpy::impl_::slot_call::<#entry>()));
            return;
        }
        SlotKind::AssSubscript => unreachable!("handled by gen_ass_subscript"),
    };
    let ret = match kind {
        SlotKind::Unary
        | SlotKind::Binary
        | SlotKind::SsizeArg
        | SlotKind::Number
        | SlotKind::Power
        | SlotKind::InPlace
        | SlotKind::InPlacePower
        | SlotKind::RichCmp => quote!(::hpy::impl_::HPy),
        SlotKind::Inquiry | SlotKind::Contains | SlotKind::SsizeObjArg => {
            quote!(::core::ffi::c_int)
        }
        SlotKind::Len => quote!(::hpy::impl_::HPy_ssize_t),
        SlotKind::Hash => quote!(::hpy::impl_::HPy_hash_t),
        SlotKind::Finalize => quote!(()),
        SlotKind::Call | SlotKind::AssSubscript => unreachable!(),
    };
    // As for number methods: the user's location, the macro's hygiene.
    let span = span.resolved_at(proc_macro2::Span::call_site());
    out.items.extend(quote_spanned! {span=>
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        unsafe impl ::hpy::impl_::slots::#trait_name for #entry {
            const NAME: &'static str = #name;
            fn call<'a, 'ctx>(__hpy_ctx: ::hpy::Context<'ctx>, #sig) -> ::hpy::HPyResult<#ret> {
                #body
            }
        }
    });
    out.defs
        .push(quote!(::hpy::impl_::slots::#def_fn::<#entry>(::hpy::impl_::class::#slot_ident)));
    out.defs.extend(after);
}

/// `fn __buffer__(&self) -> &[T]`: the buffer protocol (read-only views).
fn gen_buffer(out: &mut Generated, f: &ImplItemFn, self_ty: &Type, errors: &mut Errors) {
    let elem = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => match &**ty {
            Type::Reference(r) => match &*r.elem {
                Type::Slice(slice) => Some((*slice.elem).clone()),
                _ => None,
            },
            _ => None,
        },
        syn::ReturnType::Default => None,
    };
    let shared_self = matches!(f.sig.inputs.first(), Some(syn::FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none());
    let (Some(elem), true, 1) = (elem, shared_self, f.sig.inputs.len()) else {
        errors.push(syn::Error::new(
            f.sig.ident.span(),
            "`__buffer__` must be `fn __buffer__(&self) -> &[T]` with T one of u8, i8, u16, i16, u32, i32, u64, i64, f32, f64",
        ));
        return;
    };
    let name = &f.sig.ident;
    out.items.extend(quote! {
        impl ::hpy::impl_::buffer::BufferExport for #self_ty {
            type Item = #elem;
            fn buffer_data(&self) -> &[#elem] {
                <#self_ty>::#name(self)
            }
        }
    });
    out.defs
        .push(quote!(::hpy::impl_::buffer::slot_getbuffer::<#self_ty>()));
    out.defs
        .push(quote!(::hpy::impl_::buffer::slot_releasebuffer::<#self_ty>()));
}
