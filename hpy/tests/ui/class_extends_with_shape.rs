// `extends` already fixes the base.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(subclass)]
#[derive(Default)]
struct Animal {
    legs: i64,
}

#[hpy_methods]
impl Animal {}

#[hpy_class(extends = Animal, shape = "float")]
#[derive(Default)]
struct Dog {
    good: bool,
}

fn main() {}
