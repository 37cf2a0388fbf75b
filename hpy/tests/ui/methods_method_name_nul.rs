// A Python name becomes a C string.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[method(name = "a\0b")]
    fn get(&self) -> f64 {
        self.x
    }
}

fn main() {}
