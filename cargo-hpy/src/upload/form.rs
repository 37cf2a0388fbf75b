//! The request body of the legacy upload API: a `multipart/form-data` form
//! with `:action=file_upload`, `protocol_version=1`, the distribution's core
//! metadata as form fields, its digests and the file itself as `content`.
//!
//! The metadata comes from the file (a wheel's `*.dist-info/METADATA`, an
//! sdist's `NAME-VERSION/PKG-INFO`); each header becomes the field twine
//! sends for it: the name in lower case with `_` for `-`, except
//! `Classifier` → `classifiers` and `Project-URL` → `project_urls`, and the
//! message body is `description`. Fields that may repeat are sent once per
//! value.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::UploadError;

/// A distribution file to upload, with what the form says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    /// The file.
    pub path: PathBuf,
    /// Its name, as the index stores it.
    pub file_name: String,
    /// `bdist_wheel` or `sdist`.
    pub filetype: &'static str,
    /// A wheel's Python tag (`cp311`, `py3`), `source` for an sdist.
    pub pyversion: String,
    /// The core metadata as form fields, in the file's order.
    pub metadata: Vec<(String, String)>,
}

impl Distribution {
    /// The field `name`'s first value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a wheel (`.whl`) or an sdist (`.tar.gz`) for upload.
pub fn read_distribution(path: &Path) -> Result<Distribution, UploadError> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let not_one = |problem: &str| UploadError::NotADistribution {
        path: path.to_path_buf(),
        problem: problem.to_owned(),
    };
    let (filetype, pyversion, text) = if let Some(stem) = file_name.strip_suffix(".whl") {
        // name-version(-build)?-python-abi-platform
        let parts: Vec<&str> = stem.split('-').collect();
        if !(5..=6).contains(&parts.len()) {
            return Err(not_one("a wheel's name has 5 or 6 parts separated by `-`"));
        }
        let metadata = wheel_metadata(path).map_err(|e| not_one(&e))?;
        ("bdist_wheel", parts[parts.len() - 3].to_owned(), metadata)
    } else if file_name.ends_with(".tar.gz") {
        let metadata = sdist_metadata(path).map_err(|e| not_one(&e))?;
        ("sdist", "source".to_owned(), metadata)
    } else {
        return Err(not_one("neither a wheel (.whl) nor an sdist (.tar.gz)"));
    };
    let metadata = metadata_fields(&text);
    for required in ["name", "version"] {
        if !metadata.iter().any(|(k, _)| k == required) {
            return Err(not_one(&format!("its core metadata has no `{required}`")));
        }
    }
    Ok(Distribution {
        path: path.to_path_buf(),
        file_name,
        filetype,
        pyversion,
        metadata,
    })
}

/// The text of a wheel's `*.dist-info/METADATA`.
fn wheel_metadata(path: &Path) -> Result<String, String> {
    let file = fs::File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let name = zip
        .file_names()
        .find(|n| {
            n.strip_suffix("/METADATA")
                .is_some_and(|dir| dir.ends_with(".dist-info") && !dir.contains('/'))
        })
        .map(str::to_owned)
        .ok_or("it has no *.dist-info/METADATA")?;
    let mut text = String::new();
    zip.by_name(&name)
        .map_err(|e| e.to_string())?
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(text)
}

/// The text of an sdist's `NAME-VERSION/PKG-INFO`.
fn sdist_metadata(path: &Path) -> Result<String, String> {
    let file = fs::File::open(path).map_err(|e| e.to_string())?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let entry_path = entry.path().map_err(|e| e.to_string())?.into_owned();
        if entry_path.components().count() == 2 && entry_path.ends_with("PKG-INFO") {
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(|e| e.to_string())?;
            return Ok(text);
        }
    }
    Err("it has no NAME-VERSION/PKG-INFO".to_owned())
}

