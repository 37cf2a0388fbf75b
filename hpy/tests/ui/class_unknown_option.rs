// A misspelt #[hpy_class] option.
use hpy::hpy_class;

#[hpy_class(subclas)]
struct Point {
    x: f64,
}

fn main() {}
