// A `WithBorrowedFields` borrows the handle of the `Ref` it was given: it
// cannot be returned past a handle the function itself owns (one made by
// `load_typed`, closed when the function returns).
use hpy::{hpy_class, Ref, TypedField, WithBorrowedFields, WithFields};

#[hpy_class(module = "m", frozen)]
struct Leaf {
    weight: f64,
}

#[hpy_class(module = "m", frozen)]
struct Stem {
    leaf: TypedField<Leaf>,
}

fn restem<'a, 'ctx>(stem: &Ref<'a, 'ctx, Stem>) -> Option<WithBorrowedFields<'a, 'ctx, Stem>> {
    let leaf = stem.load_typed(&stem.leaf)?;
    let leaf = leaf.as_class::<Leaf>().ok()??;
    Some(WithFields::new(Stem { leaf: TypedField::new() }).set_typed_borrowed(|s| &s.leaf, &leaf))
}

fn main() {}
