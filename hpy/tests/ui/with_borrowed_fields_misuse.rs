// A `WithBorrowedFields` borrows the handle of the `Ref` it was given, so
// two misuses do not compile:
// - `stem`: the handle is closed (dropped) while the builder is still to
//   be used;
// - `restem`: the builder is returned past a handle the function itself
//   owns (one made by `load_typed`, closed when the function returns).
use hpy::{
    hpy_class, Context, HPyResult, Handle, IntoHPy, Ref, TypedField, WithBorrowedFields,
    WithFields,
};

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

fn restem<'a, 'ctx>(stem: &Ref<'a, 'ctx, Stem>) -> Option<WithBorrowedFields<'a, 'ctx, Stem>> {
    let leaf = stem.load_typed(&stem.leaf)?;
    let leaf = leaf.as_class::<Leaf>().ok()??;
    Some(WithFields::new(Stem { leaf: TypedField::new() }).set_typed_borrowed(|s| &s.leaf, &leaf))
}

fn main() {}
