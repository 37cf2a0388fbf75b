// A Python name becomes a C string.
use hpy::hpy_method;

#[hpy_method(name = "a\0b")]
fn f() {}

fn main() {}
