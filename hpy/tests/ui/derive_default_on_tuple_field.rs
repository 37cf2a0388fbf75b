// `default` is for a named field that may be missing.
use hpy::FromHPy;

#[derive(FromHPy)]
struct Pair(#[hpy(default)] i64, i64);

fn main() {}
