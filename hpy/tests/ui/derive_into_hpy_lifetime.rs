// The derives take owned fields (type parameters are fine).
use hpy::IntoHPy;

#[derive(IntoHPy)]
struct Named<'a> {
    name: &'a str,
}

fn main() {}
