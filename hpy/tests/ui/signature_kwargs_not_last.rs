// `**kwargs` ends the signature.
use hpy::{hpy_method, Handle};

#[hpy_method(signature = (**kw, a))]
fn f<'ctx>(kw: Option<Handle<'ctx>>, a: i64) -> i64 {
    let _ = kw;
    a
}

fn main() {}
