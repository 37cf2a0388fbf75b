// Object data outlives every call, so it cannot hold a Handle (whose
// lifetime is one call); a `Field` is the way to keep a reference.
use hpy::{hpy_class, hpy_methods, Handle};

#[hpy_class]
struct Holder {
    kept: Option<Handle<'static>>,
}

#[hpy_methods]
impl Holder {
    fn keep<'ctx>(&mut self, obj: &Handle<'ctx>) {
        self.kept = Some(obj.dup());
    }
}

fn main() {}
