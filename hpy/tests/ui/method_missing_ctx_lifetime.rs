// A handle's lifetime is the call's: name it (`'ctx`) in the signature.
use hpy::hpy_method;

#[hpy_method]
fn first(x: &hpy::Handle) -> hpy::Handle {
    x.dup()
}

fn main() {}
