// Python needs one concrete function.
use hpy::hpy_method;

#[hpy_method]
fn f<T: Default>() -> i64 {
    0
}

fn main() {}
