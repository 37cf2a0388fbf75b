// After a rejected `#[hpy_method]`, the function is still there for Rust
// callers and the module: one error, not three.
use hpy::{hpy_method, hpy_module};

#[hpy_method(keyword)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

hpy_module! {
    name: demo,
    methods: [add],
}

fn main() {
    let _ = add(1, 2);
}
