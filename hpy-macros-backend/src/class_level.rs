//! The class-level parts of `#[hpy_class]` and `#[hpy_methods]`: static
//! and class methods, the options `eq, ord, hash, frozen, str`, the
//! `ClassMethods` impl every class gets (so `#[hpy_methods]` is optional),
//! and the compile-time checks of a block's methods against its class's
//! options. The runtime side is `hpy::impl_::class_level`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{FnArg, ImplItemFn, LitStr, Type};

use crate::attributes::{Convention, Derives, MethodOptions};
use crate::method::{
    callable_entry, choose_convention, chosen_text_signature, classify_classmethod_params,
    classify_params_with, doc_with_signature, last_segment_is, Callable,
};
use crate::utils::{c_string_literal, doc_option, docstring, Errors};

// ------------------------------------------------------------ #[hpy_class]

impl Derives {
    /// The slot definitions of the derived methods, for the class's
    /// own table (each spanned on its word, so that a missing
    /// `PartialEq`/`Hash`/`Display` is reported there).
    pub(crate) fn slot_defs(&self, ident: &syn::Ident) -> Vec<TokenStream> {
        let mut defs = Vec::new();
        let def = |span: Span, maker: &str, derived: &str, slot: &str| {
            let maker = syn::Ident::new(maker, span);
            let derived = syn::Ident::new(derived, span);
            let slot = syn::Ident::new(slot, span);
            quote_spanned! {span=>
                ::__hpy::impl_::StaticDef::new(::__hpy::impl_::slots::#maker::<
                    ::__hpy::impl_::class::#derived<#ident>,
                >(::__hpy::impl_::class::#slot))
            }
        };
        match (self.eq, self.ord) {
            (Some(_), Some(ord)) => defs.push(def(
                ord,
                "slot_richcmpfunc",
                "DerivedOrd",
                "HPy_tp_richcompare",
            )),
            (Some(eq), None) => defs.push(def(
                eq,
                "slot_richcmpfunc",
                "DerivedEq",
                "HPy_tp_richcompare",
            )),
            _ => {}
        }
        if let Some(hash) = self.hash {
            defs.push(def(hash, "slot_hashfunc", "DerivedHash", "HPy_tp_hash"));
        }
        if let Some(str) = self.str {
            defs.push(def(str, "slot_unaryfunc", "DerivedStr", "HPy_tp_str"));
        }
        defs
    }

    /// Whether the class's own table fills `__richcmp__` and `__hash__`
    /// (an enum derives both).
    pub(crate) fn derived_slots(&self, unit_enum: bool) -> (bool, bool) {
        (
            self.eq.is_some() || unit_enum,
            self.hash.is_some() || unit_enum,
        )
    }

    /// The `ClassOptions` impl (what `#[hpy_methods]` checks against) and
    /// the `ClassMethods` impl, which hands the spec builder the class's
    /// table `__HPY_CLASS_ITEMS` and its `#[hpy_methods]` block's, if it has
    /// one (`class_impls!`).
    pub(crate) fn class_impls(
        &self,
        ident: &syn::Ident,
        unit_enum: bool,
        frozen: bool,
    ) -> TokenStream {
        let (richcmp, hash) = self.derived_slots(unit_enum);
        let str = self.str.is_some();
        quote! {
            ::__hpy::impl_::class::class_impls!(#ident {
                items: __HPY_CLASS_ITEMS,
                frozen: #frozen,
                richcmp: #richcmp,
                hash: #hash,
                str: #str,
            });
        }
    }
}

// ---------------------------------------------------------- #[hpy_methods]

/// Whether a method is set on the class as a `staticmethod` or a
/// `classmethod`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Static,
    Class,
}

/// The static and class methods of an `#[hpy_methods]` block.
#[derive(Default)]
pub(crate) struct ClassLevel {
    items: TokenStream,
    defs: Vec<TokenStream>,
    names: Vec<TokenStream>,
}

