// The buffer protocol exports a slice of numbers.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn __buffer__(&mut self) -> Vec<f64> {
        vec![self.x]
    }
}

fn main() {}
