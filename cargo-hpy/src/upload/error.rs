//! [`UploadError`]: why an upload did not happen. A leaf, shared by the
//! upload itself ([`super::upload`]), the form ([`super::form`]) and
//! `~/.pypirc` ([`super::pypirc`]).

use std::fmt;
use std::path::PathBuf;

/// Why an upload did not happen.
#[derive(Debug)]
#[non_exhaustive]
pub enum UploadError {
    /// `~/.pypirc` could not be parsed.
    Pypirc {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        problem: String,
    },
    /// `-r NAME` names no section of `~/.pypirc` and is not `pypi` or
    /// `testpypi`.
    UnknownRepository {
        /// The name.
        name: String,
        /// The file looked in, if there is a home directory.
        pypirc: Option<PathBuf>,
    },
    /// A file given is no wheel or sdist this command can read.
    NotADistribution {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The index refused the credentials (401 or 403).
    Forbidden {
        /// The upload URL.
        url: String,
        /// 401 or 403.
        status: u16,
        /// The index's explanation, if it gave one.
        detail: String,
        /// Whether a user name and password were sent at all.
        sent_credentials: bool,
    },
    /// The index already has a file of that name (409, or PyPI's 400
    /// "File already exists").
    AlreadyExists {
        /// The file's name.
        file: String,
        /// The upload URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The index answered with a redirect, which a `POST` does not follow.
    Redirected {
        /// The upload URL.
        url: String,
        /// The status (301, 302, 307, 308).
        status: u16,
        /// Where it points.
        location: String,
    },
    /// Any other refusal.
    Rejected {
        /// The file's name.
        file: String,
        /// The upload URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The index's explanation, if it gave one.
        detail: String,
    },
    /// The index could not be reached (DNS, connection, TLS, timeout).
    Network {
        /// The upload URL.
        url: String,
        /// What ureq reported.
        source: Box<ureq::Error>,
    },
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = |d: &str| {
            if d.is_empty() {
                String::new()
            } else {
                format!(": {d}")
            }
        };
        match self {
            UploadError::Pypirc { path, problem } => write!(f, "{}: {problem}", path.display()),
            UploadError::UnknownRepository { name, pypirc } => write!(
                f,
                "repository `{name}` is not in {} (a section [{name}] with `repository = \
                 URL`), and is neither `pypi` nor `testpypi`; or give the URL with \
                 --repository-url",
                pypirc
                    .as_ref()
                    .map_or("~/.pypirc".to_owned(), |p| p.display().to_string())
            ),
            UploadError::NotADistribution { path, problem } => {
                write!(f, "{} cannot be uploaded: {problem}", path.display())
            }
            UploadError::Forbidden {
                url,
                status,
                detail: d,
                sent_credentials,
            } => {
                write!(
                    f,
                    "{url} refused the upload ({status} {}){}: ",
                    if *status == 401 {
                        "Unauthorized"
                    } else {
                        "Forbidden"
                    },
                    detail(d)
                )?;
                if *sent_credentials {
                    f.write_str(
                        "check the user name and password (-u/-p, HPY_RS_USERNAME/\
                         HPY_RS_PASSWORD or TWINE_USERNAME/TWINE_PASSWORD, ~/.pypirc); an API \
                         token is the password, with the user name __token__",
                    )
                } else {
                    f.write_str(
                        "no credentials were given: pass -u/-p, set HPY_RS_USERNAME/\
                         HPY_RS_PASSWORD (or TWINE_USERNAME/TWINE_PASSWORD), or add them to \
                         the repository's section of ~/.pypirc",
                    )
                }
            }
            UploadError::AlreadyExists { file, url, status } => write!(
                f,
                "{url} already has {file} ({status}): an index never replaces a file; \
                 build a new version, or pass --skip-existing to upload only what is missing"
            ),
            UploadError::Redirected {
                url,
                status,
                location,
            } => write!(
                f,
                "{url} redirected the upload ({status}) to {location}: an upload is not \
                 sent again to a new address; give that one with --repository-url"
            ),
            UploadError::Rejected {
                file,
                url,
                status,
                detail: d,
            } => write!(f, "{url} rejected {file} (HTTP {status}){}", detail(d)),
            UploadError::Network { url, source } => write!(f, "could not reach {url}: {source}"),
        }
    }
}

impl std::error::Error for UploadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UploadError::Network { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}
