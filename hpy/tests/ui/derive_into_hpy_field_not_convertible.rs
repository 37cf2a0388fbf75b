// Every field's type must convert with IntoHPy: the error points at it.
use hpy::IntoHPy;

struct Opaque;

#[derive(IntoHPy)]
struct Report {
    count: i64,
    inner: Opaque,
}

fn main() {}
