//! Test module for the hpy-rs SDK (filled in below).

use hpy::{hpy_method, hpy_module};

/// Panics with the given message.
#[hpy_method]
fn panic_with(msg: &str) {
    panic!("{msg}");
}

hpy_module! {
    /// hpy-rs SDK test module.
    methods: [panic_with],
}
