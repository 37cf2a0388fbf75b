// The derives take owned fields: a field cannot borrow from a handle that
// is closed before the value is returned.
use hpy::FromHPy;

#[derive(FromHPy)]
struct Pair<'a> {
    a: &'a str,
    b: &'a str,
}

fn main() {}
