// A writable member needs an owned conversion from Python: `&str` borrows.
use hpy::hpy_class;

#[hpy_class]
struct Named {
    #[member]
    name: &'static str,
}

fn main() {}
