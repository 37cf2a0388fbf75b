//! `#[hpy_class]`: a struct becomes a Python class (its `HPyClass` impl:
//! the layout, the base, the members and the derived slots).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Fields, ItemEnum, ItemStruct, LitStr, Type};

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

/// What `#[hpy_class]` is written on: a struct (its fields are the
/// object's data) or an enum of unit variants (one instance per variant).
enum ClassItem {
    Struct(ItemStruct),
    Enum(ItemEnum),
}

impl ClassItem {
    fn ident(&self) -> &Ident {
        match self {
            ClassItem::Struct(s) => &s.ident,
            ClassItem::Enum(e) => &e.ident,
        }
    }
    fn attrs(&self) -> &[syn::Attribute] {
        match self {
            ClassItem::Struct(s) => &s.attrs,
            ClassItem::Enum(e) => &e.attrs,
        }
    }
    fn generics(&self) -> &syn::Generics {
        match self {
            ClassItem::Struct(s) => &s.generics,
            ClassItem::Enum(e) => &e.generics,
        }
    }
    fn vis(&self) -> &syn::Visibility {
        match self {
            ClassItem::Struct(s) => &s.vis,
            ClassItem::Enum(e) => &e.vis,
        }
    }
}

impl quote::ToTokens for ClassItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            ClassItem::Struct(s) => s.to_tokens(tokens),
            ClassItem::Enum(e) => e.to_tokens(tokens),
        }
    }
}

/// The struct or enum `#[hpy_class]` is on.
fn parse_class_item(item: TokenStream) -> syn::Result<ClassItem> {
    match syn::parse2::<syn::Item>(item)? {
        syn::Item::Struct(s) => Ok(ClassItem::Struct(s)),
        syn::Item::Enum(e) => Ok(ClassItem::Enum(e)),
        other => Err(syn::Error::new(
            item_keyword_span(&other),
            "#[hpy_class] goes on a struct (its fields are the object's Rust data) or on an \
             enum",
        )),
    }
}

