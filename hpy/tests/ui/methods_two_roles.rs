// A method is a getter or a constructor, not both.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[new]
    #[getter]
    fn x(&self) -> f64 {
        self.x
    }
}

fn main() {}
