// A C-variadic function cannot be called from Python.
use hpy::hpy_method;

#[hpy_method]
unsafe extern "C" fn f(x: i32, mut args: ...) -> i32 {
    x
}

fn main() {}