/// An enum's impl (`unit_enum`) and the class-attributes hook that adds
/// its variants; nothing for a struct.
fn enum_parts(unit_enum: Option<TokenStream>, ident: &Ident) -> (TokenStream, TokenStream) {
    match unit_enum {
        Some(imp) => (
            imp,
            quote!(::core::option::Option::Some(::__hpy::impl_::class::add_variants::<#ident>)),
        ),
        None => (TokenStream::new(), quote!(::core::option::Option::None)),
    }
}

/// Checks the options against the item (a struct, an enum of unit
/// variants, an enum with data); whether it is an enum with data.
fn check_options(item: &ClassItem, options: &ClassOptions, errors: &mut Errors) -> bool {
    match item {
        ClassItem::Enum(e) if crate::data_enum::is_data_enum(e) => {
            crate::data_enum::check_data_enum_options(options, errors);
            // Its values never change: `hash` needs no `frozen`.
            options.derives.check(true, errors);
            true
        }
        ClassItem::Enum(_) => {
            check_enum_options(options, errors);
            false
        }
        ClassItem::Struct(_) => {
            options.derives.check(false, errors);
            false
        }
    }
}

/// The expansion's parts for an enum with data (`data_enum`), empty for
/// other items.
fn data_enum_parts(
    item: &ClassItem,
    data_enum: bool,
    ident: &Ident,
    options: &ClassOptions,
) -> crate::data_enum::DataEnumParts {
    match item {
        ClassItem::Enum(e) if data_enum => {
            crate::data_enum::data_enum_parts(e, ident, &qualname(options, ident))
        }
        _ => Default::default(),
    }
}

/// Expands `#[hpy_class(attr)] struct ...` (or `enum ...`).
pub fn expand_hpy_class(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut item = parse_class_item(item)?;
    let mut errors = Errors::default();
    check_item(&item, &mut errors);
    let options = parse_class_options(attr, &mut errors);
    let is_data_enum = check_options(&item, &options, &mut errors);
    let ident = item.ident().clone();
    let c_qualname = c_qualname(&options, &ident, &mut errors);
    let doc_expr = doc_option(docstring(item.attrs()), ident.span(), &mut errors);

    let (shape_ident, base, metaclass) = class_bases(&options, &mut errors);
    let (field_types, members) = fields_and_members(&mut item, &options, &mut errors);
    let unit_enum = match &item {
        ClassItem::Enum(e) if !is_data_enum => Some(unit_enum(e)),
        _ => None,
    };
    errors.finish()?;
    let c_qualname = c_qualname.expect("checked above");
    let data_enum = data_enum_parts(&item, is_data_enum, &ident, &options);

    check_plain_only_options(&options, &ident)?;
    // The variants of an enum with data are subclasses of it.
    let flags = class_flags(&options, is_data_enum);

    let MemberItems {
        items: member_items,
        defs: member_defs,
        properties: member_properties,
    } = member_items(&members, &ident)?;
    let object_slot_consts = object_slot_consts(&options);
    let mut class_defs = class_defs(&options, &ident, member_defs, unit_enum.is_some());
    class_defs.extend(data_enum.defs);
    let (basicsize, data_offset, ancestry) = layout(options.extends.as_ref(), &ident);
    let parent_check = parent_check(&options, &ident);

    let vis = item.vis();
    let slot_static = format_ident!("__HPY_TYPE_{}", ident);
    // An enum's instances (its variants, or their values) never change.
    let frozen = options.derives.frozen.is_some() || unit_enum.is_some() || is_data_enum;
    let class_impls = options
        .derives
        .class_impls(&ident, unit_enum.is_some(), frozen);
    let derived_slots = options.derives.derived_slots(unit_enum.is_some());
    let (enum_impl, class_attributes) = enum_parts(unit_enum, &ident);
    let class_items = class_table(
        &class_defs,
        &member_properties,
        class_attributes,
        derived_slots,
        is_data_enum,
    );
    let hpy_class_impl = HPyClassImpl {
        ident: &ident,
        field_types: &field_types,
        frozen,
        object_slot_consts,
        info: quote! {
            ::__hpy::impl_::class::ClassInfo {
                qualname: #c_qualname,
                doc: #doc_expr,
                flags: #(#flags)|*,
                shape: ::__hpy::impl_::class::#shape_ident,
                base: #base,
                metaclass: #metaclass,
                basicsize: #basicsize,
                data_offset: #data_offset,
            }
        },
        ancestry,
        slot_static: &slot_static,
        default_value: default_value(&options),
        extra: data_enum.class_items,
        stub: class_stub(&item, &options, &members, is_data_enum).to_json(),
    }
    .to_tokens();
    let field_collection_check = field_collection_check(&field_types);
    let data_enum_items = data_enum.items;
    let into_hpy = into_hpy_impl(&ident);
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
            #field_collection_check

            #parent_check

            #hpy_class_impl

            #enum_impl

            #member_items

            #data_enum_items

            #into_hpy

            #class_items

            #class_impls
        };
    };
    Ok(with_crate_path(expansion, options.krate.as_ref()))
}

/// A class's value returned from Rust: a new instance holding it (inlined
/// into the call wrapper that returns it).
fn into_hpy_impl(ident: &Ident) -> TokenStream {
    quote! {
        impl<'ctx> ::__hpy::IntoHPy<'ctx> for #ident {
            #[inline]
            fn into_hpy(self, ctx: ::__hpy::Context<'ctx>) -> ::__hpy::HPyResult<::__hpy::Handle<'ctx>> {
                ::__hpy::impl_::class::new_instance(ctx, self)
            }
        }
    }
}

