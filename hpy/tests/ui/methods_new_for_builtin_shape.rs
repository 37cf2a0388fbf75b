// A class extending a builtin type is created by the builtin's constructor.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(shape = "float")]
#[derive(Default)]
struct Tagged {
    tag: i64,
}

#[hpy_methods]
impl Tagged {
    #[new]
    fn new(tag: i64) -> Tagged {
        Tagged { tag }
    }
}

fn main() {}
