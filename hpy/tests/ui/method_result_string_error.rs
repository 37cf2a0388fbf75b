// Errors reach Python as exceptions: return `HPyResult<T>`, not
// `Result<T, String>`.
use hpy::hpy_method;

#[hpy_method]
fn parse(text: String) -> Result<i64, String> {
    text.parse::<i64>().map_err(|e| e.to_string())
}

fn main() {}
