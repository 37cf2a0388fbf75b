// A member needs a name.
use hpy::hpy_class;

#[hpy_class]
struct Pair(#[member] i64, i64);

fn main() {}
