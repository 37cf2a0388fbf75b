// `#[slot(...)]` names a supported HPy slot.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[slot(tp_iter)]
    fn iter(&self) -> f64 {
        self.x
    }
}

fn main() {}
