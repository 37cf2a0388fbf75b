// A unit variant has no field to convert.
use hpy::IntoHPy;

#[derive(IntoHPy)]
enum Value {
    Int(i64),
    Nothing,
}

fn main() {}
