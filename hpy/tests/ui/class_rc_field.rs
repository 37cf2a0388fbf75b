// Python may free an object on any thread holding the interpreter, so a
// class's value must be `Send`: `Rc` is not, `Arc` is.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Shared {
    inner: std::rc::Rc<Vec<u8>>,
}

#[hpy_methods]
impl Shared {
    fn len(&self) -> usize {
        self.inner.len()
    }
}

fn main() {}
