// A Python argument cannot be borrowed `&mut` (rustc would suggest
// `&mut &mut`): take a handle by `&`, a converted value, or a `RefMut`.
use hpy::{hpy_method, Handle};

#[hpy_method]
fn grow(xs: &mut Vec<f64>) -> usize {
    xs.push(0.0);
    xs.len()
}

#[hpy_method]
fn touch<'ctx>(x: &mut Handle<'ctx>) -> bool {
    x.is_none()
}

fn main() {}
