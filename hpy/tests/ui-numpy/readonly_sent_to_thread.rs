// A `PyReadonlyArray` holds the call's borrow: it cannot go to another
// thread. The fix: send its `ndarray` view (`a.as_array()`), e.g. inside
// `ctx.allow_threads`.
use hpy::hpy_method;
use hpy::numpy::PyReadonlyArray1;

#[hpy_method]
fn send(a: PyReadonlyArray1<'_, f64>) -> f64 {
    std::thread::scope(|s| s.spawn(move || a.as_array().sum()).join().unwrap())
}

fn main() {}
