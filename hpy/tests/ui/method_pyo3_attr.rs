// PyO3's `#[pyo3(signature = ...)]` is an option of `#[hpy_method]`.
use hpy::hpy_method;

#[hpy_method]
#[pyo3(signature = (a, b = 2))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
