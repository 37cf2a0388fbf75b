// `ord` derives the ordering comparisons, which need `eq` for `==`/`!=`.
use hpy::hpy_class;

#[derive(PartialEq, PartialOrd)]
#[hpy_class(ord)]
struct Level {
    n: i64,
}

fn main() {}
