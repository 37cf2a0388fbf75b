// A generic class, its generic methods block and a module listing one
// instantiation: one error, on the type parameter, naming what to do.
use hpy::{hpy_class, hpy_methods, hpy_module};

#[hpy_class]
struct Wrapper<T> {
    value: T,
}

#[hpy_methods]
impl<T: Clone> Wrapper<T> {
    fn get(&self) -> i64 {
        0
    }
}

hpy_module! {
    name: m,
    methods: [],
    types: [Wrapper<f64>],
}

fn main() {}
