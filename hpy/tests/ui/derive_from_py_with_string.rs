// `from_py_with` takes a path, not a string (PyO3 once took a string).
use hpy::FromHPy;

#[derive(FromHPy)]
struct Config {
    #[hpy(from_py_with = "parse_hex")]
    color: u32,
}

fn main() {}
