// `from_py_with` needs the function that reads the field.
use hpy::FromHPy;

#[derive(FromHPy)]
struct Config {
    #[hpy(from_py_with)]
    color: u32,
}

fn main() {}
