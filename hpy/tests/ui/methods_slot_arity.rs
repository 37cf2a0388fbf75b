// Each slot kind's parameters (every variant of "`name` takes ...").
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    // only `&self`
    fn __repr__(&self, extra: i64) -> String {
        format!("{extra}")
    }

    // `&self` and one argument
    fn __getitem__(&self) -> f64 {
        self.x
    }

    // `&self` and the item
    fn __contains__(&self) -> bool {
        true
    }

    // `&self` and an `isize` index
    #[slot(sq_item)]
    fn item(&self) -> f64 {
        self.x
    }

    // `&mut self`, an `isize` index and an `Option` value
    #[slot(sq_ass_item)]
    fn assign(&mut self, i: isize) {
        let _ = i;
    }

    // `&self`, the other object and the `RichCompareOp`
    fn __richcmp__(&self, other: f64) -> bool {
        self.x == other
    }

    // only `&mut self` (or `&self`)
    fn __del__(&mut self, now: bool) {
        let _ = now;
    }
}

fn main() {}
