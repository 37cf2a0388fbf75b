//! The slots of an `#[hpy_methods]` block: which dunder methods fill which
//! HPy slot (the `DUNDERS`, `EXPLICIT`, `PUBLISHED` and `UNSUPPORTED`
//! tables) and the slot functions generated for them, the buffer protocol
//! included.

use crate::utils::ENTRY_SAFETY;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::{ImplItemFn, Type};

use crate::attributes::Convention;
use crate::method::{
    at_return, call_user, callable_entry, classify_params, description, Callable, Source,
};
use crate::methods::{self_ty_name, Generated};
use crate::utils::{c_string_literal, Errors};

/// What a slot's generated body does with the user method.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SlotKind {
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
pub(crate) const DUNDERS: &[(&str, &str, SlotKind, Option<&str>)] = &[
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
pub(crate) const EXPLICIT: &[(&str, SlotKind)] = &[
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
pub(crate) const PUBLISHED: &[&str] = &[
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
pub(crate) const UNSUPPORTED: &[(&str, &str)] = &[
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

pub(crate) fn gen_ass_subscript(
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
            quote! { { #desc #prelude ::__hpy::impl_::return_status(#call) } }
        }
        None => quote! {
            ::core::result::Result::Err(::__hpy::HPyErr::type_error(
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
            quote! { { #desc #prelude ::__hpy::impl_::return_status(#call) } }
        }
        None => quote! {
            ::core::result::Result::Err(::__hpy::HPyErr::type_error(
                ::std::format!("'{}' object does not support item deletion", #type_name),
            ))
        },
    };
    out.items.extend(quote! {
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::slots::ObjObjArgProc for #entry {
            const NAME: &'static str = "__setitem__";
            fn call<'a, 'ctx>(
                __hpy_ctx: ::__hpy::Context<'ctx>,
                arg0: ::__hpy::Borrowed<'a, 'ctx>,
                arg1: ::__hpy::Borrowed<'a, 'ctx>,
                arg2: ::core::option::Option<::__hpy::Borrowed<'a, 'ctx>>,
            ) -> ::__hpy::HPyResult<::core::ffi::c_int> {
                let __hpy_self = arg0;
                match arg2 {
                    ::core::option::Option::Some(__hpy_value) => #set_branch,
                    ::core::option::Option::None => #del_branch,
                }
            }
        }
    });
    out.defs.push(quote!(::__hpy::impl_::slots::slot_objobjargproc::<#entry>(::__hpy::impl_::class::HPy_mp_ass_subscript)));
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn gen_slot(
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
            call_method(f, self_ty, errors, source)
        };
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
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>),
                {
                    let conv =
                        quote_spanned!(ret_span=> ::__hpy::impl_::return_object(#ctx, #call));
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
            let conv = quote_spanned!(ret_span=> ::__hpy::impl_::class::#conv(#call));
            (
                t,
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>),
                quote! { let __hpy_self = arg0; #prelude #conv },
                d,
            )
        }
        SlotKind::Binary => {
            if !expect_python(1, "`&self` and one argument", errors) {
                return;
            }
            let (desc, prelude, call) = call_with(f, errors, &mut |_| arg(quote!(arg1)));
            if name == "__getitem__" {
                // Also `sq_item`, so that CPython iterates the object by
                // index (`PySequence_Check`), as Python classes and PyO3's.
                after.push(quote!(::__hpy::impl_::slots::slot_ssizeargfunc::<
                    ::__hpy::impl_::slots::ItemFromSubscript<#entry>,
                >(::__hpy::impl_::class::HPy_sq_item)));
            }
            (
                quote!(BinaryFunc),
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>),
                {
                    let conv =
                        quote_spanned!(ret_span=> ::__hpy::impl_::return_object(#ctx, #call));
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
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>),
                {
                    let conv = quote_spanned!(ret_span=> ::__hpy::impl_::class::return_bool(#call));
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
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::impl_::HPy_ssize_t),
                {
                    let conv =
                        quote_spanned!(ret_span=> ::__hpy::impl_::return_object(#ctx, #call));
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
                    arg0: ::__hpy::Borrowed<'a, 'ctx>,
                    arg1: ::__hpy::impl_::HPy_ssize_t,
                    arg2: ::core::option::Option<::__hpy::Borrowed<'a, 'ctx>>
                ),
                quote! { let __hpy_self = arg0; #desc #prelude ::__hpy::impl_::return_status(#call) },
                quote!(slot_ssizeobjargproc),
            )
        }
        SlotKind::Number | SlotKind::Power => number_slot(
            out, &mut after, forward, reflected, kind, entry, self_ty, span, errors,
        ),
        SlotKind::InPlace | SlotKind::InPlacePower => {
            let (_, prelude, call) = call_with(f, errors, &mut |i| {
                if i == 0 {
                    Source::Raw(quote!(__hpy_other))
                } else {
                    arg(quote!(arg2))
                }
            });
            let body = quote! {
                let ::core::option::Option::Some(__hpy_other) = ::__hpy::impl_::class::try_extract(&arg1)? else {
                    return ::__hpy::impl_::class::not_implemented(__hpy_ctx);
                };
                let __hpy_self = arg0;
                #prelude
                ::__hpy::impl_::return_status(#call)?;
                ::core::result::Result::Ok(arg0.dup().into_raw())
            };
            if kind == SlotKind::InPlacePower {
                (
                    quote!(TernaryFunc),
                    quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>, arg2: ::__hpy::Borrowed<'a, 'ctx>),
                    body,
                    quote!(slot_ternaryfunc),
                )
            } else {
                (
                    quote!(BinaryFunc),
                    quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>),
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
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>, arg2: ::__hpy::impl_::HPy_RichCmpOp),
                quote! {
                    let ::core::option::Option::Some(__hpy_other) = ::__hpy::impl_::class::try_extract(&arg1)? else {
                        return ::__hpy::impl_::class::not_implemented(__hpy_ctx);
                    };
                    let __hpy_op = ::__hpy::impl_::class::compare_op(arg2)?;
                    let __hpy_self = arg0;
                    #prelude
                    ::__hpy::impl_::return_object(__hpy_ctx, #call)
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
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>),
                quote! {
                    let __hpy_self = arg0;
                    ::__hpy::impl_::class::finalize_guarded(&arg0, "__del__", || -> ::__hpy::HPyResult<()> { #prelude ::__hpy::impl_::return_status(#call).map(|_| ()) });
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
            out.defs.push(quote!(::__hpy::impl_::slot_call::<#entry>()));
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
        | SlotKind::RichCmp => quote!(::__hpy::impl_::HPy),
        SlotKind::Inquiry | SlotKind::Contains | SlotKind::SsizeObjArg => {
            quote!(::core::ffi::c_int)
        }
        SlotKind::Len => quote!(::__hpy::impl_::HPy_ssize_t),
        SlotKind::Hash => quote!(::__hpy::impl_::HPy_hash_t),
        SlotKind::Finalize => quote!(()),
        SlotKind::Call | SlotKind::AssSubscript => unreachable!(),
    };
    // As for number methods: the user's location, the macro's hygiene.
    let span = span.resolved_at(proc_macro2::Span::call_site());
    out.items.extend(quote_spanned! {span=>
        struct #entry;
        #[allow(clippy::all, unused_variables)]
        #ENTRY_SAFETY
        unsafe impl ::__hpy::impl_::slots::#trait_name for #entry {
            const NAME: &'static str = #name;
            fn call<'a, 'ctx>(__hpy_ctx: ::__hpy::Context<'ctx>, #sig) -> ::__hpy::HPyResult<#ret> {
                #body
            }
        }
    });
    out.defs
        .push(quote!(::__hpy::impl_::slots::#def_fn::<#entry>(::__hpy::impl_::class::#slot_ident)));
    out.defs.extend(after);
}

/// A user method's call: its description (for argument errors), the
/// prelude converting its arguments (each from `source(i)`) and the call,
/// spanned on the return type.
fn call_method(
    f: &ImplItemFn,
    self_ty: &Type,
    errors: &mut Errors,
    source: &mut dyn FnMut(usize) -> Source,
) -> (TokenStream, TokenStream, TokenStream) {
    let params = classify_params(&f.sig, true, errors);
    let ident = &f.sig.ident;
    let desc = description(&ident.unraw().to_string(), &params);
    let (prelude, call) = call_user(&params, &quote!(<#self_ty>::#ident), Some(self_ty), source);
    (desc, prelude, at_return(call, &f.sig.output))
}

/// An argument converted with `FromHPy` from the slot's parameter `e`.
fn arg(e: TokenStream) -> Source {
    Source::Extract(quote!(::core::option::Option::Some(&#e)))
}

/// The binary number operators (`nb_add`, …, `nb_power`): the forward
/// method, else the reflected one with the operands swapped, else
/// `NotImplemented`. Returns the slot's trait, parameters, body and
/// definition function, as [`gen_slot`]'s other kinds.
#[allow(clippy::too_many_arguments)]
fn number_slot(
    out: &mut Generated,
    after: &mut Vec<TokenStream>,
    forward: Option<&ImplItemFn>,
    reflected: Option<&ImplItemFn>,
    kind: SlotKind,
    entry: &syn::Ident,
    self_ty: &Type,
    span: Span,
    errors: &mut Errors,
) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
    let is_pow = kind == SlotKind::Power;
    let branch = |f: Option<&ImplItemFn>,
                  me: TokenStream,
                  other: TokenStream,
                  errors: &mut Errors| match f {
        None => quote!(),
        Some(f) => {
            let (_, prelude, call) = call_method(f, self_ty, errors, &mut |i| {
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
                quote!(return ::__hpy::impl_::return_object(__hpy_ctx, #call);)
            } else {
                quote!(return ::__hpy::impl_::panics_as(__hpy_ctx, #fname, || ::__hpy::impl_::return_object(__hpy_ctx, #call));)
            };
            quote! {
                if ::__hpy::impl_::class::is_instance::<#self_ty>(&#me)? {
                    if let ::core::option::Option::Some(__hpy_other) = ::__hpy::impl_::class::try_extract(&#other)? {
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
            let (_, prelude, call) = call_method(m, self_ty, errors, &mut |_| {
                Source::Raw(quote!(__hpy_other))
            });
            let c_name = c_string_literal(&mname, span).expect("identifiers have no NUL");
            // The user's location for errors, the macro's hygiene so
            // that `unsafe impl` is not the user's `unsafe` code.
            let span = span.resolved_at(proc_macro2::Span::call_site());
            out.items.extend(quote_spanned! {span=>
                struct #method_entry;
                #ENTRY_SAFETY
                unsafe impl ::__hpy::impl_::MethO for #method_entry {
                    const NAME: &'static str = #mname;
                    fn call<'ctx>(
                        __hpy_ctx: ::__hpy::Context<'ctx>,
                        __hpy_self: ::__hpy::Borrowed<'_, 'ctx>,
                        __hpy_arg: ::__hpy::Borrowed<'_, 'ctx>,
                    ) -> ::__hpy::HPyResult<::__hpy::impl_::HPy> {
                        let ::core::option::Option::Some(__hpy_other) = ::__hpy::impl_::class::try_extract(&__hpy_arg)? else {
                            return ::__hpy::impl_::class::not_implemented(__hpy_ctx);
                        };
                        #prelude
                        ::__hpy::impl_::return_object(__hpy_ctx, #call)
                    }
                }
            });
            after.push(quote!(::__hpy::impl_::meth_o::<#method_entry>(#c_name, ::core::option::Option::None)));
        }
    }
    if is_pow {
        (
            quote!(TernaryFunc),
            quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>, arg2: ::__hpy::Borrowed<'a, 'ctx>),
            quote! { #fwd #rev ::__hpy::impl_::class::not_implemented(__hpy_ctx) },
            quote!(slot_ternaryfunc),
        )
    } else {
        (
            quote!(BinaryFunc),
            quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>),
            quote! { #fwd #rev ::__hpy::impl_::class::not_implemented(__hpy_ctx) },
            quote!(slot_binaryfunc),
        )
    }
}

/// `fn __buffer__(&self) -> &[T]`: the buffer protocol (read-only views).
pub(crate) fn gen_buffer(out: &mut Generated, f: &ImplItemFn, self_ty: &Type, errors: &mut Errors) {
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
        impl ::__hpy::impl_::buffer::BufferExport for #self_ty {
            type Item = #elem;
            fn buffer_data(&self) -> &[#elem] {
                <#self_ty>::#name(self)
            }
        }
    });
    out.defs
        .push(quote!(::__hpy::impl_::buffer::slot_getbuffer::<#self_ty>()));
    out.defs
        .push(quote!(::__hpy::impl_::buffer::slot_releasebuffer::<#self_ty>()));
}
