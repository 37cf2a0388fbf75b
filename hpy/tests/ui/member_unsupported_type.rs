// A `#[member]` converts both ways; a type without conversions needs a
// `#[getter]` (and `#[setter]`).
use hpy::hpy_class;

#[hpy_class]
struct Timer {
    #[member]
    started: std::time::Instant,
}

fn main() {}
