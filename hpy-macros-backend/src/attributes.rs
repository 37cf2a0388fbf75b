//! The options of every attribute the macros read: `#[hpy_class(...)]`,
//! `#[member(...)]`, `#[hpy_method(...)]` / `#[method(...)]` (calling
//! convention, name, `signature = (...)`) and the `#[new]`, `#[init]`,
//! `#[getter]`, `#[setter]` and `#[slot]` markers of an `#[hpy_methods]` block.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr};

use crate::tables::{SlotKind, EXPLICIT};
use crate::utils::Errors;

pub(crate) struct ClassOptions {
    pub(crate) name: Option<LitStr>,
    pub(crate) module: Option<LitStr>,
    pub(crate) subclass: bool,
    pub(crate) shape: Option<(String, Span)>,
    pub(crate) base: Option<syn::Path>,
    pub(crate) extends: Option<syn::Path>,
    pub(crate) metaclass: Option<syn::Path>,
    pub(crate) derives: Derives,
    /// `weakref`: instances can be weakly referenced.
    pub(crate) weakref: Option<Span>,
    /// `dict`: instances have a `__dict__` for arbitrary attributes.
    pub(crate) dict: Option<Span>,
    /// `immutable_type`: the type's own attributes cannot be set.
    pub(crate) immutable_type: bool,
    /// `crate = "path"`: where the generated code finds hpy.
    pub(crate) krate: Option<syn::Path>,
    /// Every option given, with its span (for the options an enum refuses).
    pub(crate) given: Vec<(String, Span)>,
}

