// `transparent` converts a struct as its one field.
use hpy::FromHPy;

#[derive(FromHPy)]
#[hpy(transparent)]
struct Point {
    x: f64,
    y: f64,
}

fn main() {}
