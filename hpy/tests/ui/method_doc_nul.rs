// A docstring becomes a C string.
use hpy::hpy_method;

#[doc = "nul \0 inside"]
#[hpy_method]
fn f() {}

fn main() {}
