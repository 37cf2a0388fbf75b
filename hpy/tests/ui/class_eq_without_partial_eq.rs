// `eq` derives `__richcmp__` from `PartialEq`, which the struct lacks.
use hpy::hpy_class;

#[hpy_class(eq)]
struct Point {
    x: f64,
}

fn main() {}
