// A caught exception holds handles for one call: a class cannot keep it.
use hpy::hpy_class;

#[hpy_class]
struct LastError {
    caught: Option<hpy::Caught<'static>>,
}

fn main() {}
