// `dict`/`weakref` are for classes based on `object`.
use hpy::hpy_class;

#[derive(Default)]
#[hpy_class(shape = "float", weakref)]
struct Celsius {}

fn main() {}
