// `__hash__` returns an integer.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Key {
    name: String,
}

#[hpy_methods]
impl Key {
    fn __hash__(&self) -> String {
        self.name.clone()
    }
}

fn main() {}
