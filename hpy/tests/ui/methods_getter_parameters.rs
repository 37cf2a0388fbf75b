// A getter takes no Python arguments.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[getter]
    fn scaled(&self, k: f64) -> f64 {
        self.x * k
    }
}

fn main() {}
