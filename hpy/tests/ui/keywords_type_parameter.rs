// A keyword set takes lifetimes only: Python needs one concrete function.
use hpy::FromKeywords;

#[derive(FromKeywords)]
struct Opts<T> {
    value: Option<T>,
}

fn main() {}
