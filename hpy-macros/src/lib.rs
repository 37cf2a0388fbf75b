//! Procedural macros of hpy-rs. Use them through the `hpy` crate
//! (`hpy::hpy_method`, `hpy::hpy_module!`), whose documentation describes
//! them; the expansion logic lives in `hpy-macros-backend`.

use proc_macro::TokenStream;

/// Exposes a Rust function as a Python function; see `hpy::hpy_method`.
#[proc_macro_attribute]
pub fn hpy_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_hpy_method(attr.into(), item.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Makes a struct a Python class; see `hpy::hpy_class`.
#[proc_macro_attribute]
pub fn hpy_class(attr: TokenStream, item: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_hpy_class(attr.into(), item.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Makes an impl block the methods of a class; see `hpy::hpy_methods`.
#[proc_macro_attribute]
pub fn hpy_methods(attr: TokenStream, item: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_hpy_methods(attr.into(), item.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Defines the Python module and its init symbols; see `hpy::hpy_module!`.
#[proc_macro]
pub fn hpy_module(input: TokenStream) -> TokenStream {
    let crate_name = std::env::var("CARGO_CRATE_NAME").ok();
    hpy_macros_backend::expand_hpy_module(input.into(), crate_name)
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Declares a submodule for a module's `submodules:`; see
/// `hpy::hpy_submodule!`.
#[proc_macro]
pub fn hpy_submodule(input: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_hpy_submodule(input.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Derives `FromHPy` for a struct or enum; see `hpy::FromHPy`.
#[proc_macro_derive(FromHPy, attributes(hpy))]
pub fn derive_from_hpy(item: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_derive_from_hpy(item.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Derives `IntoHPy` for a struct or enum; see `hpy::IntoHPy`.
#[proc_macro_derive(IntoHPy, attributes(hpy))]
pub fn derive_into_hpy(item: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_derive_into_hpy(item.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

/// Makes a struct a keyword set for `#[hpy(keywords)]` parameters; see
/// `hpy::FromKeywords`.
#[proc_macro_derive(FromKeywords, attributes(hpy))]
pub fn derive_from_keywords(item: TokenStream) -> TokenStream {
    hpy_macros_backend::expand_derive_from_keywords(item.into())
        .unwrap_or_else(syn_error_to_tokens)
        .into()
}

fn syn_error_to_tokens(e: hpy_macros_backend::Error) -> proc_macro2::TokenStream {
    e.to_compile_error()
}
