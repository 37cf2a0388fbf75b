// A misspelt `weakref` is named.
use hpy::hpy_class;

#[hpy_class(weakrefs)]
struct Node {}

fn main() {}
