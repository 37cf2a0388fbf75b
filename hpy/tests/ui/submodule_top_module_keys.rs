// `globals:` and `subinterpreters:` belong to the top module, `attributes:`
// is for its stub, and `register:` to a submodule: each is an error where
// it does not belong, all reported at once.
use hpy::{hpy_module, hpy_submodule, Global};

static G: Global = Global::new();

hpy_submodule! {
    name: sub,
    globals: [G],
    subinterpreters: false,
    attributes: [x: i64],
}

hpy_module! {
    name: m,
    methods: [],
    register: false,
}

fn main() {}
