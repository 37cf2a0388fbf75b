// Handles have no `==`: identity is `is()`, equality is a Python operation.
use hpy::Handle;

fn same(a: &Handle<'_>, b: &Handle<'_>) -> bool {
    *a == *b
}

fn main() {
    let _ = same;
}
