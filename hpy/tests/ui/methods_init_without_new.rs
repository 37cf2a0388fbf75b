// An #[init] needs the #[new] that makes the value.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[init]
    fn init(&mut self, x: f64) {
        self.x = x;
    }
}

fn main() {}
