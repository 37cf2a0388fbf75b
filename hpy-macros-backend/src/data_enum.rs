//! `#[hpy_class]` on an enum whose variants carry data: the `DataEnum`
//! impl, and per variant a type slot and a `ClassItems` table (its
//! constructor and one read-only property per field) that the runtime turns
//! into a subclass of the enum's class (see `hpy::impl_::class`'s
//! `data_enum`).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Fields, ItemEnum};

use crate::methods::new_method_statics;
use crate::utils::{c_string_literal, Errors};

/// Whether `#[hpy_class]`'s enum has a variant with fields (or an empty
/// tuple/struct variant, `Nothing()`): then every variant is a class.
pub(crate) fn is_data_enum(e: &ItemEnum) -> bool {
    e.variants.iter().any(|v| !matches!(v.fields, Fields::Unit))
}

/// Reports what an enum with data cannot have: unit variants next to data
/// variants (as PyO3: a unit variant has no class to match on),
/// discriminants and `#[member]`s.
pub(crate) fn check_data_enum(e: &ItemEnum, errors: &mut Errors) {
    for v in &e.variants {
        if matches!(v.fields, Fields::Unit) {
            errors.push(syn::Error::new(
                v.ident.span(),
                format!(
                    "a #[hpy_class] enum whose variants carry data cannot have unit variants: \
                     write `{}()` (an empty tuple variant), which gets its own class as the \
                     others do",
                    v.ident
                ),
            ));
        }
        if let Some((_, d)) = &v.discriminant {
            errors.push(syn::Error::new(
                d.span(),
                "a #[hpy_class] enum with data has no discriminants: remove `= ...`",
            ));
        }
        let field_attrs = v.fields.iter().flat_map(|f| f.attrs.iter());
        for attr in v.attrs.iter().chain(field_attrs) {
            if attr.path().is_ident("member") {
                errors.push(syn::Error::new(
                    attr.span(),
                    "#[member] goes on a struct's fields: every field of an enum variant is \
                     already readable as an attribute",
                ));
            }
        }
    }
}

/// Reports the `#[hpy_class]` options an enum with data cannot have.
pub(crate) fn check_data_enum_options(
    options: &crate::attributes::ClassOptions,
    errors: &mut Errors,
) {
    for (name, span) in &options.given {
        let why = match name.as_str() {
            "subclass" | "extends" | "base" | "shape" | "metaclass" => {
                "an enum's subclasses are its variants, so it cannot be subclassed or extend \
                 another type: remove it"
            }
            "weakref" | "dict" => {
                "instances of an enum with data are values and carry no per-instance \
                 attributes: remove it"
            }
            _ => continue,
        };
        errors.push(syn::Error::new(
            *span,
            format!("`{name}` is not an option of a #[hpy_class] enum: {why}"),
        ));
    }
}

/// One variant as the expansion needs it.
struct VariantSpec<'a> {
    ident: &'a Ident,
    /// The Python names of the fields (`_0`, `_1` … for a tuple variant).
    names: Vec<String>,
    types: Vec<&'a syn::Type>,
    /// The fields' identifiers (none for a tuple variant).
    field_idents: Vec<&'a Ident>,
    tuple: bool,
}

fn variant_specs(e: &ItemEnum) -> Vec<VariantSpec<'_>> {
    e.variants
        .iter()
        .map(|v| {
            let tuple = matches!(v.fields, Fields::Unnamed(_));
            let names = v
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| match &f.ident {
                    Some(id) => id.unraw().to_string(),
                    None => format!("_{i}"),
                })
                .collect();
            VariantSpec {
                ident: &v.ident,
                names,
                types: v.fields.iter().map(|f| &f.ty).collect(),
                field_idents: v.fields.iter().filter_map(|f| f.ident.as_ref()).collect(),
                tuple,
            }
        })
        .collect()
}

/// What the class macro adds for an enum with data (nothing for other
/// classes: `Default`).
#[derive(Default)]
pub(crate) struct DataEnumParts {
    /// The statics (slots, tables, the variant list) and the `DataEnum` impl.
    pub(crate) items: TokenStream,
    /// `HPyClass` items: `VARIANT_GLOBALS` and `value_type_slot`.
    pub(crate) class_items: TokenStream,
    /// The base class's own slot: `__repr__`.
    pub(crate) defs: Vec<TokenStream>,
}

