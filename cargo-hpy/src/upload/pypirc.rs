//! `~/.pypirc`: named repositories with their upload URL and credentials,
//! in the format twine and maturin read (an INI file, one section per
//! repository: `repository`, `username`, `password`).
//!
//! Read with `configparser` as Python's `RawConfigParser` reads it: no
//! interpolation and no inline comments (a password may hold `#` or `;`).

use std::path::{Path, PathBuf};

use super::UploadError;

/// PyPI's upload endpoint (the legacy upload API).
pub const PYPI_URL: &str = "https://upload.pypi.org/legacy/";
/// TestPyPI's upload endpoint.
pub const TESTPYPI_URL: &str = "https://test.pypi.org/legacy/";

/// One repository's section of `~/.pypirc`; any key may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositorySection {
    /// `repository`: the upload URL.
    pub url: Option<String>,
    /// `username`.
    pub username: Option<String>,
    /// `password` (or an API token).
    pub password: Option<String>,
}

/// The file a user's repositories are read from: `$HOME/.pypirc`.
pub fn default_path() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| PathBuf::from(home).join(".pypirc"))
}

/// The section `name` of the pypirc text `text` (read from `path`), if
/// there is one.
pub fn section(
    text: &str,
    path: &Path,
    name: &str,
) -> Result<Option<RepositorySection>, UploadError> {
    let mut ini = configparser::ini::Ini::new_cs();
    ini.set_inline_comment_symbols(Some(&[]));
    ini.set_multiline(true);
    ini.read(text.to_owned())
        .map_err(|problem| UploadError::Pypirc {
            path: path.to_path_buf(),
            problem,
        })?;
    if !ini.sections().iter().any(|s| s == name) {
        return Ok(None);
    }
    let get = |key: &str| ini.get(name, key).filter(|v| !v.is_empty());
    Ok(Some(RepositorySection {
        url: get("repository"),
        username: get("username"),
        password: get("password"),
    }))
}

/// The upload URL a repository name stands for when `~/.pypirc` does not
/// say: `pypi` and `testpypi`, as twine knows them.
pub fn known_url(name: &str) -> Option<&'static str> {
    match name {
        "pypi" => Some(PYPI_URL),
        "testpypi" => Some(TESTPYPI_URL),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYPIRC: &str = "\
[distutils]
index-servers =
    pypi
    local

[pypi]
username = __token__
password = pypi-AgEIcHlwaS5vcmc#not;a-comment

[local]
repository = http://127.0.0.1:8080/
username = alice
password: s3cret
";

    #[test]
    fn reads_sections_as_twine_does() {
        let path = Path::new("/home/u/.pypirc");
        let local = section(PYPIRC, path, "local").unwrap().unwrap();
        assert_eq!(
            local,
            RepositorySection {
                url: Some("http://127.0.0.1:8080/".into()),
                username: Some("alice".into()),
                password: Some("s3cret".into()),
            }
        );
        let pypi = section(PYPIRC, path, "pypi").unwrap().unwrap();
        assert_eq!(pypi.url, None);
        assert_eq!(
            pypi.password.as_deref(),
            Some("pypi-AgEIcHlwaS5vcmc#not;a-comment")
        );
        assert_eq!(section(PYPIRC, path, "elsewhere").unwrap(), None);
        assert_eq!(known_url("pypi"), Some(PYPI_URL));
        assert_eq!(known_url("local"), None);
    }
}
