// The set's required field would follow an optional parameter.
use hpy::{hpy_method, FromKeywords};

#[derive(FromKeywords)]
struct Window {
    start: i64,
    #[hpy(default = -1)]
    stop: i64,
}

#[hpy_method]
fn f(step: Option<i64>, #[hpy(keywords)] w: Window) -> i64 {
    step.unwrap_or(1) + w.start + w.stop
}

fn main() {}
