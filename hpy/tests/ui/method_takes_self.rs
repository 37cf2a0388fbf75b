// A module-level function cannot take `self`.
use hpy::hpy_method;

#[hpy_method]
fn f(&self) {}

fn main() {}
