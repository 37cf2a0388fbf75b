// A text signature is written as Python prints it, in parentheses.
use hpy::hpy_method;

#[hpy_method(text_signature = "x, y=None")]
fn f(x: i64, y: Option<i64>) -> i64 {
    x + y.unwrap_or(0)
}

fn main() {}
