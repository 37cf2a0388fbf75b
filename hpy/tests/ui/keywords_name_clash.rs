// A field of the set has the name of another parameter of the function.
use hpy::{hpy_method, FromKeywords};

#[derive(FromKeywords)]
struct Opts {
    #[hpy(default = 0)]
    indent: i64,
}

#[hpy_method]
fn f(indent: i64, #[hpy(keywords)] opts: Opts) -> i64 {
    indent + opts.indent
}

fn main() {}
