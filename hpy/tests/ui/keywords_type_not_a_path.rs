// A keyword set is taken by value, not by reference.
use hpy::{hpy_method, FromKeywords};

#[derive(FromKeywords)]
struct Opts {
    #[hpy(default = 0)]
    indent: i64,
}

#[hpy_method]
fn f(#[hpy(keywords)] opts: &Opts) -> i64 {
    opts.indent
}

fn main() {}
