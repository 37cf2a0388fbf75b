// `Field`s are found by type: an alias, `Option<Field>`, arrays and a
// struct implementing `FieldSlots` all get slots, and a type of the user's
// that happens to be called `Field` is just data. Compiles under
// `forbid(unsafe_code)`.
#![forbid(unsafe_code)]

use hpy::{hpy_class, hpy_methods, FieldSlots};

mod mine {
    /// Not hpy's `Field`.
    #[derive(Default)]
    pub struct Field(pub u64);
}

type Alias = hpy::Field;

struct Link {
    to: hpy::Field,
}

impl FieldSlots for Link {
    const COUNT: usize = 1;
}

#[hpy_class(module = "shapes")]
struct Holder {
    plain: hpy::Field,
    maybe: Option<hpy::Field>,
    pair: [hpy::Field; 2],
    alias: Alias,
    link: Link,
    data: mine::Field,
}

#[hpy_methods]
impl Holder {}

const _: () = assert!(<Holder as hpy::HPyClass>::FIELD_SLOTS == 6);

// `Field`s carry no drop glue: a class of `Field`s, numbers and atomics
// gets no `tp_destroy` (PyPy would send every instance through its
// finalizer queue); a `String` brings one back.
#[hpy_class(module = "shapes", frozen)]
struct Cheap {
    value: std::sync::atomic::AtomicU64,
    name: hpy::Field,
    pairs: [hpy::Field; 4],
    coefficients: [f64; 4],
}

#[hpy_class(module = "shapes")]
struct Named {
    name: String,
}

const _: () = assert!(!<Holder as hpy::HPyClass>::NEEDS_DESTROY);
const _: () = assert!(!<Cheap as hpy::HPyClass>::NEEDS_DESTROY);
const _: () = assert!(<Named as hpy::HPyClass>::NEEDS_DESTROY);

fn main() {
    let _ = |h: Holder| (h.plain, h.maybe, h.pair, h.alias, h.link.to, h.data.0);
    let _ = |c: Cheap, n: Named| (c.value, c.name, c.pairs, c.coefficients, n.name);
}
