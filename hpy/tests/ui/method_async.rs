// Python cannot await a Rust future.
use hpy::hpy_method;

#[hpy_method]
async fn f() {}

fn main() {}
