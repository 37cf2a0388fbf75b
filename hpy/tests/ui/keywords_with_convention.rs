// A keyword set in a function with a positional-only convention.
use hpy::{hpy_method, FromKeywords};

#[derive(FromKeywords)]
struct Opts {
    #[hpy(default = 0)]
    indent: i64,
}

#[hpy_method(varargs)]
fn f(obj: i64, #[hpy(keywords)] opts: Opts) -> i64 {
    obj + opts.indent
}

fn main() {}
