// The derives take concrete types.
use hpy::IntoHPy;

#[derive(IntoHPy)]
struct Wrapper<'a> {
    text: &'a str,
}

fn main() {}
