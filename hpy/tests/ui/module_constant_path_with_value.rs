// `NAME = value` takes a plain name before `=`.
use hpy::hpy_module;

hpy_module! {
    name: m,
    methods: [],
    constants: [consts::ANSWER = 42],
}

fn main() {}
