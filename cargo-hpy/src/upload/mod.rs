//! Uploading wheels and sdists to a package index (`cargo hpy upload`,
//! `cargo hpy publish`) through the legacy upload API that PyPI, TestPyPI,
//! pypiserver, devpi and the hosted registries accept: one `POST` per file
//! of a `multipart/form-data` form ([`form`]), HTTP basic authentication,
//! over `ureq` (rustls with Mozilla's root certificates).
//!
//! Where the index, the user name and the password come from, first found
//! wins (the order twine and maturin use):
//!
//! | | |
//! |---|---|
//! | URL | `--repository-url`, `$HPY_RS_REPOSITORY_URL`, `$TWINE_REPOSITORY_URL`; else the repository named by `-r/--repository`, `$HPY_RS_REPOSITORY`, `$TWINE_REPOSITORY`, or `pypi`: its `repository` in `~/.pypirc`, else PyPI's or TestPyPI's own URL for `pypi`/`testpypi` |
//! | user name | `-u/--username`, `$HPY_RS_USERNAME`, `$TWINE_USERNAME`, the repository's `username` in `~/.pypirc` (not with a URL given), else `__token__` when a password is given |
//! | password | `-p/--password`, `$HPY_RS_PASSWORD`, `$TWINE_PASSWORD`, the repository's `password` in `~/.pypirc` (not with a URL given) |
//!
//! An API token (`pypi-...`) is a password whose user name is `__token__`.
//! Redirects are not followed (a `POST` cannot be replayed safely): the
//! error names the URL to use instead.

mod error;
pub mod form;
pub mod pypirc;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;

pub use error::UploadError;

/// The environment variables read, in order of precedence, for each setting.
pub const USERNAME_ENV: [&str; 2] = ["HPY_RS_USERNAME", "TWINE_USERNAME"];
/// See [`USERNAME_ENV`].
pub const PASSWORD_ENV: [&str; 2] = ["HPY_RS_PASSWORD", "TWINE_PASSWORD"];
/// See [`USERNAME_ENV`].
pub const REPOSITORY_ENV: [&str; 2] = ["HPY_RS_REPOSITORY", "TWINE_REPOSITORY"];
/// See [`USERNAME_ENV`].
pub const REPOSITORY_URL_ENV: [&str; 2] = ["HPY_RS_REPOSITORY_URL", "TWINE_REPOSITORY_URL"];

/// What the command line says about where and how to upload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `--repository-url`.
    pub repository_url: Option<String>,
    /// `-r/--repository`: a section of `~/.pypirc`.
    pub repository: Option<String>,
    /// `-u/--username`.
    pub username: Option<String>,
    /// `-p/--password`.
    pub password: Option<String>,
    /// `--skip-existing`: a file the index already has is not an error.
    pub skip_existing: bool,
}

/// The index to upload to and the credentials to use, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The upload URL.
    pub url: String,
    /// The user name (`__token__` for an API token).
    pub username: Option<String>,
    /// The password or token.
    pub password: Option<String>,
}

/// The first of `names` set (non-empty) in the environment `env`.
fn first_env(env: &dyn Fn(&str) -> Option<String>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()))
}

/// Resolves where to upload and with which credentials (see the module's
/// documentation), `env` reading the environment and `pypirc` naming the
/// user's `~/.pypirc`.
pub fn resolve(
    settings: &Settings,
    env: &dyn Fn(&str) -> Option<String>,
    pypirc: Option<&Path>,
) -> Result<Target, UploadError> {
    let explicit_url = settings
        .repository_url
        .clone()
        .or_else(|| first_env(env, &REPOSITORY_URL_ENV));
    let (url, section) = match explicit_url {
        Some(url) => (url, pypirc::RepositorySection::default()),
        None => {
            let named = settings
                .repository
                .clone()
                .or_else(|| first_env(env, &REPOSITORY_ENV));
            let name = named.as_deref().unwrap_or("pypi");
            let text = match pypirc {
                Some(path) if path.is_file() => {
                    std::fs::read_to_string(path).map_err(|e| UploadError::Pypirc {
                        path: path.to_path_buf(),
                        problem: e.to_string(),
                    })?
                }
                _ => String::new(),
            };
            let path = pypirc.unwrap_or(Path::new("~/.pypirc"));
            let section = pypirc::section(&text, path, name)?.unwrap_or_default();
            let url = section
                .url
                .clone()
                .or_else(|| pypirc::known_url(name).map(str::to_owned))
                .ok_or_else(|| UploadError::UnknownRepository {
                    name: name.to_owned(),
                    pypirc: pypirc.map(Path::to_path_buf),
                })?;
            (url, section)
        }
    };
    let username = settings
        .username
        .clone()
        .or_else(|| first_env(env, &USERNAME_ENV))
        .or(section.username);
    let password = settings
        .password
        .clone()
        .or_else(|| first_env(env, &PASSWORD_ENV))
        .or(section.password);
    let username = match (username, &password) {
        (None, Some(_)) => Some("__token__".to_owned()),
        (username, _) => username,
    };
    Ok(Target {
        url,
        username,
        password,
    })
}