pub(crate) fn parse_class_options(attr: TokenStream, errors: &mut Errors) -> ClassOptions {
    let mut o = ClassOptions {
        name: None,
        module: None,
        subclass: false,
        shape: None,
        base: None,
        extends: None,
        metaclass: None,
        derives: Derives::default(),
        weakref: None,
        dict: None,
        immutable_type: false,
        krate: None,
        given: Vec::new(),
    };
    let parser = syn::meta::parser(|meta| {
        if let Some(ident) = meta.path.get_ident() {
            o.given.push((ident.to_string(), ident.span()));
        }
        if meta.path.is_ident("crate") {
            o.krate = Some(crate_path(&meta)?);
        } else if meta.path.is_ident("name") {
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
        } else if meta.path.is_ident("weakref") {
            o.weakref = Some(meta.path.span());
        } else if meta.path.is_ident("dict") {
            o.dict = Some(meta.path.span());
        } else if meta.path.is_ident("immutable_type") {
            o.immutable_type = true;
        } else if o.derives.parse(&meta.path) {
        } else {
            errors.push(meta.error(format!(
                "unknown #[hpy_class] option{}; expected one of: name, module, subclass, shape, base, \
                 extends, metaclass, eq, ord, hash, frozen, str, weakref, dict, immutable_type, crate",
                crate::diag::did_you_mean(&meta.path, crate::options::CLASS),
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

pub(crate) fn take_member_attr(
    attrs: &mut Vec<Attribute>,
    errors: &mut Errors,
) -> Option<(bool, Option<LitStr>)> {
    let pos = attrs.iter().position(|a| a.path().is_ident("member"))?;
    let attr = attrs.remove(pos);
    let mut readonly = false;
    let (mut get, mut set) = (None, None);
    let mut name = None;
    if let syn::Meta::List(_) = &attr.meta {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("readonly") {
                readonly = true;
            } else if meta.path.is_ident("get") {
                get = Some(meta.path.span());
            } else if meta.path.is_ident("set") {
                set = Some(meta.path.span());
            } else if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error(format!(
                    "unknown #[member] option{}; expected `get`, `set`, `readonly` or `name = \"...\"`",
                    crate::diag::did_you_mean(&meta.path, crate::options::MEMBER),
                )));
            }
            Ok(())
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    // `get` alone is `readonly`; `get, set` (or nothing) is writable.
    match (get, set) {
        (Some(_), None) => readonly = true,
        (None, Some(span)) => errors.push(syn::Error::new(
            span,
            "a #[member] is always readable: write `#[member(get, set)]` (or `#[member]`); for \
             a write-only attribute write a `#[setter]` in the `#[hpy_methods]` block",
        )),
        _ => {}
    }
    if readonly {
        if let Some(span) = set {
            errors.push(syn::Error::new(
                span,
                "`readonly` and `set` contradict each other: keep one",
            ));
        }
    }
    Some((readonly, name))
}

/// HPy calling conventions of functions and methods.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Convention {
    NoArgs,
    O,
    VarArgs,
    Keywords,
}

#[derive(Default)]
pub(crate) struct MethodOptions {
    pub(crate) convention: Option<(Convention, Span)>,
    pub(crate) name: Option<LitStr>,
    pub(crate) signature: Option<SigSpec>,
    /// `text_signature = "(...)"`: the `__text_signature__` as written,
    /// instead of the one made from the parameters.
    pub(crate) text_signature: Option<LitStr>,
    /// `crate = "path"` (`#[hpy_method]` only): where the generated code
    /// finds hpy.
    pub(crate) krate: Option<syn::Path>,
    /// `alias = "name"` (`#[hpy_method]`; once per name): the function
    /// again under another Python name.
    pub(crate) aliases: Vec<LitStr>,
}

/// A `signature = (a, b = 2, /, c, *args, d, e = None, **kwargs)` option.
pub(crate) struct SigSpec {
    pub(crate) items: Vec<SigItem>,
}

/// One entry of a [`SigSpec`].
pub(crate) enum SigItem {
    /// `/`: the parameters before it are positional-only.
    Slash(Span),
    /// `*`: the parameters after it are keyword-only.
    Star(Span),
    /// `*name`: the extra positional arguments (a `VarArgs` parameter).
    VarArgs(syn::Ident),
    /// `**name`: the extra keyword arguments.
    KwArgs(syn::Ident),
    /// `name` or `name = default`.
    Param(syn::Ident, Option<syn::Expr>),
}

impl syn::parse::Parse for SigItem {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(syn::Token![/]) {
            let t: syn::Token![/] = input.parse()?;
            return Ok(SigItem::Slash(t.span));
        }
        if input.peek(syn::Token![*]) && input.peek2(syn::Token![*]) {
            let _: syn::Token![*] = input.parse()?;
            let _: syn::Token![*] = input.parse()?;
            return Ok(SigItem::KwArgs(input.call(syn::Ident::parse_any)?));
        }
        if input.peek(syn::Token![*]) {
            let t: syn::Token![*] = input.parse()?;
            if input.peek(syn::Ident::peek_any) {
                return Ok(SigItem::VarArgs(input.call(syn::Ident::parse_any)?));
            }
            return Ok(SigItem::Star(t.span));
        }
        let name = input.call(syn::Ident::parse_any)?;
        let default = if input.peek(syn::Token![=]) {
            let _: syn::Token![=] = input.parse()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(SigItem::Param(name, default))
    }
}

/// Parses the value of a `signature` option: a parenthesized list.
pub(crate) fn parse_signature(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<SigSpec> {
    let value = meta.value()?;
    let content;
    syn::parenthesized!(content in value);
    let items = syn::punctuated::Punctuated::<SigItem, syn::Token![,]>::parse_terminated(&content)?;
    Ok(SigSpec {
        items: items.into_iter().collect(),
    })
}

/// Parses a convention keyword (`noargs`, `o`, `varargs`, `keywords`).
pub(crate) fn convention_from(path: &syn::Path) -> Option<Convention> {
    if path.is_ident("noargs") {
        Some(Convention::NoArgs)
    } else if path.is_ident("o") {
        Some(Convention::O)
    } else if path.is_ident("varargs") {
        Some(Convention::VarArgs)
    } else if path.is_ident("keywords") {
        Some(Convention::Keywords)
    } else {
        None
    }
}

impl MethodOptions {
    pub(crate) fn parse(attr: TokenStream, errors: &mut Errors) -> Self {
        let mut options = MethodOptions::default();
        let parser = syn::meta::parser(|meta| {
            if let Some(convention) = convention_from(&meta.path) {
                if options.convention.is_some() {
                    errors.push(syn::Error::new(
                        meta.path.span(),
                        "only one calling convention may be given",
                    ));
                }
                options.convention = Some((convention, meta.path.span()));
                Ok(())
            } else if meta.path.is_ident("name") {
                options.name = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("signature") {
                options.signature = Some(parse_signature(&meta)?);
                Ok(())
            } else if meta.path.is_ident("text_signature") {
                let lit: LitStr = meta.value()?.parse()?;
                let text = lit.value();
                if !(text.starts_with('(') && text.ends_with(')')) || text.contains('\n') {
                    errors.push(syn::Error::new(
                        lit.span(),
                        "a `text_signature` is one line in parentheses, as Python prints it: \
                         `text_signature = \"(x, y=None)\"`",
                    ));
                }
                options.text_signature = Some(lit);
                Ok(())
            } else if meta.path.is_ident("crate") {
                options.krate = Some(crate_path(&meta)?);
                Ok(())
            } else if meta.path.is_ident("alias") {
                options.aliases.push(meta.value()?.parse()?);
                Ok(())
            } else {
                errors.push(meta.error(format!(
                    "unknown #[hpy_method] option{}; expected one of: noargs, o, varargs, keywords, name = \"...\", alias = \"...\", signature = (...), text_signature = \"...\", crate = \"...\"",
                    crate::diag::did_you_mean(
                        &meta.path,
                        crate::options::METHOD,
                    ),
                )));
                // Consume a value, if any, so the options after it are checked too.
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            }
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
            errors.push(e);
        }
        options
    }
}

/// The value of a `crate = "path"` option: the path under which the
/// generated code finds hpy (e.g. `"my_sdk::hpy"` for a crate that
/// re-exports it), instead of `::hpy`.
pub(crate) fn crate_path(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<syn::Path> {
    let lit: LitStr = meta.value()?.parse()?;
    lit.parse()
}

/// The options of `#[hpy_methods]`: only `crate = "path"`.
pub(crate) fn parse_methods_options(attr: TokenStream, errors: &mut Errors) -> Option<syn::Path> {
    if attr.is_empty() {
        return None;
    }
    let span = attr.span();
    let mut krate = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            krate = Some(crate_path(&meta)?);
            Ok(())
        } else {
            Err(syn::Error::new(
                span,
                "#[hpy_methods] takes no options (other than `crate = \"...\"`): the class's \
                 options go in #[hpy_class], a method's in #[method(...)]",
            ))
        }
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
        errors.push(e);
    }
    krate
}

// --------------------------------------------- the markers of #[hpy_methods]

/// `#[new]` or `#[init]`, with an optional `(signature = (...))`.
pub(crate) fn constructor_signature(attr: &Attribute, errors: &mut Errors) -> Option<SigSpec> {
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
    spec
}

/// `#[getter(name)]` / `#[setter(name)]`: the Python name, if given.
pub(crate) fn property_name(attr: &Attribute, errors: &mut Errors) -> Option<String> {
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    match syn::parse2::<syn::Ident>(list.tokens.clone()) {
        Ok(i) => Some(i.unraw().to_string()),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// `#[slot(name)]`: the HPy slot (`HPy_name`), its kind and the name's span.
pub(crate) fn explicit_slot(
    attr: &Attribute,
    errors: &mut Errors,
) -> Option<(String, SlotKind, Span)> {
    let slot = match attr.parse_args::<syn::Ident>() {
        Ok(slot) => slot,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let s = slot.to_string();
    match EXPLICIT.iter().find(|(n, _)| *n == s) {
        Some((_, kind)) => Some((format!("HPy_{s}"), *kind, slot.span())),
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

/// The options of `#[method]`, `#[staticmethod]` and `#[classmethod]`
/// (each also without parentheses).
pub(crate) fn method_attr_options(attr: &Attribute, errors: &mut Errors) -> MethodOptions {
    let mut options = MethodOptions::default();
    let res = match &attr.meta {
        syn::Meta::Path(_) => Ok(()),
        _ => attr.parse_nested_meta(|meta| {
            if let Some(c) = convention_from(&meta.path) {
                options.convention = Some((c, meta.path.span()));
            } else if meta.path.is_ident("name") {
                options.name = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("signature") {
                options.signature = Some(parse_signature(&meta)?);
            } else if meta.path.is_ident("alias") {
                // The copies under these names are made by
                // `methods::alias_copies`, before roles are read.
                let _: LitStr = meta.value()?.parse()?;
            } else {
                return Err(meta.error(format!(
                    "unknown #[method] option{}; expected a convention, `name = \"...\"`, \
                     `signature = (...)` or `alias = \"...\"`",
                    crate::diag::did_you_mean(&meta.path, crate::options::METHODS_METHOD),
                )));
            }
            Ok(())
        }),
    };
    if let Err(e) = res {
        errors.push(e);
    }
    options
}

/// `#[hpy_class(eq, ord, hash, frozen, str)]`: each the span of its word.
#[derive(Default)]
pub(crate) struct Derives {
    pub(crate) eq: Option<Span>,
    pub(crate) ord: Option<Span>,
    pub(crate) hash: Option<Span>,
    pub(crate) frozen: Option<Span>,
    pub(crate) str: Option<Span>,
}

impl Derives {
    /// Takes one of the five words; false for any other option.
    pub(crate) fn parse(&mut self, path: &syn::Path) -> bool {
        let slot = if path.is_ident("eq") {
            &mut self.eq
        } else if path.is_ident("ord") {
            &mut self.ord
        } else if path.is_ident("hash") {
            &mut self.hash
        } else if path.is_ident("frozen") {
            &mut self.frozen
        } else if path.is_ident("str") {
            &mut self.str
        } else {
            return false;
        };
        *slot = Some(path.span());
        true
    }

    /// Reports the combinations that do not make sense (as PyO3 does).
    /// `implicitly_frozen`: the value never changes (an enum with data),
    /// so `hash` needs no `frozen`.
    pub(crate) fn check(&self, implicitly_frozen: bool, errors: &mut Errors) {
        if let (Some(ord), None) = (self.ord, self.eq) {
            errors.push(syn::Error::new(
                ord,
                "`ord` needs `eq` as well (ordering compares for equality too): write \
                 #[hpy_class(eq, ord)]",
            ));
        }
        if let Some(hash) = self.hash {
            if self.eq.is_none() {
                errors.push(syn::Error::new(
                    hash,
                    "`hash` needs `eq` (objects that compare equal must hash alike): write \
                     #[hpy_class(eq, hash, frozen)]",
                ));
            }
            if self.frozen.is_none() && !implicitly_frozen {
                errors.push(syn::Error::new(
                    hash,
                    "`hash` needs `frozen` (a hash must not change while the object is in a \
                     set or dict): write #[hpy_class(eq, hash, frozen)]",
                ));
            }
        }
    }
}
