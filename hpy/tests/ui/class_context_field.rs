// A `Context` is the current call's: a class cannot keep one.
use hpy::hpy_class;

#[hpy_class]
struct Remember {
    ctx: hpy::Context<'static>,
}

fn main() {}
