// A `#[hpy(keywords)]` parameter whose type does not derive FromKeywords.
use hpy::hpy_method;

struct Plain {
    indent: i64,
}

#[hpy_method]
fn f(#[hpy(keywords)] opts: Plain) -> i64 {
    opts.indent
}

fn main() {}
