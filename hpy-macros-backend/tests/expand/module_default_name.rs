//! `hpy_module!` with only `methods`: the module is named after the crate
//! (the snapshot test passes `crate_name`), no exec hook, `doc:` given as an
//! entry.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    doc: "Docstring as an entry.",
    methods: [f],
}

fn main() {}
