// The same in a class: a method returns `Handle<'ctx>`, never `'static`.
use hpy::{hpy_class, hpy_methods, Context, Handle};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn none<'ctx>(&self, ctx: Context<'ctx>) -> Handle<'static> {
        ctx.none()
    }
}

fn main() {}
