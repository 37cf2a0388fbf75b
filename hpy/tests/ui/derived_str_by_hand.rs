// `str` derives `__str__` from `Display`; a hand-written one would be a second.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(str)]
struct Point {
    x: i64,
}

impl std::fmt::Display for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.x)
    }
}

#[hpy_methods]
impl Point {
    #[slot(tp_str)]
    fn text(&self) -> String {
        format!("<{}>", self.x)
    }
}

fn main() {}
