// rustc's suggestion for a returned handle, `&'a Handle<'a>`, ties the
// borrow of an argument to the call: the macro names the fix.
use hpy::{hpy_method, HPyResult, Handle};

#[hpy_method]
fn first<'a>(x: &'a Handle<'a>) -> HPyResult<Handle<'a>> {
    Ok(x.dup())
}

fn main() {}
