// The interpreter may drop an object on any thread that holds its lock, so
// a class's value must be `Send`: an `Rc` inside one does not compile.
use std::rc::Rc;

use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Shared {
    inner: Rc<u32>,
}

#[hpy_methods]
impl Shared {}

fn main() {}
