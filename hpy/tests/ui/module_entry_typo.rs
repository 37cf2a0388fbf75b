// A misspelt `hpy_module!` entry gets a suggestion.
use hpy::{hpy_method, hpy_module};

#[hpy_method]
fn f() {}

hpy_module! {
    name: demo,
    method: [f],
}

fn main() {}
