// A keyword set's fields are named: they are the parameters' names.
use hpy::FromKeywords;

#[derive(FromKeywords)]
struct Opts(i64, bool);

fn main() {}
