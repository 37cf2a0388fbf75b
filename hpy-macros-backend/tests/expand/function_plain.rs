//! `#[hpy_method]` on plain functions: no arguments, one argument (`o`), two
//! arguments (`varargs`), a renamed function.
use hpy::hpy_method;

/// Does nothing.
#[hpy_method]
fn do_nothing() {}

#[hpy_method]
fn double(x: i64) -> i64 {
    2 * x
}

#[hpy_method]
fn add(a: f64, b: f64) -> f64 {
    a + b
}

#[hpy_method(name = "r#type")]
fn r#type(x: &hpy::Handle<'_>) -> bool {
    x.is_none()
}

fn main() {}
