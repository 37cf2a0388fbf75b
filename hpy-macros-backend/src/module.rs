//! `hpy_module!`: the module definition and its exported init symbols.
//!
//! Input, every entry optional except `methods` may be empty:
//!
//! ```text
//! hpy_module! {
//!     /// Docstring of the module.
//!     name: pof,                     // default: the crate's name
//!     methods: [do_nothing, path::to::add],
//!     types: [Point, #[unexported] PointIter], // #[hpy_class] types; an
//!                                    // #[unexported] one is created but is
//!                                    // not a module attribute
//!     exceptions: [MyError],         // create_exception! types
//!     constants: [ANSWER, NAME = "pof"], // a Rust const, or `NAME = expr`
//!     exec: init,                    // fn(Context, &Handle) -> HPyResult<()>
//!     attributes: [strength: Strength], // what `exec` adds, with its Rust
//!                                    // type (for the type stub only)
//!     subinterpreters: false,        // default true: loads into isolated
//!                                    // subinterpreters (PEP 684)
//!     crate: my_sdk::hpy,            // where hpy is (default: ::hpy)
//! }
//! ```

use crate::utils::ENTRY_SAFETY;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitStr, Path, Token};

use crate::utils::{c_string_literal, docstring, with_crate_path, Errors};

struct ModuleInput {
    attrs: Vec<Attribute>,
    name: Option<Ident>,
    doc: Option<LitStr>,
    methods: Vec<Path>,
    types: Vec<TypeItem>,
    globals: Vec<Path>,
    exceptions: Vec<Path>,
    /// `submodules: [...]`: the `hpy_submodule!`s created below this one.
    submodules: Vec<Path>,
    constants: Vec<Constant>,
    /// `attributes: [name: Type, ...]`: the attributes the `exec` hook
    /// sets, declared for the module's type stub.
    attributes: Vec<(Ident, syn::Type)>,
    exec: Option<Path>,
    /// `subinterpreters: bool`: whether the CPython ABI's module declares
    /// `Py_MOD_PER_INTERPRETER_GIL_SUPPORTED` (default) or "not supported".
    subinterpreters: Option<syn::LitBool>,
    /// `register: bool` (submodules only): whether the submodule goes into
    /// `sys.modules` (default) or is only its parent's attribute.
    register: Option<syn::LitBool>,
    /// Each key as given, for the keys a submodule does not take.
    keys: Vec<Ident>,
    /// `crate: path`: where the generated code finds hpy.
    krate: Option<Path>,
    errors: Errors,
}

impl Parse for ModuleInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut module = ModuleInput {
            attrs: input.call(Attribute::parse_inner)?,
            name: None,
            doc: None,
            methods: Vec::new(),
            types: Vec::new(),
            globals: Vec::new(),
            exceptions: Vec::new(),
            submodules: Vec::new(),
            constants: Vec::new(),
            attributes: Vec::new(),
            exec: None,
            subinterpreters: None,
            register: None,
            keys: Vec::new(),
            krate: None,
            errors: Errors::default(),
        };
        module.attrs.extend(input.call(Attribute::parse_outer)?);
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            input.parse::<Token![:]>()?;
            let key_name = key.to_string();
            if seen.contains(&key_name) {
                module.errors.push(syn::Error::new(
                    key.span(),
                    format!("`{key_name}` is given twice"),
                ));
            }
            seen.push(key_name.clone());
            module.keys.push(key.clone());
            match key_name.as_str() {
                "name" => module.name = Some(input.parse()?),
                "doc" => module.doc = Some(input.parse()?),
                "exec" => module.exec = Some(input.parse()?),
                "crate" => module.krate = Some(input.parse()?),
                "subinterpreters" => module.subinterpreters = Some(input.parse()?),
                "register" => module.register = Some(input.parse()?),
                "constants" => {
                    let content;
                    syn::bracketed!(content in input);
                    let list = Punctuated::<Constant, Token![,]>::parse_terminated(&content)?;
                    module.constants.extend(list);
                }
                "attributes" => {
                    let content;
                    syn::bracketed!(content in input);
                    let list = Punctuated::<AttributeDecl, Token![,]>::parse_terminated(&content)?;
                    module
                        .attributes
                        .extend(list.into_iter().map(|a| (a.name, a.ty)));
                }
                "types" => {
                    let content;
                    syn::bracketed!(content in input);
                    let list = Punctuated::<TypeItem, Token![,]>::parse_terminated(&content)?;
                    for mut item in list {
                        for e in item.errors.drain(..) {
                            module.errors.push(e);
                        }
                        module.types.push(item);
                    }
                }
                "methods" | "globals" | "exceptions" | "submodules" => {
                    let content;
                    syn::bracketed!(content in input);
                    let list = Punctuated::<Path, Token![,]>::parse_terminated(&content)?;
                    match key_name.as_str() {
                        "methods" => module.methods.extend(list),
                        "exceptions" => module.exceptions.extend(list),
                        "submodules" => module.submodules.extend(list),
                        _ => module.globals.extend(list),
                    }
                }
                _ => {
                    module.errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown hpy_module! entry{}; expected one of: name, doc, methods, types, globals, exceptions, submodules, constants, attributes, exec, subinterpreters, register, crate",
                            crate::diag::did_you_mean(
                                &Path::from(key.clone()),
                                crate::options::MODULE,
                            ),
                        ),
                    ));
                    // Skip the value so later entries are still checked.
                    let _: TokenStream = input.step(|cursor| {
                        let mut rest = *cursor;
                        while let Some((tt, next)) = rest.token_tree() {
                            if let proc_macro2::TokenTree::Punct(p) = &tt {
                                if p.as_char() == ',' {
                                    return Ok((TokenStream::new(), rest));
                                }
                            }
                            rest = next;
                        }
                        Ok((TokenStream::new(), rest))
                    })?;
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(module)
    }
}

