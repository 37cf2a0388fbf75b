// `eq` derives `__richcmp__`; a hand-written one would be a second.
use hpy::{hpy_class, hpy_methods, Ref, RichCompareOp};

#[derive(PartialEq)]
#[hpy_class(eq)]
struct Point {
    x: i64,
}

#[hpy_methods]
impl Point {
    fn __richcmp__(&self, other: Ref<'_, '_, Point>, op: RichCompareOp) -> bool {
        op.matches(self.x.cmp(&other.x))
    }
}

fn main() {}
