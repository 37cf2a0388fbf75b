// A unit variant has no field to read: give it one, or convert by hand.
use hpy::FromHPy;

#[derive(FromHPy)]
enum Value {
    Int(i64),
    Nothing,
}

fn main() {}
