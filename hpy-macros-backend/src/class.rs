//! `#[hpy_class]`: a struct becomes a Python class (its `HPyClass` impl:
//! the layout, the base, the members and the derived slots).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Fields, ItemStruct, LitStr, Type};

use crate::attributes::{parse_class_options, take_member_attr, ClassOptions};
use crate::utils::{
    c_string_literal, doc_option, docstring, item_keyword_span, with_crate_path, Errors,
};

/// `shape = "float"` → the HPy shape constant and the builtin base.
pub(crate) fn shape_of(name: &str) -> Option<(&'static str, Option<&'static str>)> {
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
pub(crate) fn is_constant_path(path: &syn::Path) -> bool {
    path.get_ident().map(|i| i.to_string()).is_some_and(|n| {
        n.ends_with("Type") && n.chars().next().is_some_and(char::is_uppercase) && n != "Type"
    }) || path.is_ident("Builtins")
}

/// A base/metaclass given as a path: a context constant (`FloatType`) or
/// another Rust class.
pub(crate) fn base_expr(path: &syn::Path) -> TokenStream {
    if is_constant_path(path) {
        quote!(::__hpy::impl_::class::Base::Builtin(::__hpy::Constant::#path))
    } else {
        quote!(::__hpy::impl_::class::Base::Class(<#path as ::__hpy::HPyClass>::type_slot))
    }
}

pub(crate) struct Member {
    field: syn::Ident,
    ty: Type,
    py_name: String,
    readonly: bool,
    doc: Option<String>,
    span: Span,
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

    let (shape_ident, base, metaclass) = class_bases(&options, &mut errors);

    // Every field's type, for counting the `Field` slots by type (so
    // aliases, `Option<Field>` and arrays count, and a foreign type that
    // happens to be called `Field` does not).
    let field_types: Vec<Type> = item.fields.iter().map(|f| f.ty.clone()).collect();
    let members = take_members(&mut item, options.derives.frozen.is_some(), &mut errors);
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
        flags.push(quote!(::__hpy::impl_::class::TPFLAGS_BASETYPE));
    }
    // Traversed (and tracked by the GC) when this class or a Rust ancestor
    // has `Field` slots.
    flags.push(quote!(if <Self as ::__hpy::HPyClass>::HAS_FIELDS {
        ::__hpy::impl_::class::TPFLAGS_HAVE_GC
    } else {
        0
    }));

    let member_defs = member_defs(&members, &ident)?;
    let mut class_defs = member_defs;
    class_defs.extend(options.derives.slot_defs(&ident));
    class_defs.push(
        quote!(::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_destroy::<#ident>())),
    );
    // Left out of the class's list unless it has `Field` slots (`HAS_FIELDS`).
    class_defs.push(
        quote!(::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_traverse::<#ident>())),
    );
    let (basicsize, data_offset, ancestry) = layout(options.extends.as_ref(), &ident);
    let parent_check = options.extends.as_ref().map(|parent| {
        quote_spanned! {parent.span()=>
            const _: () = ::core::assert!(
                <#parent as ::__hpy::HPyClass>::INFO.flags & ::__hpy::impl_::class::TPFLAGS_BASETYPE != 0,
                "the class named by `extends` must be declared with `subclass`",
            );

            unsafe impl ::__hpy::impl_::class::Extends for #ident {
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
    let expansion = quote! {
        #item

        /// The type object of the class in the running module.
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #slot_static: ::__hpy::impl_::class::TypeSlot = ::__hpy::impl_::class::TypeSlot::new();

        // The one check that the value is `Send`, on the struct's name.
        const _: () = ::__hpy::impl_::class::assert_class_value::<#ident>();

        const _: () = {
            // The fallback of the `Field` slot probe (0 for other types).
            #[allow(unused_imports)]
            use ::__hpy::impl_::class::NoFieldSlots as _;
            // The fallback of the value visitor probe (`None`).
            #[allow(unused_imports)]
            use ::__hpy::impl_::class::NoValueVisit as _;

            #parent_check

            // SAFETY: the layout facts below are computed from the struct
            // itself; this impl is the only one the class gets.
            unsafe impl ::__hpy::HPyClass for #ident {
                const FIELD_SLOTS: usize = 0 #(+ ::__hpy::impl_::class::FieldProbe::<#field_types>::SLOTS)*;

                const FROZEN: bool = #frozen;

                const VISIT_VALUE: ::core::option::Option<::__hpy::impl_::class::VisitValueFn> =
                    ::__hpy::impl_::class::ValueProbe::<#ident>::VISIT;

                const INFO: ::__hpy::impl_::class::ClassInfo = ::__hpy::impl_::class::ClassInfo {
                    qualname: #c_qualname,
                    doc: #doc_expr,
                    flags: #(#flags)|*,
                    shape: ::__hpy::impl_::class::#shape_ident,
                    base: #base,
                    metaclass: #metaclass,
                    basicsize: #basicsize,
                    data_offset: #data_offset,
                };

                #ancestry

                fn type_slot() -> &'static ::__hpy::impl_::class::TypeSlot {
                    &#slot_static
                }

                const TYPE_GLOBAL: *mut ::__hpy::impl_::HPyGlobal = #slot_static.as_ptr();

                fn default_value() -> ::core::option::Option<Self> {
                    #default_value
                }

                fn class_defs() -> &'static [::__hpy::impl_::StaticDef] {
                    static DEFS: [::__hpy::impl_::StaticDef; #n_defs] = [#(#class_defs),*];
                    &DEFS
                }
            }

            impl<'ctx> ::__hpy::IntoHPy<'ctx> for #ident {
                fn into_hpy(self, ctx: ::__hpy::Context<'ctx>) -> ::__hpy::HPyResult<::__hpy::Handle<'ctx>> {
                    ::__hpy::impl_::class::new_instance(ctx, self)
                }
            }

            #class_impls
        };
    };
    Ok(with_crate_path(expansion, options.krate.as_ref()))
}

/// The class's shape constant, its base and its metaclass, from the
/// `shape`, `base`, `extends` and `metaclass` options.
fn class_bases(options: &ClassOptions, errors: &mut Errors) -> (Ident, TokenStream, TokenStream) {
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
            quote!(::__hpy::impl_::class::Base::Builtin(::__hpy::Constant::#c))
        }
        (None, None) => quote!(::__hpy::impl_::class::Base::Default),
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
            quote!(::__hpy::impl_::class::Base::Class(<#parent as ::__hpy::HPyClass>::type_slot))
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
    (shape_ident, base, metaclass)
}

/// The `#[member]` fields (their attributes removed from the struct).
fn take_members(item: &mut ItemStruct, frozen: bool, errors: &mut Errors) -> Vec<Member> {
    let mut members = Vec::new();
    match &mut item.fields {
        Fields::Named(named) => {
            for field in named.named.iter_mut() {
                let fname = field.ident.clone().expect("named field");
                if let Some((readonly, name)) = take_member_attr(&mut field.attrs, errors) {
                    if !readonly && frozen {
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
    members
}

/// The `HPyMember` definitions of the members.
fn member_defs(members: &[Member], ident: &Ident) -> syn::Result<Vec<TokenStream>> {
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
                ::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::member(
                    #c_name,
                    <#ty as ::__hpy::impl_::class::MemberType>::CODE,
                    <#ident as ::__hpy::HPyClass>::INFO.data_offset
                        + ::__hpy::impl_::class::value_offset::<#ident>()
                        + ::core::mem::offset_of!(#ident, #field),
                    #readonly,
                    #doc,
                ))
            }
        })
        .collect();
    member_errors.finish()?;
    Ok(member_defs)
}

/// The object size, the offset of the class's data and the `HPyClass`
/// items that chain to a Rust parent (`extends`).
fn layout(extends: Option<&syn::Path>, ident: &Ident) -> (TokenStream, TokenStream, TokenStream) {
    match extends {
        None => (
            quote!(::__hpy::impl_::class::data_size::<#ident>()),
            quote!(0),
            quote!(),
        ),
        Some(parent) => (
            quote!(::__hpy::impl_::class::extends_size::<#parent, #ident>()),
            quote!(::__hpy::impl_::class::extends_offset::<#parent, #ident>()),
            quote! {
                const NEEDS_DESTROY: bool = ::core::mem::needs_drop::<Self>()
                    || <#parent as ::__hpy::HPyClass>::NEEDS_DESTROY;

                const HAS_FIELDS: bool = <Self as ::__hpy::HPyClass>::FIELD_SLOTS != 0
                    || <Self as ::__hpy::HPyClass>::VISIT_VALUE.is_some()
                    || <#parent as ::__hpy::HPyClass>::HAS_FIELDS;

                unsafe fn init_ancestors(start: *mut u8) {
                    // SAFETY: forwarded; the parent's blocks come first.
                    unsafe { ::__hpy::impl_::class::init_ancestor::<#parent>(start) }
                }

                unsafe fn destroy_ancestors(start: *mut u8) {
                    // SAFETY: forwarded.
                    unsafe { ::__hpy::impl_::class::destroy_chain::<#parent>(start) }
                }

                unsafe fn visit_ancestors(
                    start: *mut u8,
                    visit: &mut dyn ::core::ops::FnMut(*mut ::__hpy::impl_::HPyField) -> ::core::ffi::c_int,
                ) -> ::core::ffi::c_int {
                    // SAFETY: forwarded.
                    unsafe { ::__hpy::impl_::class::visit_chain::<#parent>(start, visit) }
                }
            },
        ),
    }
}
