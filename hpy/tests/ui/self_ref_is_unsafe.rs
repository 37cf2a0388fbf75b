// The hidden helper that borrows a method's receiver without checking its
// type is `unsafe`: calling it on another class's object from safe code
// does not compile.
use hpy::{hpy_class, hpy_method, hpy_methods, Borrowed, HPyResult};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {}

#[hpy_method]
fn read_x(obj: Borrowed<'_, '_>) -> HPyResult<f64> {
    let p = hpy::impl_::class::self_ref::<Point>(obj)?;
    Ok(p.x)
}

fn main() {}
