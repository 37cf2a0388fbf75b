// A parameter whose type has no conversion from Python.
use hpy::hpy_method;

struct Config {
    verbose: bool,
}

#[hpy_method]
fn run(config: Config) -> bool {
    config.verbose
}

fn main() {}
