// A module constant's value must convert with IntoHPy.
use hpy::hpy_module;

struct Opaque;

const SECRET: Opaque = Opaque;

hpy_module! {
    name: m,
    methods: [],
    constants: [SECRET],
}

fn main() {}
