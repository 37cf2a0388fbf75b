// A `types:` entry takes `#[unexported]` and nothing else.
use hpy::{hpy_class, hpy_module};

#[hpy_class]
struct Point {}

hpy_module! {
    name: attrs,
    types: [#[hidden] Point],
}

fn main() {}
