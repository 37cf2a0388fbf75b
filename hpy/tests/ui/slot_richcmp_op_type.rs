// `__richcmp__`'s third parameter is the comparison, `hpy::RichCompareOp`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Version {
    n: u32,
}

#[hpy_methods]
impl Version {
    fn __richcmp__(&self, other: u32, op: u8) -> bool {
        op == 2 && self.n == other
    }
}

fn main() {}
