// A `#[member]` is always readable: `set` alone is refused.
use hpy::hpy_class;

#[hpy_class]
struct Named {
    #[member(set)]
    name: String,
}

fn main() {}
