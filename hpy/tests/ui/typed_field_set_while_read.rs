// `RefMut::set_typed` may drop the object a `TypedField` held: it takes
// the guard exclusively, so no `&U` read through it can still be alive.
use hpy::{hpy_class, Ref, RefMut, TypedField};

#[hpy_class(frozen)]
struct Variable {
    value: f64,
}

#[hpy_class]
struct Term {
    variable: TypedField<Variable>,
}

fn rebind<'ctx>(term: &mut RefMut<'_, 'ctx, Term>, to: &Ref<'_, 'ctx, Variable>) -> f64 {
    let old = term.get_typed(&term.variable).expect("bound");
    term.set_typed(|t| &mut t.variable, Some(to));
    old.value
}

fn main() {}
