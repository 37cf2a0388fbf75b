//! What a crate says about the Python package it becomes: the module's
//! dotted name, where its own Python files are, and the metadata of its wheel.
//!
//! Two sources, the first one that sets a value wins:
//!
//! 1. `pyproject.toml` next to the crate's `Cargo.toml`: the standard
//!    `[project]` table (name, version, description, requires-python,
//!    dependencies, license, authors, urls) and our `[tool.hpy-rs]` table:
//!
//!    ```toml
//!    [tool.hpy-rs]
//!    module = "pofpackage.foo"   # dotted module name; default: the lib name
//!    python-source = "python"    # directory holding the package's .py files
//!    ```
//!
//! 2. `Cargo.toml`: `[package]` name, version, description, license, authors,
//!    homepage, repository, and `[package.metadata.hpy]` with the same two keys
//!    as `[tool.hpy-rs]`.
//!
//! Without `python-source`, a `python/` directory next to `Cargo.toml` is used
//! when it exists.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cargo::Package;
use crate::error::Error;
use crate::stub::is_python_identifier;
use crate::toml::{self, Toml};

/// The package metadata written to a wheel's `METADATA`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMetadata {
    /// Distribution name as given (normalised only in file names).
    pub name: String,
    /// PEP 440 version.
    pub version: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// `Requires-Python`.
    pub requires_python: Option<String>,
    /// `Requires-Dist` entries (PEP 508).
    pub requires_dist: Vec<String>,
    /// License expression or text.
    pub license: Option<String>,
    /// `Author` (names) and `Author-email` (emails) values.
    pub authors: Vec<String>,
    /// `Author-email` values.
    pub author_emails: Vec<String>,
    /// `Project-URL` entries as `label, url`.
    pub urls: Vec<String>,
}

/// The Python side of one extension crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonProject {
    /// The full dotted module name, e.g. `pofpackage.foo`.
    pub module: String,
    /// Absolute directory whose contents (packages and modules) are shipped
    /// next to the extension, if any.
    pub python_source: Option<PathBuf>,
    /// Wheel metadata.
    pub metadata: CoreMetadata,
}

