//! The slot functions generated for the special methods of an
//! `#[hpy_methods]` block (which dunder fills which slot is in `tables`),
//! the buffer protocol included.

use crate::utils::ENTRY_SAFETY;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::{ImplItemFn, Type};

use crate::attributes::Convention;
use crate::block::Generated;
use crate::method::{
    at_return, call_user, callable_entry, classify_params, description, Callable, Source,
};
use crate::tables::SlotKind;
use crate::utils::{c_string_literal, Errors};

pub(crate) fn gen_ass_subscript(
    out: &mut Generated,
    set: Option<&ImplItemFn>,
    del: Option<&ImplItemFn>,
    entry: &syn::Ident,
    self_ty: &Type,
    errors: &mut Errors,
) {
    // `tp_name`, as CPython's message gives it (`'module.Name' object ...`).
    let type_name = quote!(<#self_ty as ::__hpy::HPyClass>::INFO.qualname.to_string_lossy());
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
    let f = forward
        .or(reflected)
        .expect("a forward or reflected method");
    let method = SlotMethod::new(f, self_ty, errors);
    // Definitions that go after the slot's own.
    let mut after = Vec::new();
    let slot_fn = match kind {
        SlotKind::Number | SlotKind::Power => Some(number_slot(
            out, &mut after, forward, reflected, kind, entry, self_ty, span, errors,
        )),
        SlotKind::InPlace | SlotKind::InPlacePower => Some(inplace_slot(&method, kind, errors)),
        SlotKind::Call => {
            call_slot(out, &method, entry, span, errors);
            return;
        }
        SlotKind::AssSubscript => unreachable!("handled by gen_ass_subscript"),
        _ => simple_slot(&method, kind, entry, &mut after, errors),
    };
    let Some((trait_name, sig, body, def_fn)) = slot_fn else {
        // Reported: the slot's body could not be generated.
        return;
    };
    let ret = slot_return(kind);
    let name = &method.name;
    let slot_ident = format_ident!("{}", slot);
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

/// A slot's trait, parameters, body and definition maker (as
/// `number_slot` returns them).
type SlotFn = (TokenStream, TokenStream, TokenStream, TokenStream);

/// The user method behind a slot, as the slot bodies need it.
struct SlotMethod<'a> {
    f: &'a ImplItemFn,
    self_ty: &'a Type,
    /// Its Rust name (the raw prefix dropped).
    name: String,
    /// How many Python parameters it takes.
    n_python: usize,
    /// Where conversions of its result are spanned: on the return type,
    /// where a type without one is reported.
    ret_span: Span,
}

impl<'a> SlotMethod<'a> {
    fn new(f: &'a ImplItemFn, self_ty: &'a Type, errors: &mut Errors) -> Self {
        let params = classify_params(&f.sig, true, errors);
        SlotMethod {
            f,
            self_ty,
            name: f.sig.ident.unraw().to_string(),
            n_python: params.iter().filter(|p| p.is_python()).count(),
            ret_span: match &f.sig.output {
                syn::ReturnType::Type(_, ty) => crate::diag::type_span(ty),
                syn::ReturnType::Default => Span::call_site(),
            },
        }
    }

    /// Whether the method has `n` Python parameters; reports it if not (the
    /// slot is then not generated: its body could not be).
    fn expect_python(&self, n: usize, what: &str, errors: &mut Errors) -> bool {
        if self.n_python != n {
            let name = &self.name;
            errors.push(syn::Error::new(
                self.f.sig.ident.span(),
                format!("`{name}` takes {what}"),
            ));
        }
        self.n_python == n
    }

    /// The call's description, prelude and call (see `call_method`).
    fn call(
        &self,
        errors: &mut Errors,
        source: &mut dyn FnMut(usize) -> Source,
    ) -> (TokenStream, TokenStream, TokenStream) {
        call_method(self.f, self.self_ty, errors, source)
    }

    /// `call`'s result returned as a new object. The context local keeps
    /// the call site's span (it must resolve even when the type comes from
    /// a `macro_rules!`).
    fn return_object(&self, call: &TokenStream) -> TokenStream {
        let ctx = quote!(__hpy_ctx);
        quote_spanned!(self.ret_span=> ::__hpy::impl_::return_object(#ctx, #call))
    }
}

/// The slots whose body only converts the arguments, calls the method and
/// converts its result: `None` when the method has the wrong parameters.
fn simple_slot(
    m: &SlotMethod<'_>,
    kind: SlotKind,
    entry: &syn::Ident,
    after: &mut Vec<TokenStream>,
    errors: &mut Errors,
) -> Option<SlotFn> {
    let one = quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>);
    let two = quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::Borrowed<'a, 'ctx>);
    Some(match kind {
        SlotKind::Unary => {
            m.expect_python(0, "only `&self`", errors).then_some(())?;
            let (_, prelude, call) = m.call(errors, &mut |_| unreachable!());
            let conv = m.return_object(&call);
            let body = quote! { let __hpy_self = arg0; #prelude #conv };
            (quote!(UnaryFunc), one, body, quote!(slot_unaryfunc))
        }
        SlotKind::Inquiry | SlotKind::Len | SlotKind::Hash => {
            m.expect_python(0, "only `&self`", errors).then_some(())?;
            let (_, prelude, call) = m.call(errors, &mut |_| unreachable!());
            let (t, d, conv) = match kind {
                SlotKind::Inquiry => (quote!(Inquiry), quote!(slot_inquiry), quote!(return_bool)),
                SlotKind::Len => (quote!(LenFunc), quote!(slot_lenfunc), quote!(return_len)),
                _ => (quote!(HashFunc), quote!(slot_hashfunc), quote!(return_hash)),
            };
            let conv = quote_spanned!(m.ret_span=> ::__hpy::impl_::class::#conv(#call));
            (t, one, quote! { let __hpy_self = arg0; #prelude #conv }, d)
        }
        SlotKind::Binary => {
            m.expect_python(1, "`&self` and one argument", errors)
                .then_some(())?;
            let (desc, prelude, call) = m.call(errors, &mut |_| arg(quote!(arg1)));
            if m.name == "__getitem__" {
                // Also `sq_item`, so that CPython iterates the object by
                // index (`PySequence_Check`), as Python classes and PyO3's.
                after.push(quote!(::__hpy::impl_::slots::slot_ssizeargfunc::<
                    ::__hpy::impl_::slots::ItemFromSubscript<#entry>,
                >(::__hpy::impl_::class::HPy_sq_item)));
            }
            let conv = m.return_object(&call);
            let body = quote! { let __hpy_self = arg0; #desc #prelude #conv };
            (quote!(BinaryFunc), two, body, quote!(slot_binaryfunc))
        }
        SlotKind::Contains => {
            m.expect_python(1, "`&self` and the item", errors)
                .then_some(())?;
            let (desc, prelude, call) = m.call(errors, &mut |_| arg(quote!(arg1)));
            let conv = quote_spanned!(m.ret_span=> ::__hpy::impl_::class::return_bool(#call));
            let body = quote! { let __hpy_self = arg0; #desc #prelude #conv };
            (quote!(ObjObjProc), two, body, quote!(slot_objobjproc))
        }
        SlotKind::SsizeArg => {
            m.expect_python(1, "`&self` and an `isize` index", errors)
                .then_some(())?;
            let (_, prelude, call) = m.call(errors, &mut |_| Source::Raw(quote!(arg1)));
            let conv = m.return_object(&call);
            (
                quote!(SsizeArgFunc),
                quote!(arg0: ::__hpy::Borrowed<'a, 'ctx>, arg1: ::__hpy::impl_::HPy_ssize_t),
                quote! { let __hpy_self = arg0; #prelude #conv },
                quote!(slot_ssizeargfunc),
            )
        }
        SlotKind::SsizeObjArg => {
            m.expect_python(
                2,
                "`&mut self`, an `isize` index and an `Option` value (None: deletion)",
                errors,
            )
            .then_some(())?;
            let (desc, prelude, call) = m.call(errors, &mut |i| {
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
        SlotKind::RichCmp => richcmp_slot(m, errors)?,
        SlotKind::Finalize => {
            m.expect_python(0, "only `&mut self` (or `&self`)", errors)
                .then_some(())?;
            let (_, prelude, call) = m.call(errors, &mut |_| unreachable!());
            (
                quote!(Destructor),
                one,
                quote! {
                    let __hpy_self = arg0;
                    ::__hpy::impl_::class::finalize_guarded(&arg0, "__del__", || -> ::__hpy::HPyResult<()> { #prelude ::__hpy::impl_::return_status(#call).map(|_| ()) });
                    ::core::result::Result::Ok(())
                },
                quote!(slot_destructor),
            )
        }
        other => unreachable!("{other:?} is not a simple slot"),
    })
}

/// `nb_inplace_*`: the method mutates `self`, the slot returns `self`
/// (`NotImplemented` when the other operand does not convert).
fn inplace_slot(m: &SlotMethod<'_>, kind: SlotKind, errors: &mut Errors) -> SlotFn {
    let (_, prelude, call) = m.call(errors, &mut |i| {
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

/// `tp_richcompare`: `NotImplemented` when the other object does not
/// convert; the operator as a `RichCompareOp`.
fn richcmp_slot(m: &SlotMethod<'_>, errors: &mut Errors) -> Option<SlotFn> {
    m.expect_python(
        2,
        "`&self`, the other object and the `RichCompareOp`",
        errors,
    )
    .then_some(())?;
    let (_, prelude, call) = m.call(errors, &mut |i| {
        if i == 0 {
            Source::Raw(quote!(__hpy_other))
        } else {
            Source::Raw(quote!(__hpy_op))
        }
    });
    Some((
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
    ))
}

/// `tp_call`: an entry with the full calling convention (any parameters,
/// keywords allowed), listed with `slot_call`.
fn call_slot(
    out: &mut Generated,
    m: &SlotMethod<'_>,
    entry: &syn::Ident,
    span: Span,
    errors: &mut Errors,
) {
    let f = m.f;
    let self_ty = m.self_ty;
    let params = classify_params(&f.sig, true, errors);
    let ident = &f.sig.ident;
    let c_name = c_string_literal("__call__", span).expect("no NUL");
    let callable = Callable {
        entry: quote!(#entry),
        py_name: m.name.clone(),
        convention: Convention::Keywords,
        params: &params,
        callee: quote!(<#self_ty>::#ident),
        self_ty: Some(self_ty),
        output: &f.sig.output,
        iterator_next: false,
        preamble: TokenStream::new(),
    };
    let (imp, _) = callable_entry(&callable, &c_name, &quote!(::core::option::Option::None));
    out.items.extend(quote! { struct #entry; #imp });
    out.defs.push(quote!(::__hpy::impl_::slot_call::<#entry>()));
}

/// The return type of a slot's `call`.
fn slot_return(kind: SlotKind) -> TokenStream {
    match kind {
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
    }
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
    let desc = description(ident.unraw().to_string(), &params);
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
                f.sig.ident.unraw().to_string(),
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
