// `py_default` shows a default: it needs the default itself.
use hpy::FromKeywords;

#[derive(FromKeywords)]
struct Opts {
    #[hpy(py_default = "0")]
    indent: i64,
}

fn main() {}
