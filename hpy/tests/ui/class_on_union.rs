// `#[hpy_class]` goes on a struct or an enum of unit variants.
use hpy::hpy_class;

#[hpy_class]
union Bits {
    a: u32,
    b: f32,
}

fn main() {}
