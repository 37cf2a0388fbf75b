// A union cannot be read field by field.
use hpy::FromHPy;

#[derive(FromHPy)]
union Bits {
    i: i64,
    f: f64,
}

fn main() {}
