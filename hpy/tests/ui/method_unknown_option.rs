// A misspelt #[hpy_method] option.
use hpy::hpy_method;

#[hpy_method(keyword)]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
