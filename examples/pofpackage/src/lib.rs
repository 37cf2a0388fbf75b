//! `pofpackage.foo`: an extension module that lives inside a Python package,
//! next to the package's own Python files (`python/pofpackage/`).

#![forbid(unsafe_code)]

use hpy::{hpy_method, hpy_module};

/// Says where it comes from.
#[hpy_method]
fn hello() -> &'static str {
    "hello from pofpackage.foo"
}

hpy_module! {
    /// The extension part of the `pofpackage` example package.
    name: foo,
    methods: [hello],
}
