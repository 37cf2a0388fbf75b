// `WithFields::set` only takes a `Field` of the value it was given: one
// borrowed from elsewhere (here another object's) does not type-check.
use hpy::{hpy_class, hpy_methods, Field, Handle, Ref, WithFields};

#[hpy_class(module = "m")]
struct Pair {
    first: Field,
}

#[hpy_methods]
impl Pair {
    fn copy<'ctx>(slf: Ref<'_, 'ctx, Self>, obj: &Handle<'ctx>) -> WithFields<'ctx, Pair> {
        WithFields::new(Pair { first: Field::new() }).set(|_| &slf.first, obj.dup())
    }
}

fn main() {}
