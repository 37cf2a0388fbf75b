// `dict`/`weakref` are for classes based on `object`.
use hpy::hpy_class;

#[hpy_class(subclass)]
struct Base {}

#[hpy_class(extends = Base, dict)]
struct Derived {}

fn main() {}
