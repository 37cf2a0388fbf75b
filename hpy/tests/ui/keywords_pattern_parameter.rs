// A keyword set is one plain parameter, not a pattern.
use hpy::{hpy_method, FromKeywords};

#[derive(FromKeywords)]
struct Opts {
    #[hpy(default = 0)]
    indent: i64,
}

#[hpy_method]
fn f(#[hpy(keywords)] Opts { indent }: Opts) -> i64 {
    indent
}

fn main() {}
