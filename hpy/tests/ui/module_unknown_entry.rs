// A misspelt hpy_module! entry.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    name: unknown,
    method: [f],
}

fn main() {}
