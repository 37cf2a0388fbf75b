// A `create_exception!` class is created by the module that lists it in
// `exceptions`: one that no module lists is an error on its name.
use hpy::{hpy_method, hpy_module, HPyResult};

hpy::create_exception!(m, ParseError, ValueError, "Bad input.");
hpy::create_exception!(m, Listed, ValueError);

#[hpy_method]
fn parse(text: &str) -> HPyResult<i64> {
    text.parse().map_err(|_| ParseError::new_err("not a number"))
}

hpy_module! {
    name: m,
    methods: [parse],
    exceptions: [Listed],
}

fn main() {}
