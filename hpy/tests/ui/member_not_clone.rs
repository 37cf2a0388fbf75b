// A member is read by copying it into a new Python object: it must be
// `Clone` and convert to Python.
use hpy::hpy_class;

struct Opaque(u8);

#[hpy_class]
struct Holder {
    #[member(get)]
    inner: Opaque,
}

fn main() {}