/// One entry of `types: [...]`: a class's path, after `#[unexported]`
/// when the module creates the class without making it an attribute (its
/// instances come from the module's functions and methods, as an
/// iterator's or a view's do).
struct TypeItem {
    path: Path,
    exported: bool,
    errors: Vec<syn::Error>,
}

impl Parse for TypeItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut item = TypeItem {
            path: Path::from(Ident::new("_", Span::call_site())),
            exported: true,
            errors: Vec::new(),
        };
        for attr in input.call(Attribute::parse_outer)? {
            if attr.path().is_ident("unexported") && matches!(attr.meta, syn::Meta::Path(_)) {
                item.exported = false;
            } else {
                item.errors.push(syn::Error::new_spanned(
                    &attr,
                    "the only attribute a `types:` entry takes is `#[unexported]`",
                ));
            }
        }
        item.path = input.parse()?;
        Ok(item)
    }
}

/// One entry of `attributes: [...]`: `name: Type`.
struct AttributeDecl {
    name: Ident,
    ty: syn::Type,
}

impl Parse for AttributeDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = input.call(Ident::parse_any)?;
        input.parse::<Token![:]>()?;
        Ok(AttributeDecl {
            name,
            ty: input.parse()?,
        })
    }
}

/// One entry of `constants: [...]`: a Rust constant (its last path
/// segment is the Python name) or `NAME = expr`.
struct Constant {
    name: Ident,
    value: TokenStream,
}

impl Parse for Constant {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: Path = input.parse()?;
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            let value: syn::Expr = input.parse()?;
            let Some(name) = path.get_ident() else {
                return Err(syn::Error::new(
                    path.span(),
                    "a module constant written `NAME = value` needs a plain name before `=`",
                ));
            };
            Ok(Constant {
                name: name.clone(),
                value: quote::quote_spanned!(value.span()=> #value),
            })
        } else {
            let name = path
                .segments
                .last()
                .map(|s| s.ident.clone())
                .ok_or_else(|| syn::Error::new(path.span(), "expected a constant's path"))?;
            Ok(Constant {
                name,
                value: quote::quote_spanned!(path.span()=> #path),
            })
        }
    }
}

