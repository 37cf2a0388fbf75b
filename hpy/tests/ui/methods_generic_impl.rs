// The methods of a (non-generic) class come from one concrete impl block.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl<'a> Point {
    fn x(&self) -> f64 {
        self.x
    }
}

fn main() {}
