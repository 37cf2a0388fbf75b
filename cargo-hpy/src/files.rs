//! Writing a file so that no reader ever sees half of it: the one way
//! cargo-hpy replaces modules, wheels and sdists.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Writes `path` through `write`, which fills a temporary file next to it
/// (`.NAME.cargo-hpy-PID.tmp`), then renames that over `path`: a process
/// that has the old file open or mapped keeps a consistent file, and a
/// failed write leaves the old one. The temporary file is removed on
/// failure.
pub fn replace_file(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".cargo-hpy-{}.tmp", std::process::id()));
    let temp: PathBuf = path.with_file_name(name);
    let result = write(&temp)
        .and_then(|()| fs::rename(&temp, path).map_err(|e| Error::io("write", path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
