// A class's value outlives every call: it cannot borrow. One error, on the
// lifetime parameter, not one per generated item that would name `'a`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Name<'a> {
    text: &'a str,
}

#[hpy_methods]
impl<'a> Name<'a> {
    fn len(&self) -> usize {
        self.text.len()
    }
}

fn main() {}
