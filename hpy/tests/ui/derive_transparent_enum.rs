// A one-field variant already converts as its field.
use hpy::IntoHPy;

#[derive(IntoHPy)]
#[hpy(transparent)]
enum Number {
    Int(i64),
}

fn main() {}
