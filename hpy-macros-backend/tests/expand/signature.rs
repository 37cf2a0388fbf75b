//! `signature = (...)`: defaults, `/`, `*args`, keyword-only, `**kwargs`,
//! on a function and on a class's constructor and method.

use hpy::{hpy_class, hpy_method, hpy_methods, Handle, VarArgs};

/// Every kind of parameter.
#[hpy_method(signature = (a, b = 2, /, c = "x", *args, d, e = None, **kw))]
fn everything<'ctx>(
    a: i64,
    b: i64,
    c: String,
    args: VarArgs<'_, 'ctx>,
    d: bool,
    e: Option<f64>,
    kw: Option<Handle<'ctx>>,
) -> usize {
    let _ = (a, b, c, d, e, kw);
    args.len()
}

/// Plain keywords with a default: the simple parser.
#[hpy_method(signature = (x, y = 0))]
fn plain(x: i64, y: i64) -> i64 {
    x + y
}

#[hpy_class(module = "sig")]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    #[new(signature = (x = 0.0, *, check = true))]
    fn new(x: f64, check: bool) -> Point {
        let _ = check;
        Point { x }
    }

    /// Scaled.
    #[method(signature = (factor, /, **options))]
    fn scaled(&self, factor: f64, options: Handle<'_>) -> f64 {
        let _ = options;
        self.x * factor
    }
}

fn main() {}