impl ClassLevel {
    /// Generates the entry of one `#[staticmethod]`/`#[classmethod]`.
    pub(crate) fn add(
        &mut self,
        f: &ImplItemFn,
        level: Level,
        options: &MethodOptions,
        entry: &syn::Ident,
        self_ty: &Type,
        errors: &mut Errors,
    ) {
        let rust_name = &f.sig.ident;
        if let Some(FnArg::Receiver(r)) = f.sig.inputs.first() {
            errors.push(syn::Error::new(
                r.span(),
                match level {
                    Level::Static => {
                        "a #[staticmethod] takes no `self`: remove #[staticmethod] to make it a \
                         method of the instances"
                    }
                    Level::Class => {
                        "a #[classmethod] takes the class instead of `self` (`cls: &Handle<'ctx>`): \
                         remove #[classmethod] to make it a method of the instances"
                    }
                },
            ));
            return;
        }
        let spec = options.signature.as_ref();
        let mut params = match level {
            Level::Static => classify_params_with(&f.sig, false, spec, errors),
            Level::Class => match classify_classmethod_params(&f.sig, spec, errors) {
                Some(params) => params,
                None => return,
            },
        };
        let mut convention = choose_convention(options, &mut params, errors);
        let cls_name = match f.sig.inputs.iter().find_map(|a| match a {
            FnArg::Typed(pt) if last_segment_is(&pt.ty, "Context").is_none() => Some(&pt.pat),
            _ => None,
        }) {
            Some(pat) => match &**pat {
                syn::Pat::Ident(pi) => pi.ident.unraw().to_string(),
                _ => "cls".to_owned(),
            },
            None => "cls".to_owned(),
        };
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
        // The class arrives as the first positional argument: a class
        // method without other parameters takes one argument (`O`), and
        // one with a single positional parameter takes two.
        let preamble = match level {
            Level::Static => TokenStream::new(),
            Level::Class => {
                convention = match convention {
                    Convention::NoArgs => Convention::O,
                    Convention::O => Convention::VarArgs,
                    other => other,
                };
                if convention == Convention::O {
                    quote!(let __hpy_cls = __hpy_arg;)
                } else {
                    quote! {
                        let (__hpy_cls, __hpy_args) =
                            ::__hpy::impl_::class::split_class(__hpy_args, #py_name)?;
                    }
                }
            }
        };
        // `$self` is the companion instance the method is bound to, which
        // `inspect` leaves out; a class method's class is left out by
        // `classmethod`.
        let first = match level {
            Level::Static => "$self".to_owned(),
            Level::Class => format!("$self, {cls_name}"),
        };
        let doc = doc_with_signature(
            &py_name,
            &chosen_text_signature(options, &params, Some(&first)),
            docstring(&f.attrs),
        );
        let doc = doc_option(doc, rust_name.span(), errors);
        let callable = Callable {
            entry: quote!(#entry),
            py_name: py_name.clone(),
            convention,
            params: &params,
            callee: quote!(<#self_ty>::#rust_name),
            self_ty: Some(self_ty),
            iterator_next: false,
            preamble,
            output: &f.sig.output,
        };
        let (imp, def) = callable_entry(&callable, &c_name, &doc);
        self.items.extend(quote! { struct #entry; #imp });
        self.defs.push(def);
        let kind = match level {
            Level::Static => quote!(Static),
            Level::Class => quote!(Class),
        };
        self.names
            .push(quote!((#py_name, ::__hpy::impl_::class::Kind::#kind)));
    }

    /// The statics holding the definitions, and the value of the block
    /// table's `class_level` (`None` without static or class methods).
    pub(crate) fn finish(self) -> (TokenStream, TokenStream) {
        if self.defs.is_empty() {
            return (TokenStream::new(), quote!(::core::option::Option::None));
        }
        let ClassLevel { items, defs, names } = self;
        let n = defs.len();
        (
            quote! {
                #items
                static __HPY_CLASS_LEVEL_DEFS: [::__hpy::impl_::StaticDef; #n] =
                    [#(::__hpy::impl_::StaticDef::new(#defs)),*];
                static __HPY_CLASS_LEVEL: ::__hpy::impl_::class::ClassLevel =
                    ::__hpy::impl_::class::ClassLevel::new(&__HPY_CLASS_LEVEL_DEFS, &[#(#names),*]);
            },
            quote!(::core::option::Option::Some(&__HPY_CLASS_LEVEL)),
        )
    }
}

/// Compile-time checks of one method of an `#[hpy_methods]` block against
/// its class's options: nothing may borrow a `frozen` class mutably, and a
/// derived special method may not be written by hand too. `slot` is the
/// HPy slot the method fills, if any; `setter` whether it is a `#[setter]`.
pub(crate) fn option_checks(
    f: &ImplItemFn,
    slot: Option<&str>,
    setter: bool,
    self_ty: &Type,
) -> TokenStream {
    let mut out = TokenStream::new();
    let options = quote!(<#self_ty as ::__hpy::impl_::class::ClassOptions>);
    for input in &f.sig.inputs {
        match input {
            FnArg::Receiver(r) if r.reference.is_some() && r.mutability.is_some() => {
                out.extend(quote_spanned! {r.span()=>
                    const _: () = ::core::assert!(
                        !#options::FROZEN,
                        "a method of a `frozen` class (an enum class always is) cannot take \
                         `&mut self`: take `&self`, or remove `frozen` from #[hpy_class]",
                    );
                });
            }
            FnArg::Typed(pt) if last_segment_is(&pt.ty, "RefMut").is_some() => {
                out.extend(quote_spanned! {pt.ty.span()=>
                    const _: () = ::core::assert!(
                        !#options::FROZEN,
                        "a `frozen` class cannot be borrowed as `RefMut`: use `Ref`, or remove \
                         `frozen` from #[hpy_class]",
                    );
                });
            }
            _ => {}
        }
    }
    let span = f.sig.ident.span();
    if setter {
        out.extend(quote_spanned! {span=>
            const _: () = ::core::assert!(
                !#options::FROZEN,
                "a `frozen` class cannot have a #[setter]: remove the setter, or remove `frozen` \
                 from #[hpy_class]",
            );
        });
    }
    match slot {
        Some("HPy_tp_richcompare") => out.extend(quote_spanned! {span=>
            const _: () = ::core::assert!(
                !#options::DERIVES_RICHCMP,
                "`__richcmp__` is derived by #[hpy_class(eq)]: remove this method, or remove \
                 `eq`/`ord` from #[hpy_class]",
            );
        }),
        Some("HPy_tp_hash") => out.extend(quote_spanned! {span=>
            const _: () = ::core::assert!(
                !#options::DERIVES_HASH,
                "`__hash__` is derived by #[hpy_class(hash)]: remove this method, or remove \
                 `hash` from #[hpy_class]",
            );
        }),
        Some("HPy_tp_str") => out.extend(quote_spanned! {span=>
            const _: () = ::core::assert!(
                !#options::DERIVES_STR,
                "`__str__` is derived by #[hpy_class(str)]: remove this method, or remove `str` \
                 from #[hpy_class]",
            );
        }),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::expand_hpy_class;
    use crate::methods::expand_hpy_methods;

    fn methods(item: TokenStream) -> String {
        expand_hpy_methods(TokenStream::new(), item)
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn class_methods_take_the_class_as_first_argument() {
        let only_cls = methods(quote! {
            impl P {
                #[classmethod]
                fn a(cls: &Handle<'_>) -> i64 { 0 }
            }
        });
        assert!(only_cls.contains("meth_o"), "{only_cls}");
        assert!(
            only_cls.contains("let __hpy_cls = __hpy_arg ;"),
            "{only_cls}"
        );
        assert!(only_cls.contains("(\"a\" , :: hpy :: impl_ :: class :: Kind :: Class)"));
        let one_more = methods(quote! {
            impl P {
                #[classmethod]
                fn b(ctx: Context<'_>, cls: &Handle<'_>, x: i64) -> i64 { x }
            }
        });
        // `x` may be passed by keyword (the default for named parameters).
        assert!(one_more.contains("meth_keywords"), "{one_more}");
        assert!(
            one_more.contains("split_class (__hpy_args , \"b\")"),
            "{one_more}"
        );
        assert!(one_more.contains("b($self, cls, x)"), "{one_more}");
    }

    #[test]
    fn static_methods_keep_their_convention() {
        let out = methods(quote! {
            impl P {
                #[staticmethod(o)]
                fn s(x: i64) -> i64 { x }
                #[staticmethod]
                fn k(x: i64) -> i64 { x }
            }
        });
        assert!(out.contains("meth_o :: < __HpyEntry0_s >"), "{out}");
        assert!(out.contains("meth_keywords :: < __HpyEntry1_k >"), "{out}");
        assert!(out.contains("Some (& __HPY_CLASS_LEVEL)"), "{out}");
        assert!(!out.contains("split_class"), "{out}");
    }

    #[test]
    fn option_combinations_are_checked_together() {
        let err = expand_hpy_class(
            quote!(ord, hash),
            quote!(
                struct S {
                    x: i64,
                }
            ),
        )
        .unwrap_err();
        // ord without eq; hash without eq; hash without frozen
        assert_eq!(err.into_iter().count(), 3);
        let ok = expand_hpy_class(
            quote!(eq, ord, hash, frozen, str),
            quote!(
                struct S {
                    x: i64,
                }
            ),
        )
        .unwrap()
        .to_string();
        for part in [
            "DerivedOrd < S >",
            "DerivedHash < S >",
            "DerivedStr < S >",
            "frozen : true",
        ] {
            assert!(ok.contains(part), "{part} missing from {ok}");
        }
        assert!(!ok.contains("DerivedEq"), "{ok}");
    }

    #[test]
    fn frozen_members_must_be_readonly() {
        let err = expand_hpy_class(
            quote!(frozen),
            quote!(
                struct S {
                    #[member]
                    x: i64,
                    #[member(readonly)]
                    y: i64,
                }
            ),
        )
        .unwrap_err();
        assert_eq!(err.into_iter().count(), 1);
    }
}
