// `__len__` returns a size.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct Bag {
    items: Vec<i64>,
}

#[hpy_methods]
impl Bag {
    fn __len__(&self) -> String {
        self.items.len().to_string()
    }
}

fn main() {}
