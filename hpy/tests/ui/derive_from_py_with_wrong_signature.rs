// A `from_py_with` function reads a handle and returns the field's type.
use hpy::{FromHPy, HPyResult};

fn parse(text: &str) -> HPyResult<u32> {
    Ok(text.len() as u32)
}

#[derive(FromHPy)]
struct Config {
    #[hpy(from_py_with = parse)]
    color: u32,
}

fn main() {}
