// A class outlives every call, so a `Handle` (valid for one call) cannot be
// one of its fields, whatever lifetime it is written with: keep a
// `hpy::Field` and store it with `Ref::store`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Holder {
    kept: hpy::Handle<'static>,
}

#[hpy_methods]
impl Holder {
    fn get(&self) -> i64 {
        0
    }
}

fn main() {}