/// Core metadata (RFC 822 headers, continuation lines indented, the
/// description as the body) as upload form fields.
pub fn metadata_fields(text: &str) -> Vec<(String, String)> {
    let (headers, body) = match text.find("\n\n") {
        Some(end) => (&text[..end], Some(&text[end + 2..])),
        None => (text, None),
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in headers.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line.trim_start());
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let field = match key.trim().to_ascii_lowercase().as_str() {
            "classifier" => "classifiers".to_owned(),
            "project-url" => "project_urls".to_owned(),
            other => other.replace('-', "_"),
        };
        fields.push((field, value.trim().to_owned()));
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        fields.retain(|(k, _)| k != "description");
        fields.push(("description".to_owned(), body.to_owned()));
    }
    fields
}

/// A `multipart/form-data` body.
#[derive(Debug)]
pub struct Form {
    /// The `Content-Type` header's value (with the boundary).
    pub content_type: String,
    /// The encoded body.
    pub body: Vec<u8>,
}

/// The upload form of `dist`, whose bytes are `content`.
pub fn upload_form(dist: &Distribution, content: &[u8]) -> Form {
    let sha256 = hex(&Sha256::digest(content));
    let mut fields: Vec<(&str, &str)> = vec![
        (":action", "file_upload"),
        ("protocol_version", "1"),
        ("filetype", dist.filetype),
        ("pyversion", &dist.pyversion),
        ("sha256_digest", &sha256),
    ];
    fields.extend(dist.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // A boundary that the content does not contain (the digest makes a
    // collision with the text fields as unlikely as with the file).
    let mut boundary = format!("cargo-hpy-{}", &sha256[..32]);
    while contains(content, boundary.as_bytes()) {
        boundary.push('x');
    }
    let mut body = Vec::with_capacity(content.len() + 4096);
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                quote(name)
            )
            .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; \
             filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            quote(&dist.file_name)
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Form {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    }
}

/// A form-data name or file name inside its double quotes (as browsers
/// and the `multipart` encoders of HTTP libraries escape them).
fn quote(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_becomes_twines_fields() {
        let text = "Metadata-Version: 2.4\nName: demo-ext\nVersion: 0.1.0\n\
                    Summary: A demo\nClassifier: A :: B\nClassifier: C :: D\n\
                    Project-URL: Repository, https://example.invalid\n\
                    Author-email: X <x@example.invalid>\nRequires-Dist: six\n\
                    License-Expression: MIT\nDescription-Content-Type: text/markdown\n\
                    Keywords: a,\n  b\n\n# Demo\n\nText.\n";
        let fields = metadata_fields(text);
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("metadata_version", "2.4"),
                ("name", "demo-ext"),
                ("version", "0.1.0"),
                ("summary", "A demo"),
                ("classifiers", "A :: B"),
                ("classifiers", "C :: D"),
                ("project_urls", "Repository, https://example.invalid"),
                ("author_email", "X <x@example.invalid>"),
                ("requires_dist", "six"),
                ("license_expression", "MIT"),
                ("description_content_type", "text/markdown"),
                ("keywords", "a,\nb"),
                ("description", "# Demo\n\nText.\n"),
            ]
        );
    }

    #[test]
    fn the_form_carries_action_digest_fields_and_content() {
        let dist = Distribution {
            path: "x".into(),
            file_name: "demo-0.1.0-py3-none-any.whl".into(),
            filetype: "bdist_wheel",
            pyversion: "py3".into(),
            metadata: vec![
                ("name".into(), "demo".into()),
                ("version".into(), "0.1.0".into()),
            ],
        };
        let form = upload_form(&dist, b"PK\x03\x04 bytes");
        let boundary = form
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let body = String::from_utf8_lossy(&form.body);
        let parts: Vec<&str> = body.split(&format!("--{boundary}")).collect();
        // Empty preamble, 7 fields, the file, the closing `--\r\n`.
        assert_eq!(parts.len(), 10, "{body}");
        assert_eq!(
            parts[1],
            "\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
        );
        assert!(parts[5].ends_with(&format!(
            "\r\n\r\n{}\r\n",
            hex(&Sha256::digest(b"PK\x03\x04 bytes"))
        )));
        assert_eq!(
            parts[8],
            "\r\nContent-Disposition: form-data; name=\"content\"; \
             filename=\"demo-0.1.0-py3-none-any.whl\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nPK\x03\x04 bytes\r\n"
        );
        assert_eq!(parts[9], "--\r\n");
    }
}
