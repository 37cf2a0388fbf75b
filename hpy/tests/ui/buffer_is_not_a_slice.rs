// A `Buffer` is not a `&[u8]`: the memory of a `bytearray` (or of any view
// lent by its exporter) can be written by Python code while it is borrowed,
// which a `&[u8]` promises cannot happen. `frozen()`, `with_bytes()` or
// `as_cells()` say which bytes hold still.
use hpy::{hpy_method, Buffer};

#[hpy_method]
fn first(data: Buffer<'_>) -> u8 {
    let bytes: &[u8] = &data;
    bytes[0]
}

fn main() {}
