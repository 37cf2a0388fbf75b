// Next to `&self`, an elided `'_` in the result is `self`'s borrow, not the
// call's: rustc would suggest replacing `#[hpy_methods]` with `'ctx`.
use hpy::{hpy_class, hpy_methods, Context, Handle};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn none(&self, ctx: Context<'_>) -> Handle<'_> {
        ctx.none()
    }
}

fn main() {}