/// What the class's type stub says about it.
fn class_stub<'a>(
    item: &'a ClassItem,
    options: &ClassOptions,
    members: &'a [Member],
    data_enum: bool,
) -> crate::stubs::ClassStub<'a> {
    use crate::stubs::{AttributeStub, ClassStub, VariantStub};
    let ident = item.ident();
    let base = match (&options.extends, &options.base, &options.shape) {
        (Some(parent), _, _) => parent
            .segments
            .last()
            .map(|s| format!("{{{}}}", s.ident.unraw())),
        (None, Some(constant), _) => constant.get_ident().and_then(|c| {
            let name = c.to_string();
            let builtin = name.strip_suffix("Type")?;
            Some(match builtin {
                "Long" => "int".to_owned(),
                "Unicode" => "str".to_owned(),
                "BaseObject" => return None,
                other => other.to_lowercase(),
            })
        }),
        (None, None, Some((shape, _))) if shape != "object" => Some(shape.clone()),
        _ => None,
    };
    let (unit_variants, data_variants) = match item {
        ClassItem::Enum(e) if data_enum => (
            Vec::new(),
            e.variants
                .iter()
                .map(|v| VariantStub {
                    name: v.ident.unraw().to_string(),
                    fields: v
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| AttributeStub {
                            name: f
                                .ident
                                .as_ref()
                                .map_or_else(|| format!("_{i}"), |n| n.unraw().to_string()),
                            ty: &f.ty,
                            readonly: true,
                            doc: docstring(&f.attrs),
                        })
                        .collect(),
                })
                .collect(),
        ),
        ClassItem::Enum(e) => (
            e.variants
                .iter()
                .map(|v| v.ident.unraw().to_string())
                .collect(),
            Vec::new(),
        ),
        ClassItem::Struct(_) => (Vec::new(), Vec::new()),
    };
    let unit_enum = !unit_variants.is_empty();
    let mut dunders = Vec::new();
    if options.derives.eq.is_some() || options.derives.ord.is_some() || unit_enum {
        dunders.extend(["__eq__", "__ne__"]);
    }
    if options.derives.ord.is_some() {
        dunders.extend(["__lt__", "__le__", "__gt__", "__ge__"]);
    }
    if options.derives.hash.is_some() || unit_enum {
        dunders.push("__hash__");
    }
    if options.derives.str.is_some() {
        dunders.push("__str__");
    }
    ClassStub {
        metaclass: options.metaclass.as_ref().and_then(|m| {
            let last = m.segments.last()?.ident.unraw().to_string();
            Some(match last.strip_suffix("Type") {
                Some(_) if is_constant_path(m) => "type".to_owned(),
                _ => format!("{{{last}}}"),
            })
        }),
        rust_name: ident.unraw().to_string(),
        py_name: options
            .name
            .as_ref()
            .map_or_else(|| ident.unraw().to_string(), LitStr::value),
        doc: docstring(item.attrs()),
        base,
        members: members
            .iter()
            .map(|m| AttributeStub {
                name: m.py_name.clone(),
                ty: &m.ty,
                readonly: m.readonly,
                doc: m.doc.clone(),
            })
            .collect(),
        unit_variants,
        data_variants,
        dunders,
        subclass: options.subclass,
    }
}

/// The parts of the `HPyClass` impl, whose items fix the layout.
struct HPyClassImpl<'a> {
    ident: &'a Ident,
    field_types: &'a [Type],
    frozen: bool,
    object_slot_consts: TokenStream,
    /// The `ClassInfo` value.
    info: TokenStream,
    /// The items chaining to an `extends` parent (`layout`).
    ancestry: TokenStream,
    slot_static: &'a Ident,
    default_value: TokenStream,
    /// More items (an enum with data's variant classes).
    extra: TokenStream,
    /// The class's type-stub description.
    stub: String,
}

