// `exceptions` in `hpy_module!` lists types declared with
// `hpy::create_exception!`, not arbitrary types (nor builtin classes).
use hpy::hpy_module;

pub struct NotAnException;

hpy_module! {
    name: m,
    methods: [],
    exceptions: [NotAnException],
}

fn main() {}
