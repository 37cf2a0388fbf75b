// A class method needs no `#[hpy_method]`: `#[hpy_methods]` exposes them all.
use hpy::{hpy_class, hpy_method, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[hpy_method]
    fn norm(&self) -> f64 {
        self.x.abs()
    }
}

fn main() {}
