// A misspelt option on a keyword set's field.
use hpy::FromKeywords;

#[derive(FromKeywords)]
struct Opts {
    #[hpy(defualt = 0)]
    indent: i64,
}

fn main() {}
