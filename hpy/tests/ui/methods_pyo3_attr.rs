// In a class, PyO3's `#[pyo3(...)]` is `#[method(...)]`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[pyo3(name = "scaled")]
    fn scale(&self, k: f64) -> f64 {
        self.x * k
    }
}

fn main() {}
