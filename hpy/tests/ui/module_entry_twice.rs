// Each hpy_module! entry once.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    name: twice,
    methods: [f],
    methods: [f],
}

fn main() {}
