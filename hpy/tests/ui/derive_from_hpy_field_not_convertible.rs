// Every field's type must convert with FromHPy: the error points at it.
use hpy::FromHPy;

struct Opaque;

#[derive(FromHPy)]
struct Config {
    name: String,
    inner: Opaque,
}

fn main() {}
