// After a rejected `#[hpy_class]`, the struct is still there: the impl block
// and the code using it give no follow-up errors.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(nmae = "P")]
struct Point {
    #[member]
    x: f64,
}

#[hpy_methods]
impl Point {
    fn norm(&self) -> f64 {
        self.x.abs()
    }
}

fn main() {
    let p = Point { x: 1.0 };
    let _ = p.norm();
}
