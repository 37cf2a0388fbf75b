// A misspelt `#[member]` option gets a suggestion.
use hpy::hpy_class;

#[hpy_class]
struct Point {
    #[member(readonyl)]
    x: f64,
}

fn main() {}
