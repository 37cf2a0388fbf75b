// Keyword arguments are `(name, value)` pairs.
use hpy::{HPyResult, Handle};

fn call<'ctx>(f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    f.call_with((1,), ("reverse", true))
}

fn main() {
    let _ = call;
}
