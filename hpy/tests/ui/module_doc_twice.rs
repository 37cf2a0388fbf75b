// The docstring as `doc:` or `///`, not both.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    /// One docstring.
    name: doc_twice,
    doc: "And another.",
    methods: [f],
}

fn main() {}
