// A borrowed store lives for one call; a class keeps the store itself in
// an `hpy::Field` and borrows it again in each method.
use hpy::{hpy_class, hpy_methods, ObjectStore, Ref, Stored};

#[hpy_class]
struct Bag {
    store: Ref<'static, 'static, ObjectStore>,
    items: Vec<Stored>,
}

#[hpy_methods]
impl Bag {}

fn main() {}
