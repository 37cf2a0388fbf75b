// Dunders without an HPy 0.9 slot say what to do instead.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn __eq__(&self, other: f64) -> bool {
        self.x == other
    }
}

fn main() {}
