// `&[f64]` is not a Python conversion: take a `Vec<f64>`.
use hpy::hpy_method;

#[hpy_method]
fn total(xs: &[f64]) -> f64 {
    xs.iter().sum()
}

fn main() {}
