// A class method receives the class, not an instance.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[classmethod]
    fn norm(&self) -> f64 {
        self.x.abs()
    }
}

fn main() {}
