// A path cannot be borrowed from a Python str: take `PathBuf`.
use std::path::Path;

use hpy::hpy_method;

#[hpy_method]
fn exists(path: &Path) -> bool {
    path.exists()
}

fn main() {}
