// `from_item_all` goes on the type, `item` on a field: the error says which.
use hpy::FromHPy;

#[derive(FromHPy)]
#[hpy(item)]
struct Point {
    x: f64,
    y: f64,
}

fn main() {}