/// Reads the configuration of `package`, whose cdylib is named `lib_name`
/// (the last component of the module name must be that, because the init
/// symbols `HPyInit_<name>`/`PyInit_<name>` are generated from it).
pub fn load(package: &Package, lib_name: &str) -> Result<PythonProject, Error> {
    let dir = package
        .manifest_path
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let pyproject_path = dir.join("pyproject.toml");
    let pyproject = match fs::read_to_string(&pyproject_path) {
        Ok(text) => Some(toml::parse(&text).map_err(|e| {
            Error::failed(format!("could not read {}: {e}", pyproject_path.display()))
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Error::failed(format!(
                "could not read {}: {e}",
                pyproject_path.display()
            )))
        }
    };
    let empty = Toml::Table(Vec::new());
    let doc = pyproject.as_ref().unwrap_or(&empty);
    from_sources(package, lib_name, doc, &dir, &pyproject_path)
}

fn from_sources(
    package: &Package,
    lib_name: &str,
    doc: &Toml,
    dir: &Path,
    pyproject_path: &Path,
) -> Result<PythonProject, Error> {
    let project = doc.get("project");
    let tool = doc.get_path(&["tool", "hpy-rs"]);
    let tool_str = |key: &str| -> Result<Option<String>, Error> {
        match tool.and_then(|t| t.get(key)) {
            None => Ok(None),
            Some(Toml::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::failed(format!(
                "{}: `[tool.hpy-rs] {key}` must be a string",
                pyproject_path.display()
            ))),
        }
    };
    let project_str = |key: &str| project.and_then(|p| p.get(key)).and_then(Toml::as_str);

    let module = tool_str("module")?
        .or_else(|| package.hpy_module.clone())
        .unwrap_or_else(|| lib_name.to_owned());
    check_module_name(&module, lib_name, &package.name)?;

    let python_source = match tool_str("python-source")?.or(package.hpy_python_source.clone()) {
        Some(rel) => {
            let path = dir.join(&rel);
            if !path.is_dir() {
                return Err(Error::failed(format!(
                    "python-source `{rel}` of crate {} is not a directory ({})",
                    package.name,
                    path.display()
                )));
            }
            Some(path)
        }
        None => Some(dir.join("python")).filter(|p| p.is_dir()),
    };

    let mut metadata = CoreMetadata {
        name: project_str("name").unwrap_or(&package.name).to_owned(),
        version: match project_str("version") {
            Some(v) => v.to_owned(),
            None => pep440_from_semver(&package.version),
        },
        summary: project_str("description")
            .map(str::to_owned)
            .or(package.description.clone())
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")),
        requires_python: project_str("requires-python").map(str::to_owned),
        requires_dist: project
            .and_then(|p| p.get("dependencies"))
            .and_then(Toml::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(Toml::as_str)
            .map(str::to_owned)
            .collect(),
        license: match project.and_then(|p| p.get("license")) {
            Some(Toml::String(s)) => Some(s.clone()),
            Some(table) => table.get("text").and_then(Toml::as_str).map(str::to_owned),
            None => package.license.clone(),
        },
        ..CoreMetadata::default()
    };
    if let Some(authors) = project
        .and_then(|p| p.get("authors"))
        .and_then(Toml::as_array)
    {
        for author in authors {
            let name = author.get("name").and_then(Toml::as_str);
            match (name, author.get("email").and_then(Toml::as_str)) {
                (Some(name), Some(email)) => {
                    metadata.author_emails.push(format!("{name} <{email}>"))
                }
                (None, Some(email)) => metadata.author_emails.push(email.to_owned()),
                (Some(name), None) => metadata.authors.push(name.to_owned()),
                (None, None) => {}
            }
        }
    } else {
        for author in &package.authors {
            if author.contains('<') {
                metadata.author_emails.push(author.clone());
            } else {
                metadata.authors.push(author.clone());
            }
        }
    }
    if let Some(Toml::Table(urls)) = project.and_then(|p| p.get("urls")) {
        for (label, url) in urls {
            if let Some(url) = url.as_str() {
                metadata.urls.push(format!("{label}, {url}"));
            }
        }
    } else {
        for (label, url) in [
            ("Homepage", &package.homepage),
            ("Repository", &package.repository),
        ] {
            if let Some(url) = url {
                metadata.urls.push(format!("{label}, {url}"));
            }
        }
    }
    Ok(PythonProject {
        module,
        python_source,
        metadata,
    })
}

/// A dotted module name must be identifiers, and end in the library's name.
pub fn check_module_name(module: &str, lib_name: &str, crate_name: &str) -> Result<(), Error> {
    if let Some(bad) = module.split('.').find(|part| !is_python_identifier(part)) {
        return Err(Error::failed(format!(
            "module name `{module}` of crate {crate_name} is not a dotted Python name \
             (`{bad}` is not an ASCII identifier)"
        )));
    }
    let last = module.rsplit('.').next().unwrap_or(module);
    if last != lib_name {
        return Err(Error::failed(format!(
            "module name `{module}` of crate {crate_name} ends in `{last}`, but its library \
             is named `{lib_name}`: the module's init function is named after the library \
             (HPyInit_{lib_name}), so set `[lib] name = \"{last}\"` in Cargo.toml"
        )));
    }
    Ok(())
}

/// Cargo versions are SemVer; wheels need PEP 440. Pre-releases `-alpha.N`,
/// `-beta.N`, `-rc.N` become `aN`, `bN`, `rcN`; build metadata `+x` becomes a
/// local version. Other forms are passed through (pip will judge them; a
/// `[project] version` overrides).
pub fn pep440_from_semver(version: &str) -> String {
    let (main, local) = match version.split_once('+') {
        Some((m, l)) => (m, Some(l)),
        None => (version, None),
    };
    let mut out = match main.split_once('-') {
        Some((release, pre)) => {
            let (kind, num) = pre.split_once('.').unwrap_or((pre, "0"));
            let short = match kind {
                "alpha" | "a" => Some("a"),
                "beta" | "b" => Some("b"),
                "rc" => Some("rc"),
                _ => None,
            };
            match short {
                Some(s) if num.chars().all(|c| c.is_ascii_digit()) => format!("{release}{s}{num}"),
                _ => main.to_owned(),
            }
        }
        None => main.to_owned(),
    };
    if let Some(local) = local {
        out.push('+');
        out.push_str(&local.replace('-', "."));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        Package {
            id: "id".into(),
            name: "pof-package".into(),
            manifest_path: "/nonexistent/Cargo.toml".into(),
            has_cdylib: true,
            version: "1.2.0-beta.3".into(),
            description: Some("From  Cargo\n".into()),
            license: Some("MIT".into()),
            authors: vec!["Ann <ann@x.org>".into(), "Bob".into()],
            homepage: Some("https://h.example".into()),
            repository: None,
            hpy_module: None,
            hpy_python_source: None,
        }
    }

    fn load_from(pyproject: &str, lib: &str) -> Result<PythonProject, Error> {
        let doc = toml::parse(pyproject).unwrap();
        from_sources(
            &package(),
            lib,
            &doc,
            Path::new("/nonexistent"),
            Path::new("p.toml"),
        )
    }

    #[test]
    fn cargo_only() {
        let p = load_from("", "foo").unwrap();
        assert_eq!(p.module, "foo");
        assert_eq!(p.python_source, None);
        assert_eq!(p.metadata.name, "pof-package");
        assert_eq!(p.metadata.version, "1.2.0b3");
        assert_eq!(p.metadata.summary.as_deref(), Some("From Cargo"));
        assert_eq!(p.metadata.license.as_deref(), Some("MIT"));
        assert_eq!(p.metadata.authors, ["Bob"]);
        assert_eq!(p.metadata.author_emails, ["Ann <ann@x.org>"]);
        assert_eq!(p.metadata.urls, ["Homepage, https://h.example"]);
    }

    #[test]
    fn pyproject_wins() {
        let p = load_from(
            r#"
[project]
name = "pofpackage"
version = "0.3"
description = "From pyproject"
requires-python = ">=3.8"
dependencies = ["six"]
license = {text = "Apache-2.0"}
authors = [{name = "Cy", email = "cy@x.org"}, {name = "Di"}]
[tool.hpy-rs]
module = "pofpackage.foo"
"#,
            "foo",
        )
        .unwrap();
        assert_eq!(p.module, "pofpackage.foo");
        assert_eq!(p.metadata.name, "pofpackage");
        assert_eq!(p.metadata.version, "0.3");
        assert_eq!(p.metadata.requires_dist, ["six"]);
        assert_eq!(p.metadata.requires_python.as_deref(), Some(">=3.8"));
        assert_eq!(p.metadata.license.as_deref(), Some("Apache-2.0"));
        assert_eq!(p.metadata.author_emails, ["Cy <cy@x.org>"]);
        assert_eq!(p.metadata.authors, ["Di"]);
    }

    #[test]
    fn module_name_must_end_in_the_lib_name() {
        let e = load_from("[tool.hpy-rs]\nmodule = \"pkg.bar\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("set `[lib] name = \"bar\"`"), "{e}");
        let e = load_from("[tool.hpy-rs]\nmodule = \"pkg.1x.foo\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("`1x` is not"), "{e}");
        let e = load_from("[tool.hpy-rs]\nmodule = 3\n", "foo").unwrap_err();
        assert!(e.to_string().contains("must be a string"), "{e}");
    }

    #[test]
    fn semver_to_pep440() {
        for (semver, pep440) in [
            ("1.0.0", "1.0.0"),
            ("1.0.0-alpha.1", "1.0.0a1"),
            ("1.0.0-rc.2", "1.0.0rc2"),
            ("1.0.0-beta", "1.0.0b0"),
            ("1.0.0+build-5", "1.0.0+build.5"),
            ("1.0.0-dev", "1.0.0-dev"),
        ] {
            assert_eq!(pep440_from_semver(semver), pep440);
        }
    }
}
