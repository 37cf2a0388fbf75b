// #[hpy_methods] on a trait impl.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Clone for Point {
    fn clone(&self) -> Self {
        Point { x: self.x }
    }
}

fn main() {}
