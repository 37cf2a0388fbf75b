// An unknown option on a keyword set itself.
use hpy::FromKeywords;

#[derive(FromKeywords)]
#[hpy(transparent)]
struct Opts {
    indent: i64,
}

fn main() {}
