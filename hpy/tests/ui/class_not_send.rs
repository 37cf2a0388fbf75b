// The interpreter may drop an object on any thread that holds its lock, so
// a class's value must be `Send`: a field whose type holds an `Rc` does not
// compile (an `Rc` written in the struct itself is caught by the macro, see
// `class_rc_field`).
use std::rc::Rc;

use hpy::{hpy_class, hpy_methods};

struct Counter(Rc<u32>);

#[hpy_class]
struct Shared {
    inner: Counter,
}

#[hpy_methods]
impl Shared {}

fn main() {}