/// Uploads `files` (wheels and sdists, each read and checked before the
/// first is sent) to `target`; with `skip_existing`, a file the index
/// already has is reported and skipped.
pub fn upload(files: &[PathBuf], target: &Target, skip_existing: bool) -> Result<(), UploadError> {
    let dists = files
        .iter()
        .map(|f| form::read_distribution(f))
        .collect::<Result<Vec<_>, _>>()?;
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("cargo-hpy/", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(Duration::from_secs(30)))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let authorization = target.password.as_ref().map(|password| {
        let user = target.username.as_deref().unwrap_or("__token__");
        let pair = format!("{user}:{password}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    });
    for dist in &dists {
        let content = std::fs::read(&dist.path).map_err(|e| UploadError::NotADistribution {
            path: dist.path.clone(),
            problem: e.to_string(),
        })?;
        eprintln!(
            "cargo-hpy: uploading {} ({} bytes) to {}",
            dist.file_name,
            content.len(),
            target.url
        );
        let form = form::upload_form(dist, &content);
        let mut request = agent
            .post(&target.url)
            .header("Content-Type", &form.content_type);
        if let Some(authorization) = &authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request
            .send(&form.body[..])
            .map_err(|source| UploadError::Network {
                url: target.url.clone(),
                source: Box::new(source),
            })?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .unwrap_or_default();
        let detail = plain_text(&text);
        match status {
            200..=299 => eprintln!("cargo-hpy: uploaded {}", dist.file_name),
            300..=399 => {
                return Err(UploadError::Redirected {
                    url: target.url.clone(),
                    status,
                    location,
                })
            }
            401 | 403 => {
                return Err(UploadError::Forbidden {
                    url: target.url.clone(),
                    status,
                    detail,
                    sent_credentials: authorization.is_some(),
                })
            }
            409 | 400 if status == 409 || detail.to_lowercase().contains("already exist") => {
                if !skip_existing {
                    return Err(UploadError::AlreadyExists {
                        file: dist.file_name.clone(),
                        url: target.url.clone(),
                        status,
                    });
                }
                eprintln!(
                    "cargo-hpy: skipped {}: {} already has it",
                    dist.file_name, target.url
                );
            }
            _ => {
                return Err(UploadError::Rejected {
                    file: dist.file_name.clone(),
                    url: target.url.clone(),
                    status,
                    detail,
                })
            }
        }
    }
    Ok(())
}

/// An index's answer as one short line: for HTML the text of its body,
/// without style sheets and scripts, the common entities decoded; white
/// space collapsed; at most 300 characters.
fn plain_text(text: &str) -> String {
    let body = text.find("<body").map_or(text, |start| &text[start..]);
    let mut out = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let lower = tag.get(..7).unwrap_or(tag).to_ascii_lowercase();
        let skip_to = ["style", "script"]
            .into_iter()
            .find(|name| lower[1..].starts_with(name))
            .and_then(|name| tag.to_ascii_lowercase().find(&format!("</{name}>")));
        rest = match (skip_to, tag.find('>')) {
            (Some(end), _) => tag[end..].split_once('>').map_or("", |(_, r)| r),
            (None, Some(end)) => &tag[end + 1..],
            (None, None) => "",
        };
    }
    out.push_str(rest);
    let out = out
        .replace("&#039;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let line = out.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(300) {
        Some((end, _)) => format!("{}...", &line[..end]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_command_line_then_the_environment_then_pypirc() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-pypirc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pypirc = dir.join(".pypirc");
        std::fs::write(
            &pypirc,
            "[local]\nrepository = http://127.0.0.1:1/\nusername = alice\npassword = a\n\
             [pypi]\npassword = pypi-token\n",
        )
        .unwrap();
        let none = env_of(&[]);
        // Default: pypi, its token from ~/.pypirc, with __token__.
        let t = resolve(&Settings::default(), &none, Some(&pypirc)).unwrap();
        assert_eq!(
            t,
            Target {
                url: pypirc::PYPI_URL.into(),
                username: Some("__token__".into()),
                password: Some("pypi-token".into()),
            }
        );
        let local = Settings {
            repository: Some("local".into()),
            ..Settings::default()
        };
        let t = resolve(&local, &none, Some(&pypirc)).unwrap();
        assert_eq!(
            (t.url.as_str(), t.username.as_deref(), t.password.as_deref()),
            ("http://127.0.0.1:1/", Some("alice"), Some("a"))
        );
        // The environment over the file, ours over twine's, the command line over both.
        let env = env_of(&[
            ("TWINE_USERNAME", "tw"),
            ("TWINE_PASSWORD", "twp"),
            ("HPY_RS_PASSWORD", "ours"),
        ]);
        let t = resolve(&local, &env, Some(&pypirc)).unwrap();
        assert_eq!(
            (t.username.as_deref(), t.password.as_deref()),
            (Some("tw"), Some("ours"))
        );
        let cli = Settings {
            username: Some("u".into()),
            password: Some("p".into()),
            ..local.clone()
        };
        let t = resolve(&cli, &env, Some(&pypirc)).unwrap();
        assert_eq!(
            (t.username.as_deref(), t.password.as_deref()),
            (Some("u"), Some("p"))
        );
        // A URL given: no credentials from ~/.pypirc.
        let env = env_of(&[("TWINE_REPOSITORY_URL", "http://x/")]);
        let t = resolve(&local, &env, Some(&pypirc)).unwrap();
        assert_eq!((t.url.as_str(), t.password), ("http://x/", None));
        let e = resolve(
            &Settings {
                repository: Some("nowhere".into()),
                ..Settings::default()
            },
            &none,
            Some(&pypirc),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("repository `nowhere` is not in /"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn answers_become_one_line() {
        assert_eq!(
            plain_text(
                "<html><head><style>body {x: y;}</style></head><body><STYLE>p {}</STYLE>\
                 <h1>400 File already exists.</h1>\n\n  See <a href='h'>&#039;help&#039;</a>\
                 </body></html>"
            ),
            "400 File already exists. See 'help'"
        );
        assert_eq!(plain_text(&"x".repeat(400)).len(), 303);
    }
}
