// A buffer exposes a slice of primitive numbers only; the error names them.
use hpy::{hpy_class, hpy_methods};

#[derive(Clone, Copy)]
struct Byte(u8);

#[hpy_class]
struct Bytes {
    data: Vec<Byte>,
}

#[hpy_methods]
impl Bytes {
    fn __buffer__(&self) -> &[Byte] {
        &self.data
    }
}

fn main() {}
