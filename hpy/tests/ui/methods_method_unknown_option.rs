// A misspelt #[method] option.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[method(keyword)]
    fn get(&self) -> f64 {
        self.x
    }
}

fn main() {}
