// PyO3's `#[pyo3(get, set)]` is `#[member]` here.
use hpy::hpy_class;

#[hpy_class]
struct Point {
    #[pyo3(get, set)]
    x: f64,
}

fn main() {}
