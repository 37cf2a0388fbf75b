// A static method has no instance.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[staticmethod]
    fn norm(&self) -> f64 {
        self.x.abs()
    }
}

fn main() {}
