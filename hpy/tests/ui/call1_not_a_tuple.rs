// `call1` takes a tuple of arguments: one argument is `(x,)`.
use hpy::{HPyResult, Handle};

fn call_with_one<'ctx>(f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    f.call1(5)
}

fn main() {
    let _ = call_with_one;
}
