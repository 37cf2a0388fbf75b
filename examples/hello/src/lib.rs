//! The smallest useful hpy-rs extension.

#![forbid(unsafe_code)]

use hpy::{hpy_method, hpy_module};

/// Returns a greeting for `name`.
#[hpy_method]
fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

hpy_module! {
    /// Greetings from Rust.
    methods: [greet],
}
