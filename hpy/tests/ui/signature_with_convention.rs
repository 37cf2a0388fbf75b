// A signature decides the calling convention by itself.
use hpy::hpy_method;

#[hpy_method(keywords, signature = (a))]
fn f(a: i64) -> i64 {
    a
}

fn main() {}
