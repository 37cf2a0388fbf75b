// `base` takes builtin type constants only: with a Rust class there, both
// classes' data would start at the same place and the base's methods would
// misread the derived data. `extends = Animal` is the way to subclass it.
use hpy::{hpy_class, hpy_methods};

#[hpy_class(subclass)]
struct Animal {
    legs: i64,
}

#[hpy_class(base = Animal)]
struct Dog {
    name: String,
}

#[hpy_methods]
impl Dog {
    fn name(&self) -> String {
        self.name.clone()
    }
}

fn main() {}
