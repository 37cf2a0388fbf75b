// A unit struct has nothing to read from a Python object.
use hpy::FromHPy;

#[derive(FromHPy)]
struct Marker;

fn main() {}