impl HPyClassImpl<'_> {
    fn to_tokens(&self) -> TokenStream {
        let HPyClassImpl {
            ident,
            field_types,
            frozen,
            object_slot_consts,
            info,
            ancestry,
            slot_static,
            default_value,
            extra,
            stub,
        } = self;
        let class_safety = crate::utils::safety(
            "the layout facts below are computed from the struct itself; this impl is the only \
             one the class gets",
        );
        let frozen_impl = frozen.then(|| {
            let frozen_safety = crate::utils::safety(
                "`frozen`: `FROZEN` is true, so no `RefMut` of the class compiles",
            );
            quote! {
                #frozen_safety
                unsafe impl ::__hpy::FrozenClass for #ident {}
            }
        });
        quote! {
        #class_safety
        unsafe impl ::__hpy::HPyClass for #ident {
            const FIELD_SLOTS: usize = 0 #(+ ::__hpy::impl_::class::FieldProbe::<#field_types>::SLOTS)*;

            const TYPED_FIELDS: bool = false #(|| ::__hpy::impl_::class::FieldProbe::<#field_types>::TYPED)*;

            type Pending<'ctx> = <::__hpy::impl_::class::PickPending<
                { <Self as ::__hpy::HPyClass>::FIELD_SLOTS },
                { <Self as ::__hpy::HPyClass>::TYPED_FIELDS },
            > as ::__hpy::impl_::class::PickPendingList>::List<'ctx>;

            const FROZEN: bool = #frozen;

            #object_slot_consts

            const VISIT_VALUE: ::core::option::Option<::__hpy::impl_::class::VisitValueFn> =
                ::__hpy::impl_::class::ValueProbe::<#ident>::VISIT;

            const INFO: ::__hpy::impl_::class::ClassInfo = #info;

            #ancestry

            fn type_slot() -> &'static ::__hpy::impl_::class::TypeSlot {
                &#slot_static
            }

            const TYPE_GLOBAL: *mut ::__hpy::impl_::HPyGlobal = #slot_static.as_ptr();

            fn default_value() -> ::core::option::Option<Self> {
                #default_value
            }

            #extra

            const STUB: &'static str = #stub;
        }
        #frozen_impl
            }
    }
}

/// `HPy_TPFLAGS_*` of the class: `BASETYPE` for `subclass`, `HAVE_GC`
/// where it (or a Rust ancestor) has fields to traverse, and hpy-rs's own
/// `IMMUTABLETYPE` for `immutable_type`.
fn class_flags(options: &ClassOptions, data_enum: bool) -> Vec<TokenStream> {
    let mut flags = vec![quote!(0)];
    if options.subclass || data_enum {
        flags.push(quote!(::__hpy::impl_::class::TPFLAGS_BASETYPE));
    }
    if options.immutable_type {
        flags.push(quote!(::__hpy::impl_::class::TPFLAGS_IMMUTABLETYPE));
    }
    // Traversed (and tracked by the GC) when this class or a Rust ancestor
    // has `Field` slots.
    flags.push(quote!(if <Self as ::__hpy::HPyClass>::HAS_FIELDS {
        ::__hpy::impl_::class::TPFLAGS_HAVE_GC
    } else {
        0
    }));
    flags
}

/// For `extends = Parent`: the check that the parent allows subclasses,
/// and the `Extends` impl.
fn parent_check(options: &ClassOptions, ident: &Ident) -> Option<TokenStream> {
    options.extends.as_ref().map(|parent| {
        let extends_safety = crate::utils::safety("`Parent` is the class named by `extends`");
        quote_spanned! {parent.span()=>
            const _: () = ::core::assert!(
                <#parent as ::__hpy::HPyClass>::INFO.flags & ::__hpy::impl_::class::TPFLAGS_BASETYPE != 0,
                "the class named by `extends` must be declared with `subclass`",
            );

            #extends_safety
            unsafe impl ::__hpy::impl_::class::Extends for #ident {
                type Parent = #parent;
            }
        }
    })
}

/// The value the data of an instance made by a builtin's constructor
/// starts with (`Default::default()`), `None` for plain classes.
fn default_value(options: &ClassOptions) -> TokenStream {
    if options.shape.as_ref().is_some_and(|(s, _)| s != "object") {
        quote!(::core::option::Option::Some(
            <Self as ::core::default::Default>::default()
        ))
    } else {
        quote!(::core::option::Option::None)
    }
}

/// `tp_name`: `"module.Name"` (or just `"Name"`).
fn qualname(options: &ClassOptions, ident: &Ident) -> String {
    let py_name = options
        .name
        .as_ref()
        .map_or_else(|| ident.unraw().to_string(), LitStr::value);
    match &options.module {
        Some(m) => format!("{}.{py_name}", m.value()),
        None => py_name,
    }
}

