// A docstring becomes a C string.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    name: doc_nul,
    doc: "nul \0 inside",
    methods: [f],
}

fn main() {}
