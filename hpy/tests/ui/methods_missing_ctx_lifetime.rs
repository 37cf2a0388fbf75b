// A class method returning a handle names the call's lifetime too.
use hpy::{hpy_class, hpy_methods, Context};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn as_float(&self, ctx: Context) -> hpy::HPyResult<hpy::Handle> {
        hpy::IntoHPy::into_hpy(self.x, ctx)
    }
}

fn main() {}
