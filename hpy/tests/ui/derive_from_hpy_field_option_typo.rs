// A misspelt field option is named, with the closest known one.
use hpy::FromHPy;

#[derive(FromHPy)]
struct Point {
    #[hpy(itme)]
    x: f64,
    y: f64,
}

fn main() {}
