// A misspelt `#[hpy(keywords)]` on a parameter.
use hpy::hpy_method;

#[hpy_method]
fn f(#[hpy(keyword)] indent: i64) -> i64 {
    indent
}

fn main() {}
