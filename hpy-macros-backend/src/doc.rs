//! Docstrings from `///` comments.

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// Joins the `#[doc = "..."]` attributes into one docstring, dropping the
/// single leading space rustdoc comments carry. `None` when there are none.
pub fn docstring(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta {
            if nv.path.is_ident("doc") {
                if let Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) = &nv.value
                {
                    let line = s.value();
                    lines.push(line.strip_prefix(' ').map(str::to_owned).unwrap_or(line));
                }
            }
        }
    }
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n").trim().to_owned())
    }
}

/// A C string literal token (`c"..."`) for `text`, or `None` if it holds a
/// NUL byte (then the caller reports an error).
pub fn c_string_literal(text: &str, span: proc_macro2::Span) -> Option<proc_macro2::Literal> {
    let c = std::ffi::CString::new(text).ok()?;
    let mut lit = proc_macro2::Literal::c_string(&c);
    lit.set_span(span);
    Some(lit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_doc_lines() {
        let f: syn::ItemFn = syn::parse_quote! {
            /// First line.
            ///
            /// Second paragraph.
            fn f() {}
        };
        assert_eq!(
            docstring(&f.attrs).unwrap(),
            "First line.\n\nSecond paragraph."
        );
    }

    #[test]
    fn no_docs() {
        let f: syn::ItemFn = syn::parse_quote! { fn f() {} };
        assert!(docstring(&f.attrs).is_none());
    }
}