/// The expansion of an enum with data named `ident`, whose class's
/// `tp_name` is `qualname`.
pub(crate) fn data_enum_parts(e: &ItemEnum, ident: &Ident, qualname: &str) -> DataEnumParts {
    let specs = variant_specs(e);
    let mut items = TokenStream::new();
    let mut slot_idents = Vec::new();
    let mut variant_entries = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let slot = format_ident!("__HPY_VARIANT_SLOT_{}", index);
        let defs = format_ident!("__HPY_VARIANT_DEFS_{}", index);
        let props = format_ident!("__HPY_VARIANT_PROPERTIES_{}", index);
        let table = format_ident!("__HPY_VARIANT_ITEMS_{}", index);
        let desc = format_ident!("__HPY_VARIANT_ARGUMENTS_{}", index);
        let interned = format_ident!("__HPY_VARIANT_NAMES_{}", index);
        let mut field_defs = Vec::new();
        let mut field_props = Vec::new();
        for (f, name) in spec.names.iter().enumerate() {
            let span = spec.ident.span();
            // A field name is an identifier or `_N`: never a NUL.
            let c_name = c_string_literal(name, span).expect("no NUL in an identifier");
            let getter = quote!(::__hpy::impl_::class::VariantField<#ident, #index, #f>);
            let setter = quote!(::__hpy::impl_::class::NoSetter<#getter>);
            field_defs.push(quote! {
                ::__hpy::impl_::StaticDef::new(
                    ::__hpy::impl_::class::getset::<#getter, #setter>(#c_name, ::core::option::Option::None, false)
                )
            });
            let hidden = ["__get__", "__set__", "__delete__"]
                .map(|what| c_string_literal(&format!("{name}.{what}"), span).expect("no NUL"));
            field_props.push(quote! {
                ::__hpy::impl_::class::PropertyMethods::new::<#getter, #setter>(
                    #c_name, ::core::option::Option::None, [#(#hidden),*]
                )
            });
        }
        let n_defs = field_defs.len() + 3;
        let n_props = field_props.len();
        let signature = format!("({})", spec.names.join(", "));
        let py_name = spec.ident.unraw().to_string();
        // The class's name was checked for NULs (`c_qualname`), the
        // variant's is an identifier.
        let variant_qualname =
            c_string_literal(&format!("{qualname}_{py_name}"), spec.ident.span())
                .expect("no NUL in a checked name and an identifier");
        let names = &spec.names;
        let tuple = spec.tuple;
        let n_fields = names.len();
        let variant_new = quote!(::__hpy::impl_::class::VariantNew<#ident, #index, #n_fields>);
        let (new_statics, new_method) = new_method_statics(&variant_new, &format!("_{index}"));
        let call_name = format!(
            "{}.{py_name}",
            qualname.rsplit('.').next().unwrap_or(qualname)
        );
        items.extend(quote! {
            static #interned: [::__hpy::impl_::InternedName; #n_fields] =
                [const { ::__hpy::impl_::InternedName::new() }; #n_fields];
            static #desc: ::__hpy::impl_::FunctionDescription = ::__hpy::impl_::FunctionDescription {
                name: #call_name,
                params: &[#(#names),*],
                positional_only: 0,
                positional: #n_fields,
                required_positional: #n_fields,
                required: &[true; #n_fields],
                varargs: false,
                kwargs: false,
                names: &#interned,
            };
            static #slot: ::__hpy::impl_::class::TypeSlot = ::__hpy::impl_::class::TypeSlot::new();
            static #defs: [::__hpy::impl_::StaticDef; #n_defs] = [
                ::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_new::<#variant_new>()),
                #(#field_defs,)*
                ::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_destroy::<#ident>()),
                ::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_traverse::<#ident>()),
            ];
            static #props: [::__hpy::impl_::class::PropertyMethods; #n_props] = [#(#field_props),*];
            #new_statics
            static #table: ::__hpy::impl_::class::ClassItems = ::__hpy::impl_::class::ClassItems {
                defs: &#defs,
                properties: &#props,
                new_signature: ::core::option::Option::Some(#signature),
                defines_new: true,
                new_method: ::core::option::Option::Some(&#new_method),
                ..::__hpy::impl_::class::ClassItems::EMPTY
            };
        });
        variant_entries.push(quote! {
            ::__hpy::impl_::class::Variant {
                name: #py_name,
                qualname: #variant_qualname,
                fields: &[#(#names),*],
                arguments: &#desc,
                tuple: #tuple,
                slot: &#slot,
                items: &#table,
            }
        });
        slot_idents.push(slot);
    }
    let n_variants = specs.len();
    items.extend(quote! {
        static __HPY_VARIANTS: [::__hpy::impl_::class::Variant; #n_variants] = [#(#variant_entries),*];
    });
    items.extend(data_enum_impl(ident, &specs));
    let class_items = quote! {
        const VARIANT_GLOBALS: &'static [*mut ::__hpy::impl_::HPyGlobal] =
            &[#(#slot_idents.as_ptr()),*];

        fn value_type_slot(value: &Self) -> &'static ::__hpy::impl_::class::TypeSlot {
            ::__hpy::impl_::class::variant_type_slot(value)
        }
    };
    let defs = vec![quote! {
        ::__hpy::impl_::StaticDef::new(::__hpy::impl_::slots::slot_unaryfunc::<
            ::__hpy::impl_::class::DataEnumRepr<#ident>,
        >(::__hpy::impl_::class::HPy_tp_repr))
    }];
    DataEnumParts {
        items,
        class_items,
        defs,
    }
}

/// The `DataEnum` impl: which variant a value is, its fields as Python
/// objects, a value from its fields' objects (each conversion spanned on
/// the field's type, so a type without one is reported there).
fn data_enum_impl(ident: &Ident, specs: &[VariantSpec<'_>]) -> TokenStream {
    let mut index_arms = Vec::new();
    let mut field_arms = Vec::new();
    let mut from_arms = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let v = spec.ident;
        index_arms.push(quote!(#ident::#v { .. } => #index));
        let bindings: Vec<Ident> = (0..spec.names.len())
            .map(|i| Ident::new(&format!("__hpy_field_{i}"), Span::mixed_site()))
            .collect();
        let pattern = construct(ident, spec, &bindings);
        let reads = spec
            .types
            .iter()
            .zip(&bindings)
            .enumerate()
            .map(|(i, (ty, b))| {
                let read = quote! {
                    ::__hpy::impl_::class::VariantFieldProbe::<#ty>::to_python(#b, ctx)
                };
                quote!(#i => #read)
            });
        field_arms.push(quote! {
            #pattern => match index {
                #(#reads,)*
                _ => ::core::result::Result::Err(::__hpy::impl_::class::no_such_field()),
            }
        });
        let values: Vec<Ident> = bindings.clone();
        let extracts = spec
            .types
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (ty, b))| {
                let extract = quote! {
                    ::__hpy::impl_::class::VariantFieldProbe::<#ty>::from_arguments(fields, desc, #i)?
                };
                quote!(let #b = #extract;)
            });
        let value = construct(ident, spec, &values);
        from_arms.push(quote! {
            #index => {
                #(#extracts)*
                ::core::result::Result::Ok(#value)
            }
        });
    }
    // One check per field, on its type (the uses above go through the
    // probe, which reports nothing).
    let checks = specs.iter().flat_map(|spec| &spec.types).map(|ty| {
        quote_spanned! {crate::diag::type_span(ty)=>
            ::__hpy::impl_::class::variant_field_check::<#ty>();
        }
    });
    quote! {
        #[allow(unused_imports)]
        use ::__hpy::impl_::class::NoVariantField as _;

        #[allow(dead_code)]
        fn __hpy_variant_field_checks() {
            #(#checks)*
        }

        impl ::__hpy::impl_::class::DataEnum for #ident {
            fn variants() -> &'static [::__hpy::impl_::class::Variant] {
                &__HPY_VARIANTS
            }
            fn variant_index(&self) -> usize {
                match self {
                    #(#index_arms,)*
                }
            }
            fn field<'ctx>(
                &self,
                ctx: ::__hpy::Context<'ctx>,
                index: usize,
            ) -> ::__hpy::HPyResult<::__hpy::Handle<'ctx>> {
                match self {
                    #(#field_arms,)*
                }
            }
            fn from_fields(
                variant: usize,
                fields: &[::__hpy::Borrowed<'_, '_>],
                desc: &::__hpy::impl_::FunctionDescription,
            ) -> ::__hpy::HPyResult<Self> {
                match variant {
                    #(#from_arms,)*
                    _ => ::core::result::Result::Err(::__hpy::impl_::class::no_such_field()),
                }
            }
        }
    }
}

/// `Enum::Variant { a: x, b: y }` or `Enum::Variant(x, y)` with `values`
/// as the fields (a pattern or an expression).
fn construct(ident: &Ident, spec: &VariantSpec<'_>, values: &[Ident]) -> TokenStream {
    let v = spec.ident;
    if spec.tuple {
        quote!(#ident::#v(#(#values),*))
    } else {
        let names = &spec.field_idents;
        quote!(#ident::#v { #(#names: #values),* })
    }
}
