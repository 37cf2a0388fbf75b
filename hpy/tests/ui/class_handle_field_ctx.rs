// The `'ctx` form of a handle field: the struct cannot name the call's
// lifetime, and the fix is the same `hpy::Field`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Holder {
    kept: Vec<hpy::Handle<'ctx>>,
}

#[hpy_methods]
impl Holder {}

fn main() {}
