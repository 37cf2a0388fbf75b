// A field read from an attribute cannot borrow from it: it is released
// before the struct is returned. Use an owned type (`String`).
use hpy::FromHPy;

#[derive(FromHPy)]
struct Named {
    name: &'static str,
}

fn main() {}
