// A class has a fixed number of `Field` slots, counted from its field
// types: `Field`s in a `Vec` would get none and fail only at run time.
use hpy::{hpy_class, Field};

#[hpy_class]
struct Children {
    items: Vec<Field>,
}

#[hpy_class]
struct Maybe {
    named: std::collections::HashMap<String, Option<Field>>,
}

fn main() {}
