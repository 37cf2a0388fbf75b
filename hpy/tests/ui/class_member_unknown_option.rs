// A misspelt #[member] option.
use hpy::hpy_class;

#[hpy_class]
struct Point {
    #[member(read_only)]
    x: f64,
}

fn main() {}
