// A keyword set given a default in the signature (its fields have theirs).
use hpy::{hpy_method, FromKeywords};

#[derive(FromKeywords)]
struct Opts {
    #[hpy(default = 0)]
    indent: i64,
}

#[hpy_method(signature = (obj, *, opts = None))]
fn f(obj: i64, #[hpy(keywords)] opts: Opts) -> i64 {
    obj + opts.indent
}

fn main() {}
