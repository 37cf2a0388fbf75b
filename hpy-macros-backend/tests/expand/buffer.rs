//! `__buffer__`: the buffer protocol, read-only views of a slice.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(module = "snapshot")]
struct Array {
    data: Vec<f64>,
}

#[hpy_methods]
impl Array {
    #[new]
    fn new(n: usize) -> Array {
        Array { data: vec![0.0; n] }
    }

    fn __buffer__(&self) -> &[f64] {
        &self.data
    }
}

fn main() {}
