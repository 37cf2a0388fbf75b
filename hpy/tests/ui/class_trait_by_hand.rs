// `HPyClass` fixes the memory layout of a class's instances, so only
// `#[hpy_class]` may implement it: a hand-written safe impl (which could
// then be read past the object through `Ref::borrow`) does not compile.
use hpy::HPyClass;

struct Fake;

impl HPyClass for Fake {}

fn main() {}
