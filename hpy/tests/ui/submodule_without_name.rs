// A submodule needs its name: it is the Python name and the Rust type the
// parent lists.
use hpy::{hpy_method, hpy_submodule};

#[hpy_method]
fn f() {}

hpy_submodule! {
    methods: [f],
}

fn main() {}