/// `tp_name` as a C string literal: `"module.Name"` (or just `"Name"`);
/// `None` (reported) if it holds a NUL.
fn c_qualname(
    options: &ClassOptions,
    ident: &Ident,
    errors: &mut Errors,
) -> Option<proc_macro2::Literal> {
    let qualname = qualname(options, ident);
    let c_qualname = c_string_literal(&qualname, ident.span());
    if c_qualname.is_none() {
        errors.push(syn::Error::new(
            ident.span(),
            "the class name cannot contain a NUL character",
        ));
    }
    c_qualname
}

/// Every field's type, for counting the `Field` slots by type (so aliases,
/// `Option<Field>` and arrays count, and a foreign type that happens to be
/// called `Field` does not), and the `#[member]` fields.
fn fields_and_members(
    item: &mut ClassItem,
    options: &ClassOptions,
    errors: &mut Errors,
) -> (Vec<Type>, Vec<Member>) {
    match item {
        ClassItem::Struct(s) => (
            s.fields.iter().map(|f| f.ty.clone()).collect(),
            take_members(s, options.derives.frozen.is_some(), errors),
        ),
        ClassItem::Enum(_) => (Vec::new(), Vec::new()),
    }
}

/// `Field`s in a `Vec` (or another growing collection) would get no
/// slot: a check per field type that fails on such a type, naming
/// `FieldSlots` (`None` without fields).
fn field_collection_check(field_types: &[Type]) -> Option<TokenStream> {
    (!field_types.is_empty()).then(|| {
        let checks = field_types.iter().map(|ty| {
            quote_spanned!(crate::diag::type_span(ty)=>
                ::__hpy::impl_::class::FieldCollectionProbe::<#ty>::check();
            )
        });
        quote! {
            #[allow(unused_imports)]
            use ::__hpy::impl_::class::NotAFieldCollection as _;
            #[allow(dead_code)]
            fn field_collections() {
                #(#checks)*
            }
        }
    })
}

/// The checks of the item itself: its fields (or variants) and generics.
fn check_item(item: &ClassItem, errors: &mut Errors) {
    match &item {
        ClassItem::Struct(s) => {
            for field in &s.fields {
                if let Some(e) = crate::diag::pyo3_field_attr(&field.attrs) {
                    errors.push(e);
                }
                if let Some(e) = crate::diag::class_field_error(&field.ty) {
                    errors.push(e);
                }
            }
        }
        ClassItem::Enum(e) if crate::data_enum::is_data_enum(e) => {
            crate::data_enum::check_data_enum(e, errors)
        }
        ClassItem::Enum(e) => check_unit_enum(e, errors),
    }
    if let ClassItem::Enum(e) = item {
        if !e.generics.params.is_empty() {
            errors.push(syn::Error::new(
                e.generics.span(),
                "a #[hpy_class] enum cannot be generic: Python needs one concrete class per \
                 enum. Declare an enum for each type you expose (`enum ShapeF64 { .. }`)",
            ));
            return;
        }
    }
    let generics = item.generics();
    if generics.lifetimes().next().is_some() && generics.type_params().next().is_none() {
        errors.push(syn::Error::new(
            generics.span(),
            "a #[hpy_class] struct cannot borrow (no lifetime parameters): its value lives as \
             long as the Python object, past every call. Own the data (`String`, not \
             `&'a str`), and keep Python objects in a `hpy::Field`",
        ));
    } else if !generics.params.is_empty() {
        errors.push(syn::Error::new(
            generics.span(),
            "#[hpy_class] structs cannot be generic: Python needs one concrete type per class. \
             Declare a class for each type you expose, holding the generic value, e.g. \
             `#[hpy_class] struct FloatBox { inner: Wrapper<f64> }`",
        ));
    }
}

