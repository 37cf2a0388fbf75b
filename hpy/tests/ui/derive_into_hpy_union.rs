// A union cannot be converted field by field.
use hpy::IntoHPy;

#[derive(IntoHPy)]
union Bits {
    i: i64,
    f: f64,
}

fn main() {}
