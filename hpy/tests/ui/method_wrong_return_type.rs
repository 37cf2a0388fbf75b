// A return type without a conversion to Python.
use hpy::hpy_method;

struct Report {
    lines: usize,
}

#[hpy_method]
fn report() -> Report {
    Report { lines: 0 }
}

fn main() {}