/// The options for plain classes only: `dict`, `weakref` (classes based on
/// `object`) and `subclass` (not with a builtin shape).
fn check_plain_only_options(options: &ClassOptions, ident: &Ident) -> syn::Result<()> {
    for span in [options.dict, options.weakref].into_iter().flatten() {
        let builtin_shape = options.shape.as_ref().is_some_and(|(s, _)| s != "object");
        if options.extends.is_some() || options.base.is_some() || builtin_shape {
            return Err(syn::Error::new(
                span,
                "`dict` and `weakref` are for classes based on `object`: remove `extends`, \
                 `base` or `shape`, or remove `dict`/`weakref`",
            ));
        }
    }
    if options.subclass && options.shape.as_ref().is_some_and(|(s, _)| s != "object") {
        return Err(syn::Error::new(
            ident.span(),
            "`subclass` is only supported for plain classes: HPy 0.9 cannot locate the Rust data of a Python \
             subclass of a class that extends a builtin type",
        ));
    }
    Ok(())
}

/// The `HPyClass` constants of `dict` and `weakref`.
fn object_slot_consts(options: &ClassOptions) -> TokenStream {
    let mut consts = TokenStream::new();
    if options.dict.is_some() {
        consts.extend(quote!(
            const DICT: bool = true;
        ));
    }
    if options.weakref.is_some() {
        consts.extend(quote!(
            const WEAKREF: bool = true;
        ));
    }
    consts
}

