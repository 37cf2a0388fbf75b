// A `submodules:` entry must be an `hpy_submodule!`, not a function.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    name: m,
    methods: [],
    submodules: [f],
}

fn main() {}
