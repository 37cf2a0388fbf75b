// `types:` lists `#[hpy_class]` structs; a plain struct is named as such.
use hpy::hpy_module;

struct Plain;

hpy_module! {
    name: demo,
    types: [Plain],
}

fn main() {}
