// A `WithBorrowedFields` keeps the handle it borrows open: the handle
// cannot be closed (dropped) while the builder is still to be used.
use hpy::{hpy_class, Context, HPyResult, Handle, IntoHPy, TypedField, WithFields};

#[hpy_class(module = "m", frozen)]
struct Leaf {
    weight: f64,
}

#[hpy_class(module = "m", frozen)]
struct Stem {
    leaf: TypedField<Leaf>,
}

fn stem<'ctx>(ctx: Context<'ctx>, leaf: Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let r = leaf.as_class::<Leaf>()?.expect("a Leaf");
    let builder =
        WithFields::new(Stem { leaf: TypedField::new() }).set_typed_borrowed(|s| &s.leaf, &r);
    drop(r);
    drop(leaf);
    builder.into_hpy(ctx)
}

fn main() {}
