// An argument is owned by the caller: the callee cannot close it.
use hpy::{hpy_method, Borrowed};

#[hpy_method]
fn close_arg(x: Borrowed<'_, '_>) {
    drop(*x);
}

fn main() {}