/// The module's name (`name:`, else the crate's), its docstring
/// expression (`doc:` or `///`) and the docstring's text.
fn name_and_doc(
    module: &ModuleInput,
    crate_name: Option<String>,
    errors: &mut Errors,
) -> (Ident, TokenStream, Option<String>) {
    let name = match (&module.name, crate_name) {
        (Some(n), _) => n.clone(),
        (None, Some(c)) => Ident::new(&c, Span::call_site()),
        (None, None) => {
            errors.push(syn::Error::new(
                Span::call_site(),
                "hpy_module! needs `name: <module name>` (CARGO_CRATE_NAME is not set)",
            ));
            Ident::new("unnamed", Span::call_site())
        }
    };
    let doc_text = match (&module.doc, docstring(&module.attrs)) {
        (Some(lit), Some(_)) => {
            errors.push(syn::Error::new(
                lit.span(),
                "give the docstring either as `doc:` or as `///`, not both",
            ));
            None
        }
        (Some(lit), None) => Some((lit.value(), lit.span())),
        (None, Some(text)) => Some((text, Span::call_site())),
        (None, None) => None,
    };
    let doc_string = doc_text.as_ref().map(|(text, _)| text.clone());
    let doc_expr = match doc_text {
        Some((text, span)) => match c_string_literal(&text, span) {
            Some(lit) => quote!(::core::option::Option::Some(#lit)),
            None => {
                errors.push(syn::Error::new(
                    span,
                    "the docstring cannot contain a NUL character",
                ));
                quote!(::core::option::Option::None)
            }
        },
        None => quote!(::core::option::Option::None),
    };
    (name, doc_expr, doc_string)
}

/// What a module's exec and a submodule's fill share: the items they
/// need (`__HPY_EXCEPTIONS`, the exceptions' `ListedInModule`) and the
/// statements that create the exceptions, classes, constants and
/// submodules, then run the user's hook, on `__hpy_module` with
/// `__hpy_ctx`.
fn fill_items(module: &ModuleInput) -> (TokenStream, TokenStream) {
    let user_exec = match &module.exec {
        Some(exec) => quote::quote_spanned! {exec.span()=>
            ::__hpy::impl_::return_status(#exec(__hpy_ctx, &__hpy_module))?;
        },
        None => quote!(),
    };
    let constants = module.constants.iter().map(|c| {
        let name = c.name.unraw().to_string();
        let value = &c.value;
        quote::quote_spanned! {c.value.span()=>
            ::__hpy::impl_::add_constant(__hpy_ctx, &__hpy_module, #name, #value)?;
        }
    });
    let types = &module.types;
    let exceptions = &module.exceptions;
    let type_entries = types.iter().map(|t| {
        let path = &t.path;
        let make = if t.exported {
            quote!(of)
        } else {
            quote!(unexported)
        };
        quote::quote_spanned! {path.span()=> ::__hpy::impl_::class::TypeEntry::#make::<#path>() }
    });
    let exception_entries = exceptions.iter().map(|e| {
        quote::quote_spanned! {e.span()=> ::__hpy::impl_::ExceptionEntry::of::<#e>() }
    });
    let submodule_entries = module.submodules.iter().map(|s| {
        quote::quote_spanned! {s.span()=> ::__hpy::impl_::SubmoduleEntry::of::<#s>() }
    });
    let submodules = if module.submodules.is_empty() {
        quote!()
    } else {
        quote! {
            ::__hpy::impl_::add_submodules(__hpy_ctx, &__hpy_module, &[#(#submodule_entries),*])?;
        }
    };
    // What `create_exception!` requires of a class: that a module lists it.
    let listed = exceptions.iter().map(|e| {
        quote::quote_spanned! {e.span()=> impl ::__hpy::impl_::ListedInModule for #e {} }
    });
    let items = quote! {
        #(#listed)*
        const __HPY_EXCEPTIONS: &[::__hpy::impl_::ExceptionEntry] = &[#(#exception_entries,)*];
    };
    let statements = quote! {
        ::__hpy::impl_::add_exceptions(__hpy_ctx, &__hpy_module, __HPY_EXCEPTIONS)?;
        ::__hpy::impl_::class::add_types(__hpy_ctx, &__hpy_module, &[#(#type_entries),*])?;
        #(#constants)*
        #submodules
        #user_exec
    };
    (items, statements)
}

/// The exec slot (`__HPY_EXEC_DEF`), which always runs: it registers the
/// globals, creates the exceptions, classes, constants and submodules,
/// then runs the user's hook.
fn exec_items(module: &ModuleInput, module_name: &str) -> TokenStream {
    let globals = &module.globals;
    // Through functions taking `&'static Global`, so that an entry of any
    // other type is an error at its span.
    let register_globals = globals.iter().map(|g| {
        let global = quote::quote_spanned!(g.span()=> &#g);
        let safety = crate::utils::safety("`__HPY_GLOBALS` lists this global");
        quote! {
            #safety
            unsafe { ::__hpy::impl_::register_global(#global) };
        }
    });
    let (items, fill) = fill_items(module);
    quote! {
        #items
        struct __HpyExec;
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::ModExec for __HpyExec {
            const NAME: &'static str = "<module exec>";
            fn call<'ctx>(
                __hpy_ctx: ::__hpy::Context<'ctx>,
                __hpy_module: ::__hpy::Borrowed<'_, 'ctx>,
            ) -> ::__hpy::HPyResult<::core::ffi::c_int> {
                #( #register_globals )*
                ::__hpy::impl_::init_panic_exception(__hpy_ctx, &__hpy_module, #module_name)?;
                #fill
                ::core::result::Result::Ok(0)
            }
        }
        static __HPY_EXEC_DEF: ::__hpy::impl_::StaticDef =
            ::__hpy::impl_::StaticDef::new(::__hpy::impl_::slot_mod_exec::<__HpyExec>());
    }
}

/// The module's own `HPyGlobal`s: the user's, one per exception, one per
/// class (hpy-rs's own, `impl_::SDK_GLOBALS`, follow in `global_list`).
fn global_ptrs(module: &ModuleInput) -> Vec<TokenStream> {
    let (globals, types) = (&module.globals, &module.types);
    globals
        .iter()
        .map(|g| {
            let global = quote::quote_spanned!(g.span()=> &#g);
            quote!(::__hpy::impl_::global_ptr(#global))
        })
        .chain(
            (0..module.exceptions.len()).map(|i| quote!(__HPY_EXCEPTIONS[#i].global.as_raw_ptr())),
        )
        .chain(
            types
                .iter()
                .map(|t| &t.path)
                .map(|t| quote::quote_spanned!(t.span()=> <#t as ::__hpy::HPyClass>::TYPE_GLOBAL)),
        )
        .collect()
}

/// The globals a module's classes and submodules bring beyond one per
/// class: each class's variant classes' (`VARIANT_GLOBALS`), each
/// submodule's (`HPySubmodule::GLOBALS`).
fn more_globals(module: &ModuleInput) -> impl Iterator<Item = TokenStream> + '_ {
    let variants = module
        .types
        .iter()
        .map(|t| &t.path)
        .map(|t| quote::quote_spanned!(t.span()=> <#t as ::__hpy::HPyClass>::VARIANT_GLOBALS));
    let submodules = module
        .submodules
        .iter()
        .map(|s| quote::quote_spanned!(s.span()=> <#s as ::__hpy::impl_::HPySubmodule>::GLOBALS));
    variants.chain(submodules)
}

/// The length of the module's global list and its value: the globals of
/// `global_ptrs`, hpy-rs's own (`SDK_GLOBALS`), then (where a class is an
/// enum with data) its variant classes' globals, then the null entry.
fn global_list(module: &ModuleInput, global_ptrs: &[TokenStream]) -> (TokenStream, TokenStream) {
    let n = global_ptrs.len() + 1;
    let more: Vec<TokenStream> = std::iter::once(quote!(::__hpy::impl_::SDK_GLOBALS))
        .chain(more_globals(module))
        .collect();
    (
        quote!({ #n #(+ #more.len())* }),
        quote!(::__hpy::impl_::GlobalList::concat([#(#global_ptrs,)*], &[#(#more),*])),
    )
}

/// The pieces of the module's type-stub description: its own line, then
/// each function's, class's (and its methods block's), exception's and
/// constant's (`hpy::impl_::stubs`).
fn stub_parts(module: &ModuleInput, module_name: &str, doc: Option<&str>) -> Vec<TokenStream> {
    use crate::stubs::{json_object, json_opt, json_str};
    let raw = |text: String| quote!(::__hpy::impl_::stubs::StubPart::Raw(#text));
    let mut parts = vec![raw(json_object(&[
        ("k", json_str("module")),
        ("name", json_str(module_name)),
        ("doc", json_opt(doc)),
    ]) + "\n")];
    for method in &module.methods {
        parts.push(quote!(::__hpy::impl_::stubs::StubPart::Raw(
            <#method as ::__hpy::impl_::PyMethod>::STUB
        )));
    }
    for TypeItem {
        path: ty, exported, ..
    } in &module.types
    {
        parts.push(quote!(::__hpy::impl_::stubs::StubPart::Raw(
            <#ty as ::__hpy::HPyClass>::STUB
        )));
        if !exported {
            // The class before it is no module attribute: a stub names it
            // for typing only.
            parts.push(raw("{\"k\":\"unexported\"}\n".into()));
        }
        // Whether instances are laid out differently from the base's
        // (PEP 800's disjoint bases).
        let layout = "{\"k\":\"layout\",\"disjoint\":true}\n";
        parts.push(quote!(::__hpy::impl_::stubs::StubPart::Raw(
            if ::__hpy::impl_::class::data_size::<#ty>() != 0 { #layout } else { "" }
        )));
        parts.push(quote!(::__hpy::impl_::stubs::StubPart::Raw({
            #[allow(unused_imports)]
            use ::__hpy::impl_::class::NoMethodItems as _;
            ::__hpy::impl_::class::MethodsProbe::<#ty>::STUB
        })));
    }
    for i in 0..module.exceptions.len() {
        // Through the entry (`exec_items`), the one place naming
        // `ExceptionDef`: a wrong entry gives one error.
        let e = quote!(__HPY_EXCEPTIONS[#i].stub);
        parts.extend([
            raw("{\"k\":\"exception\",\"qualname\":".into()),
            quote!(::__hpy::impl_::stubs::StubPart::Str(#e.0)),
            raw(",\"base\":".into()),
            quote!(::__hpy::impl_::stubs::StubPart::Str(#e.1)),
            raw(",\"doc\":".into()),
            quote!(::__hpy::impl_::stubs::StubPart::OptStr(#e.2)),
            raw(",\"attrs\":".into()),
            quote!(::__hpy::impl_::stubs::StubPart::StrList(#e.3)),
            raw("}\n".into()),
        ]);
    }
    for c in &module.constants {
        let ty = syn::parse2::<syn::Expr>(c.value.clone())
            .ok()
            .and_then(|e| literal_type(&e));
        parts.push(raw(json_object(&[
            ("k", json_str("constant")),
            ("name", json_str(&c.name.unraw().to_string())),
            ("ty", json_opt(ty)),
        ]) + "\n"));
    }
    for (name, ty) in &module.attributes {
        parts.push(raw(json_object(&[
            ("k", json_str("constant")),
            ("name", json_str(&name.unraw().to_string())),
            (
                "ty",
                json_str(&crate::stubs::py_type(ty, crate::stubs::Position::Return)),
            ),
        ]) + "\n"));
    }
    parts
}

/// The Python type of a literal constant's value.
fn literal_type(expr: &syn::Expr) -> Option<&'static str> {
    match expr {
        syn::Expr::Lit(l) => Some(match &l.lit {
            syn::Lit::Str(_) => "str",
            syn::Lit::ByteStr(_) => "bytes",
            syn::Lit::Int(_) => "int",
            syn::Lit::Float(_) => "float",
            syn::Lit::Bool(_) => "bool",
            _ => return None,
        }),
        syn::Expr::Unary(u) => literal_type(&u.expr),
        syn::Expr::Group(g) => literal_type(&g.expr),
        syn::Expr::Paren(p) => literal_type(&p.expr),
        _ => None,
    }
}

/// Expands `hpy_module! { ... }`. `crate_name` is the default module name
/// (the compiling crate's name, from `CARGO_CRATE_NAME`).
pub fn expand_hpy_module(
    input: TokenStream,
    crate_name: Option<String>,
) -> syn::Result<TokenStream> {
    let mut module: ModuleInput = syn::parse2(input)?;
    let mut errors = std::mem::take(&mut module.errors);
    refuse_keys(
        &module,
        &["register"],
        "is an `hpy_submodule!` entry: a top module is always in `sys.modules`",
        &mut errors,
    );

    let (name, doc_expr, doc_text) = name_and_doc(&module, crate_name, &mut errors);
    errors.finish()?;

    let mut defines: Vec<TokenStream> = Vec::new();
    let mut items = TokenStream::new();
    for (i, method) in module.methods.iter().enumerate() {
        let stat = format_ident!("__HPY_DEF_{}", i);
        items.extend(quote::quote_spanned! {method.span()=>
            static #stat: ::__hpy::impl_::StaticDef =
                ::__hpy::impl_::StaticDef::new(<#method as ::__hpy::impl_::PyMethod>::DEF);
        });
        defines.push(quote!(#stat));
    }
    items.extend(exec_items(&module, &name.to_string()));
    defines.push(quote!(__HPY_EXEC_DEF));
    let global_ptrs = global_ptrs(&module);
    let (n_globals, global_list) = global_list(&module, &global_ptrs);
    let count = defines.len() + 1;

    let module_name = name.to_string();
    let per_interpreter_gil = module.subinterpreters.as_ref().is_none_or(|b| b.value);
    let py_init = format_ident!("PyInit_{}", name);
    let hpy_init = format_ident!("HPyInit_{}", name);
    let global_ctx = format_ident!("HPyInitGlobalContext_{}", name);
    let major = format_ident!("get_required_hpy_major_version_{}", name);
    let minor = format_ident!("get_required_hpy_minor_version_{}", name);
    let subinterpreters = format_ident!("HPyRsSubinterpreters_{}", name);

    let stub_parts = stub_parts(&module, &module_name, doc_text.as_deref());
    let module_def_safety = crate::utils::safety(
        "the defines are the methods' (`PyMethod`) and the exec slot's (`ModExec`) \
         definitions, the globals live statics",
    );
    let expansion = quote! {
        const _: () = {
            #items

            static __HPY_DEFINES: ::__hpy::impl_::DefineList<#count> =
                ::__hpy::impl_::DefineList::new([#(#defines.as_ptr(),)* ::core::ptr::null_mut()]);

            static __HPY_GLOBALS: ::__hpy::impl_::GlobalList<#n_globals> =
                #global_list;

            #module_def_safety
            static __HPY_MODULE_DEF: ::__hpy::impl_::StaticModuleDef =
                unsafe { ::__hpy::impl_::StaticModuleDef::new(#doc_expr, &__HPY_DEFINES, &__HPY_GLOBALS) };

            ::__hpy::impl_::export_stubs!(&[#(#stub_parts),*]);

            ::__hpy::impl_::export_module! {
                name: #module_name,
                def: __HPY_MODULE_DEF,
                per_interpreter_gil: #per_interpreter_gil,
                cpython_init: #py_init,
                universal_init: #hpy_init,
                universal_context: #global_ctx,
                universal_major: #major,
                universal_minor: #minor,
                universal_subinterpreters: #subinterpreters,
            }
        };
    };
    Ok(with_crate_path(expansion, module.krate.as_ref()))
}

/// Reports each key of `keys` given in `module`, with `why`.
fn refuse_keys(module: &ModuleInput, keys: &[&str], why: &str, errors: &mut Errors) {
    for key in &module.keys {
        let name = key.to_string();
        if keys.contains(&name.as_str()) {
            errors.push(syn::Error::new(key.span(), format!("`{name}` {why}")));
        }
    }
}

/// Expands `hpy_submodule! { name: sub, ... }`: the type `sub` (an empty
/// enum) that a parent's `submodules:` lists, implementing `HPySubmodule`
/// with the submodule's definition, its globals and its fill.
pub fn expand_hpy_submodule(input: TokenStream) -> syn::Result<TokenStream> {
    let mut module: ModuleInput = syn::parse2(input)?;
    let mut errors = std::mem::take(&mut module.errors);
    refuse_keys(
        &module,
        &["globals", "subinterpreters"],
        "belongs to the top module (`hpy_module!`), which lists them for the whole binary",
        &mut errors,
    );
    refuse_keys(
        &module,
        &["attributes"],
        "is not taken by a submodule: it has no type stub of its own",
        &mut errors,
    );
    if module.name.is_none() {
        errors.push(syn::Error::new(
            Span::call_site(),
            "hpy_submodule! needs `name: <submodule name>`",
        ));
        return errors.finish().map(|()| TokenStream::new());
    }
    let (name, _, doc_text) = name_and_doc(&module, None, &mut errors);
    errors.finish()?;

    let python_name = name.unraw().to_string();
    // An identifier holds no NUL.
    let c_name = c_string_literal(&python_name, name.span()).map(|lit| quote!(#lit));
    let functions = module.methods.iter().map(|method| {
        quote::quote_spanned! {method.span()=>
            ::__hpy::impl_::StaticDef::new(<#method as ::__hpy::impl_::PyMethod>::DEF)
        }
    });
    let n_functions = module.methods.len();
    let doc = match &doc_text {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    };
    let register = module.register.as_ref().is_none_or(|b| b.value);
    let doc_attrs: Vec<&Attribute> = module
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let item_doc = if doc_attrs.is_empty() {
        let text = format!("The Python submodule `{python_name}` (`hpy_submodule!`).");
        quote!(#[doc = #text])
    } else {
        quote!(#(#doc_attrs)*)
    };
    let (items, fill) = fill_items(&module);
    let fixed = global_ptrs(&module);
    let n_fixed = fixed.len();
    let more: Vec<TokenStream> = more_globals(&module).collect();
    let fill_safety = crate::utils::safety(
        "`GLOBALS` lists the globals of the exceptions and classes `fill` creates \
         (`__HPY_EXCEPTIONS`, `TYPE_GLOBAL`, `VARIANT_GLOBALS`) and of its submodules",
    );
    let expansion = quote! {
        #item_doc
        #[allow(non_camel_case_types)]
        pub(crate) enum #name {}

        const _: () = {
            static __HPY_FUNCTIONS: [::__hpy::impl_::StaticDef; #n_functions] = [#(#functions),*];
            static __HPY_SUBMODULE: ::__hpy::impl_::SubmoduleDef =
                ::__hpy::impl_::SubmoduleDef::new(#c_name, #doc, &__HPY_FUNCTIONS, #register);
            #items

            #fill_safety
            unsafe impl ::__hpy::impl_::HPySubmodule for #name {
                const GLOBALS: &'static [*mut ::__hpy::impl_::HPyGlobal] =
                    &::__hpy::impl_::concat_globals::<{ #n_fixed #(+ #more.len())* }, #n_fixed>(
                        [#(#fixed,)*],
                        &[#(#more),*],
                    );
                fn def() -> &'static ::__hpy::impl_::SubmoduleDef {
                    &__HPY_SUBMODULE
                }
                fn fill<'ctx>(
                    __hpy_ctx: ::__hpy::Context<'ctx>,
                    __hpy_module: &::__hpy::Handle<'ctx>,
                ) -> ::__hpy::HPyResult<()> {
                    #fill
                    ::core::result::Result::Ok(())
                }
            }
        };
    };
    Ok(with_crate_path(expansion, module.krate.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_symbols_for_the_name() {
        let out = expand_hpy_module(quote!(name: pof, methods: [a, b::c]), None)
            .unwrap()
            .to_string();
        for sym in [
            "PyInit_pof",
            "HPyInit_pof",
            "HPyInitGlobalContext_pof",
            "get_required_hpy_major_version_pof",
        ] {
            assert!(out.contains(sym), "{sym} missing from {out}");
        }
        assert!(
            out.contains("< b :: c as :: hpy :: impl_ :: PyMethod > :: DEF"),
            "{out}"
        );
    }

    #[test]
    fn default_name_is_the_crate() {
        let out = expand_hpy_module(quote!(methods: []), Some("hello".into()))
            .unwrap()
            .to_string();
        assert!(out.contains("PyInit_hello"), "{out}");
    }

    #[test]
    fn exceptions_are_entries_and_globals() {
        let out = expand_hpy_module(quote!(name: m, methods: [], exceptions: [E, path::F]), None)
            .unwrap()
            .to_string();
        for part in [
            "ExceptionEntry :: of :: < E > ()",
            "ExceptionEntry :: of :: < path :: F > ()",
            "add_exceptions (__hpy_ctx , & __hpy_module , __HPY_EXCEPTIONS)",
            "__HPY_EXCEPTIONS [0usize] . global . as_raw_ptr ()",
            "__HPY_EXCEPTIONS [1usize] . global . as_raw_ptr ()",
        ] {
            assert!(out.contains(part), "{part} missing from {out}");
        }
    }

    #[test]
    fn unknown_and_duplicate_keys_are_all_reported() {
        let err = expand_hpy_module(quote!(bogus: 1, methods: [], methods: []), Some("m".into()))
            .unwrap_err();
        assert_eq!(err.into_iter().count(), 2);
    }
}