/// The definitions of the class's own table: its members, `dict`/`weakref`
/// offsets, derived and enum slots, `tp_destroy` and `tp_traverse`.
fn class_defs(
    options: &ClassOptions,
    ident: &Ident,
    member_defs: Vec<TokenStream>,
    unit_enum: bool,
) -> Vec<TokenStream> {
    let mut class_defs = member_defs;
    // `dict`/`weakref`: where the interpreter's slots are, and `__dict__`.
    if options.dict.is_some() {
        class_defs.push(quote!(::__hpy::impl_::StaticDef::new(
            ::__hpy::impl_::class::dict_offset_def::<#ident>()
        )));
        class_defs.push(quote!(::__hpy::impl_::StaticDef::new(
            ::__hpy::impl_::class::dict_getset_def::<#ident>()
        )));
    }
    if options.weakref.is_some() {
        class_defs.push(quote!(::__hpy::impl_::StaticDef::new(
            ::__hpy::impl_::class::weaklist_offset_def::<#ident>()
        )));
    }
    class_defs.extend(options.derives.slot_defs(ident));
    if unit_enum {
        class_defs.extend(enum_slot_defs(ident));
    }
    class_defs.push(
        quote!(::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_destroy::<#ident>())),
    );
    // Left out of the class's list unless it has `Field` slots (`HAS_FIELDS`).
    class_defs.push(
        quote!(::__hpy::impl_::StaticDef::new(::__hpy::impl_::class::slot_traverse::<#ident>())),
    );
    class_defs
}

/// The class's own `ClassItems` table, `__HPY_CLASS_ITEMS`, and the statics
/// it points to.
fn class_table(
    class_defs: &[TokenStream],
    member_properties: &[TokenStream],
    class_attributes: TokenStream,
    (defines_richcmp, defines_hash): (bool, bool),
    data_enum: bool,
) -> TokenStream {
    let variants = data_enum.then(|| quote!(variants: &__HPY_VARIANTS,));
    let n_defs = class_defs.len();
    let n_properties = member_properties.len();
    quote! {
        static __HPY_CLASS_DEFS: [::__hpy::impl_::StaticDef; #n_defs] = [#(#class_defs),*];
        static __HPY_MEMBER_PROPERTIES: [::__hpy::impl_::class::PropertyMethods; #n_properties] =
            [#(#member_properties),*];
        static __HPY_CLASS_ITEMS: ::__hpy::impl_::class::ClassItems = ::__hpy::impl_::class::ClassItems {
            defs: &__HPY_CLASS_DEFS,
            properties: &__HPY_MEMBER_PROPERTIES,
            class_attributes: #class_attributes,
            defines_richcmp: #defines_richcmp,
            defines_hash: #defines_hash,
            #variants
            ..::__hpy::impl_::class::ClassItems::EMPTY
        };
    }
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

/// Reports what an enum of unit variants cannot have: no variants, or
/// `#[member]`s.
fn check_unit_enum(e: &ItemEnum, errors: &mut Errors) {
    if e.variants.is_empty() {
        errors.push(syn::Error::new(
            e.ident.span(),
            "a #[hpy_class] enum needs at least one variant: its instances are its variants",
        ));
    }
    for v in &e.variants {
        for attr in &v.attrs {
            if attr.path().is_ident("member") {
                errors.push(syn::Error::new(
                    attr.span(),
                    "#[member] goes on a struct's fields, not on an enum's variants",
                ));
            }
        }
    }
}

/// Reports the `#[hpy_class]` options an enum cannot have.
fn check_enum_options(options: &ClassOptions, errors: &mut Errors) {
    for (name, span) in &options.given {
        let why = match name.as_str() {
            "name" | "module" | "crate" | "str" | "frozen" => continue,
            "eq" | "hash" | "ord" => {
                "an enum class compares its variants (and ints) and hashes them already: remove it"
            }
            "subclass" | "extends" | "base" | "shape" | "metaclass" => {
                "an enum class has exactly its variants as instances, so it cannot be \
                 subclassed or extend another type: remove it"
            }
            "weakref" | "dict" => {
                "an enum's variants are shared class attributes and cannot carry \
                 per-instance attributes: remove it"
            }
            _ => continue,
        };
        errors.push(syn::Error::new(
            *span,
            format!("`{name}` is not an option of a #[hpy_class] enum: {why}"),
        ));
    }
}

/// The `UnitEnum` impl of a `#[hpy_class]` enum.
fn unit_enum(e: &ItemEnum) -> TokenStream {
    let ident = &e.ident;
    let names: Vec<String> = e
        .variants
        .iter()
        .map(|v| v.ident.unraw().to_string())
        .collect();
    let variants: Vec<&Ident> = e.variants.iter().map(|v| &v.ident).collect();
    let indices = 0..variants.len();
    let indices2 = 0..variants.len();
    quote! {
        impl ::__hpy::impl_::class::UnitEnum for #ident {
            const VARIANTS: &'static [&'static str] = &[#(#names),*];
            fn variant(index: usize) -> Self {
                match index {
                    #(#indices => #ident::#variants,)*
                    _ => ::core::panic!("no such variant"),
                }
            }
            fn index(&self) -> usize {
                match self {
                    #(#ident::#variants => #indices2,)*
                }
            }
            fn discriminant(&self) -> isize {
                match self {
                    #(#ident::#variants => #ident::#variants as isize,)*
                }
            }
        }
    }
}

/// The slots of an enum class: `__repr__`, `__int__`, `__eq__`/`__ne__`,
/// `__hash__`.
fn enum_slot_defs(ident: &Ident) -> Vec<TokenStream> {
    [
        ("slot_unaryfunc", "EnumRepr", "HPy_tp_repr"),
        ("slot_unaryfunc", "EnumInt", "HPy_nb_int"),
        ("slot_richcmpfunc", "EnumRichCmp", "HPy_tp_richcompare"),
        ("slot_hashfunc", "EnumHash", "HPy_tp_hash"),
    ]
    .into_iter()
    .map(|(maker, body, slot)| {
        let (maker, body, slot) = (
            format_ident!("{}", maker),
            format_ident!("{}", body),
            format_ident!("{}", slot),
        );
        quote! {
            ::__hpy::impl_::StaticDef::new(::__hpy::impl_::slots::#maker::<
                ::__hpy::impl_::class::#body<#ident>,
            >(::__hpy::impl_::class::#slot))
        }
    })
    .collect()
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

/// What `#[hpy_class]` writes for its members: per member a marker type
/// (`MemberField`: which field), its getset definition and its hidden
/// property methods (for PyPy, see `PropertyMethods`).
#[derive(Default)]
struct MemberItems {
    items: TokenStream,
    defs: Vec<TokenStream>,
    properties: Vec<TokenStream>,
}

/// The members as properties whose getter and setter go through the
/// instance's borrow flag (`MemberGet`/`MemberSet`).
fn member_items(members: &[Member], ident: &Ident) -> syn::Result<MemberItems> {
    let mut member_errors = Errors::default();
    let mut out = MemberItems::default();
    for m in members {
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
            continue;
        };
        let doc = doc_option(doc.clone(), *span, &mut member_errors);
        let marker = format_ident!("__HpyMember_{}", field.unraw());
        // The conversions, spanned on the field's type: a type without
        // them is reported there.
        let to_python = quote_spanned! {ty.span()=>
            ::__hpy::impl_::class::MemberRead::member_get(value, ctx)
        };
        let from_python = if *readonly {
            quote!(::core::result::Result::Err(::__hpy::impl_::class::readonly_member(#py_name)))
        } else {
            quote_spanned! {ty.span()=>
                <#ty as ::__hpy::impl_::class::MemberWrite>::member_extract(obj)
            }
        };
        out.items.extend(quote! {
            #[allow(non_camel_case_types)]
            struct #marker;
            impl ::__hpy::impl_::class::MemberField for #marker {
                type Class = #ident;
                type Value = #ty;
                const NAME: &'static str = #py_name;
                #[inline]
                fn field(value: &#ident) -> &#ty {
                    &value.#field
                }
                #[inline]
                fn field_mut(value: &mut #ident) -> &mut #ty {
                    &mut value.#field
                }
                #[inline]
                fn to_python<'ctx>(
                    value: &#ty,
                    ctx: ::__hpy::Context<'ctx>,
                ) -> ::__hpy::HPyResult<::__hpy::Handle<'ctx>> {
                    #to_python
                }
                #[inline]
                fn from_python(obj: &::__hpy::Handle<'_>) -> ::__hpy::HPyResult<#ty> {
                    #from_python
                }
            }
        });
        let getter = quote!(::__hpy::impl_::class::MemberGet<#marker>);
        let setter = if *readonly {
            quote!(::__hpy::impl_::class::NoSetter<#getter>)
        } else {
            quote!(::__hpy::impl_::class::MemberSet<#marker>)
        };
        out.defs.push(quote! {
            ::__hpy::impl_::StaticDef::new(
                ::__hpy::impl_::class::getset::<#getter, #setter>(#c_name, #doc, true)
            )
        });
        // Dotted hidden names, as `#[getter]`s get (see `gen_getset`).
        let hidden = ["__get__", "__set__", "__delete__"].map(|what| {
            c_string_literal(&format!("{py_name}.{what}"), *span).expect("checked above")
        });
        out.properties.push(quote! {
            ::__hpy::impl_::class::PropertyMethods::new::<#getter, #setter>(#c_name, #doc, [#(#hidden),*])
        });
    }
    member_errors.finish()?;
    Ok(out)
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
        Some(parent) => {
            let init_safety = crate::utils::safety(
                "forwarded: the parent's blocks come first in the data at `start`",
            );
            let forward_safety = crate::utils::safety("forwarded from this function's contract");
            (
                quote!(::__hpy::impl_::class::extends_size::<#parent, #ident>()),
                quote!(::__hpy::impl_::class::extends_offset::<#parent, #ident>()),
                quote! {
                    const NEEDS_DESTROY: bool = ::core::mem::needs_drop::<Self>()
                        || <#parent as ::__hpy::HPyClass>::NEEDS_DESTROY;

                    const HAS_FIELDS: bool = <Self as ::__hpy::HPyClass>::FIELD_SLOTS != 0
                        || <Self as ::__hpy::HPyClass>::VISIT_VALUE.is_some()
                        || <#parent as ::__hpy::HPyClass>::HAS_FIELDS;

                    #init_safety
                    unsafe fn init_ancestors(start: *mut u8) {
                        unsafe { ::__hpy::impl_::class::init_ancestor::<#parent>(start) }
                    }

                    #forward_safety
                    unsafe fn destroy_ancestors(start: *mut u8) {
                        unsafe { ::__hpy::impl_::class::destroy_chain::<#parent>(start) }
                    }

                    #forward_safety
                    unsafe fn visit_ancestors(
                        start: *mut u8,
                        visit: &mut dyn ::core::ops::FnMut(*mut ::__hpy::impl_::HPyField) -> ::core::ffi::c_int,
                    ) -> ::core::ffi::c_int {
                        unsafe { ::__hpy::impl_::class::visit_chain::<#parent>(start, visit) }
                    }
                },
            )
        }
    }
}
