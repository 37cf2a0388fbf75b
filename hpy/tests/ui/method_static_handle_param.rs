// An argument's handle is the call's too: `'static` is never its lifetime.
use hpy::{hpy_method, Handle};

#[hpy_method]
fn keep(x: &Handle<'static>) -> bool {
    x.is_none()
}

fn main() {}
