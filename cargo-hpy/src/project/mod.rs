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
//!    features = ["simd"]         # cargo features of every build
//!    profile = "release"         # cargo profile unless the command line names one
//!    abi = "universal"           # or "cpython": unless the command line names one
//!    target = "aarch64-unknown-linux-gnu"  # cross build, unless --target names one
//!    include = ["generated/*.rs"]  # sdist: packed even if .gitignore'd
//!    exclude = ["benches/data/"]   # sdist: left out (gitignore syntax)
//!    data = "data"               # wheel: installed under the environment's prefix
//!    ```
//!
//!    `features`, `profile`, `abi` and `target` are applied by [`apply_build_options`]
//!    for the project named by `--manifest-path` (or in the current
//!    directory).
//!
//! 2. `Cargo.toml`: `[package]` name, version, description, license, authors,
//!    homepage, repository, and `[package.metadata.hpy]` with the same two keys
//!    as `[tool.hpy-rs]`.
//!
//! Without `python-source`, a `python/` directory next to `Cargo.toml` is used
//! when it exists.

pub mod cargo;
pub mod compile;
pub mod stubs;
pub mod target;
pub mod vendor;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use crate::error::Error;
use crate::project::cargo::Package;
use crate::python::module_name_problem;

// Defined with the reading of `cargo metadata` that looks the dependency up
// by it; kept at `project::HPY_PACKAGE`, the path `command::new` names.
pub use cargo::HPY_PACKAGE;

/// The package metadata written to a wheel's `METADATA`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMetadata {
    /// Distribution name as given (normalised only in file names).
    pub name: String,
    /// PEP 440 version, checked.
    pub version: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// `Requires-Python`, checked as PEP 440 version specifiers.
    pub requires_python: Option<String>,
    /// `Requires-Dist` entries, checked as PEP 508 requirements.
    pub requires_dist: Vec<String>,
    /// License expression or text.
    pub license: Option<String>,
    /// `license` is an SPDX expression (`License-Expression`), not free
    /// text (`License`).
    pub license_is_expression: bool,
    /// `Author` (names) and `Author-email` (emails) values.
    pub authors: Vec<String>,
    /// `Author-email` values.
    pub author_emails: Vec<String>,
    /// `Project-URL` entries as `label, url`.
    pub urls: Vec<String>,
    /// `Maintainer` (names) values.
    pub maintainers: Vec<String>,
    /// `Maintainer-email` values.
    pub maintainer_emails: Vec<String>,
    /// `Keywords`, joined with commas.
    pub keywords: Vec<String>,
    /// `Classifier` entries.
    pub classifiers: Vec<String>,
    /// `Provides-Extra` names (their requirements are in `requires_dist`
    /// with an `extra == "NAME"` marker).
    pub provides_extra: Vec<String>,
    /// The long description (the readme) and its content type.
    pub description: Option<(String, String)>,
    /// License files: their path relative to the project (`License-File`,
    /// and the wheel's `.dist-info/licenses/PATH`) and contents.
    pub license_files: Vec<(String, Vec<u8>)>,
    /// `[project.scripts]`, `[project.gui-scripts]` and
    /// `[project.entry-points]`: group → name → object reference, for the
    /// wheel's `entry_points.txt`.
    pub entry_points: BTreeMap<String, BTreeMap<String, String>>,
}

/// The Python side of one extension crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonProject {
    /// The full dotted module name, e.g. `pofpackage.foo`.
    pub module: String,
    /// Absolute directory whose contents (packages and modules) are shipped
    /// next to the extension, if any.
    pub python_source: Option<PathBuf>,
    /// Absolute directory of data files (`[tool.hpy-rs] data`), if any.
    pub data: Option<PathBuf>,
    /// Wheel metadata.
    pub metadata: CoreMetadata,
}

/// The parts of `pyproject.toml` cargo-hpy reads, typed. Unknown tables and
/// keys are other tools' business and ignored, except inside
/// `[tool.hpy-rs]`, which is ours.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PyProject {
    /// `[build-system]`.
    pub build_system: Option<BuildSystem>,
    /// `[project]` (PEP 621).
    pub project: Option<ProjectTable>,
    /// `[tool]`.
    pub tool: Option<ToolTable>,
}

/// `[build-system]` (PEP 518, PEP 517).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BuildSystem {
    /// `requires`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// `build-backend`.
    pub build_backend: Option<String>,
    /// `backend-path`: an in-tree backend.
    #[serde(default)]
    pub backend_path: Vec<String>,
}

/// `[project]`: the keys cargo-hpy writes into the wheel's metadata.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProjectTable {
    /// `name` (required by PEP 621).
    pub name: String,
    /// `version`; without it, Cargo.toml's.
    pub version: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `requires-python`.
    pub requires_python: Option<String>,
    /// `dependencies`.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// `license`: a string (SPDX expression) or `{text = ...}`/`{file = ...}`.
    pub license: Option<License>,
    /// `authors`.
    #[serde(default)]
    pub authors: Vec<Person>,
    /// `urls`.
    #[serde(default)]
    pub urls: BTreeMap<String, String>,
    /// `maintainers`.
    #[serde(default)]
    pub maintainers: Vec<Person>,
    /// `readme`: a file name, or `{file = ..., content-type = ...}` or
    /// `{text = ..., content-type = ...}`.
    pub readme: Option<Readme>,
    /// `keywords`.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// `classifiers`.
    #[serde(default)]
    pub classifiers: Vec<String>,
    /// `optional-dependencies`: extra → requirements.
    #[serde(default)]
    pub optional_dependencies: BTreeMap<String, Vec<String>>,
    /// `scripts`: console scripts.
    #[serde(default)]
    pub scripts: BTreeMap<String, String>,
    /// `gui-scripts`.
    #[serde(default)]
    pub gui_scripts: BTreeMap<String, String>,
    /// `entry-points`: group → name → object reference.
    #[serde(default)]
    pub entry_points: BTreeMap<String, BTreeMap<String, String>>,
    /// `license-files` (PEP 639): glob patterns relative to the project.
    #[serde(default)]
    pub license_files: Vec<String>,
}

/// `[project] readme`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Readme {
    /// A file name; the content type follows from its extension.
    File(String),
    /// A table.
    Table {
        /// The file holding it.
        file: Option<String>,
        /// The text itself.
        text: Option<String>,
        /// Its content type (`text/markdown`, `text/x-rst`, `text/plain`).
        #[serde(rename = "content-type")]
        content_type: Option<String>,
    },
}

/// `[project] license`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum License {
    /// PEP 639: an SPDX expression.
    Expression(String),
    /// PEP 621: `{text = "..."}` or `{file = "..."}`.
    Table {
        /// The license text.
        text: Option<String>,
        /// A file holding it (named in the metadata, not read).
        file: Option<String>,
    },
}

/// An entry of `[project] authors`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// `name`.
    pub name: Option<String>,
    /// `email`.
    pub email: Option<String>,
}

/// `[tool]`.
#[derive(Debug, Default, Deserialize)]
pub struct ToolTable {
    /// `[tool.hpy-rs]`.
    #[serde(rename = "hpy-rs")]
    pub hpy_rs: Option<HpyRsTable>,
}

/// `[tool.hpy-rs]`. A key cargo-hpy does not know is an error that names
/// it (a misspelt `feature` would otherwise be silently ignored).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HpyRsTable {
    /// The dotted module name.
    pub module: Option<String>,
    /// The directory of the package's Python files.
    pub python_source: Option<String>,
    /// Cargo features every build enables (besides `-F`).
    #[serde(default)]
    pub features: Vec<String>,
    /// The cargo profile when the command line names none: `release`,
    /// `dev`, or a custom profile.
    pub profile: Option<String>,
    /// The ABI when the command line names none (`--universal`,
    /// `--cpython`).
    pub abi: Option<AbiSetting>,
    /// The target triple when the command line names none (`--target`):
    /// a cross build, see [`crate::project::target`].
    pub target: Option<String>,
    /// gitignore-style patterns of files the sdist packs even when a
    /// `.gitignore` leaves them out.
    #[serde(default)]
    pub include: Vec<String>,
    /// gitignore-style patterns of files the sdist leaves out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A directory whose files the wheel installs under the environment's
    /// prefix (the wheel's `NAME-VERSION.data/data/`).
    pub data: Option<String>,
}

impl HpyRsTable {
    /// Whether the table sets options of the cargo build (`features`,
    /// `profile`, `abi`, `target`), which one cargo command applies to all
    /// the packages it builds; `module` and `python-source` are each
    /// package's own.
    pub fn sets_build_options(&self) -> bool {
        !self.features.is_empty()
            || self.profile.is_some()
            || self.abi.is_some()
            || self.target.is_some()
    }
}

/// `[tool.hpy-rs] abi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AbiSetting {
    /// The CPython ABI.
    Cpython,
    /// The HPy universal ABI.
    Universal,
}

/// The `[tool.hpy-rs]` table of the pyproject.toml in `dir`, if any.
pub fn tool_table(dir: &Path) -> Result<Option<HpyRsTable>, Error> {
    Ok(read_pyproject(dir)?
        .and_then(|p| p.tool)
        .and_then(|t| t.hpy_rs))
}

/// Applies `[tool.hpy-rs]` `features`, `profile`, `abi` and `target` of the project
/// the command line selects (the package of `-p`, else `--manifest-path`,
/// else the current directory) to `args`; the command line's own choices
/// win. With several `-p`, one project's build options would apply to all
/// of them: that is refused when any of their tables sets one (`module`
/// and `python-source` stay each package's own).
pub fn apply_build_options(args: &mut crate::options::BuildArgs) -> Result<(), Error> {
    let dir = match (&args.manifest_path, args.packages.as_slice()) {
        (manifest, [_, ..]) => match selected_package_dirs(manifest.as_deref(), &args.packages)? {
            dirs if dirs.len() == 1 => dirs.into_iter().next().expect("one"),
            dirs => {
                let with_table: Vec<String> = dirs
                    .iter()
                    .filter(|d| matches!(tool_table(d), Ok(Some(t)) if t.sets_build_options()))
                    .map(|d| d.join("pyproject.toml").display().to_string())
                    .collect();
                if !with_table.is_empty() {
                    return Err(Error::ToolTableForSeveral {
                        packages: with_table,
                    });
                }
                return Ok(());
            }
        },
        (Some(manifest), []) => manifest.parent().unwrap_or(Path::new(".")).to_path_buf(),
        (None, []) => PathBuf::from("."),
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let Some(tool) = tool_table(&dir)? else {
        return Ok(());
    };
    apply_tool_table(args, &tool);
    Ok(())
}

/// The directories of the workspace packages that `-p` specs (`name` or
/// `name@version`) select; cargo reports a spec that matches none.
pub fn selected_package_dirs(
    manifest: Option<&Path>,
    specs: &[String],
) -> Result<Vec<PathBuf>, Error> {
    let metadata = cargo::metadata(manifest)?;
    let mut dirs = Vec::new();
    for spec in specs {
        let name = spec.split('@').next().unwrap_or(spec);
        for package in metadata.packages.iter().filter(|p| p.name == name) {
            let dir = package.manifest_path.parent().unwrap_or(Path::new("."));
            if !dirs.iter().any(|d| d == dir) {
                dirs.push(dir.to_path_buf());
            }
        }
    }
    Ok(dirs)
}

fn apply_tool_table(args: &mut crate::options::BuildArgs, tool: &HpyRsTable) {
    args.cargo.features.extend(tool.features.iter().cloned());
    if !args.release && args.cargo.profile.is_none() {
        match tool.profile.as_deref() {
            Some("release") => args.release = true,
            Some("dev" | "debug") | None => {}
            Some(other) => args.cargo.profile = Some(other.to_owned()),
        }
    }
    if !args.universal && !args.cpython && tool.abi == Some(AbiSetting::Universal) {
        args.universal = true;
    }
    if args.cargo.target.is_none() {
        args.cargo.target.clone_from(&tool.target);
    }
}

/// Parses pyproject.toml text; `path` names it in the error.
pub fn parse_pyproject(text: &str, path: &Path) -> Result<PyProject, Error> {
    // TOML lets a parser keep a multi-line string's line ends as written;
    // metadata wants `\n` whatever the file's line ends. A raw CR is valid
    // TOML only before an LF, so this changes nothing else.
    let text = text.replace("\r\n", "\n");
    toml::from_str(&text).map_err(|source| Error::Toml {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads `pyproject.toml` in `dir`, if there is one.
pub fn read_pyproject(dir: &Path) -> Result<Option<PyProject>, Error> {
    let path = dir.join("pyproject.toml");
    match fs::read_to_string(&path) {
        Ok(text) => parse_pyproject(&text, &path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", &path, e)),
    }
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
    let pyproject = read_pyproject(&dir)?.unwrap_or_default();
    from_sources(
        package,
        lib_name,
        &pyproject,
        &dir,
        &dir.join("pyproject.toml"),
    )
}

fn from_sources(
    package: &Package,
    lib_name: &str,
    doc: &PyProject,
    dir: &Path,
    pyproject_path: &Path,
) -> Result<PythonProject, Error> {
    let project = doc.project.as_ref();
    let tool = doc.tool.as_ref().and_then(|t| t.hpy_rs.as_ref());
    let invalid = |what: String| Error::config(pyproject_path, what);

    let module = tool
        .and_then(|t| t.module.clone())
        .or_else(|| package.hpy_module.clone())
        .unwrap_or_else(|| lib_name.to_owned());
    check_module_name(&module, lib_name, &package.name)?;

    let python_source = match tool
        .and_then(|t| t.python_source.clone())
        .or(package.hpy_python_source.clone())
    {
        Some(rel) => {
            let path = dir.join(&rel);
            if !path.is_dir() {
                return Err(Error::NotADirectory {
                    path: pyproject_path.to_path_buf(),
                    setting: "python-source",
                    value: rel,
                    crate_name: Some(package.name.clone()),
                    resolved: path,
                });
            }
            Some(path)
        }
        None => Some(dir.join("python")).filter(|p| p.is_dir()),
    };

    let version = match project.and_then(|p| p.version.clone()) {
        Some(v) => {
            pep440_rs::Version::from_str(&v).map_err(|e| Error::NotPep440 {
                path: pyproject_path.to_path_buf(),
                key: "[project] version",
                value: v.clone(),
                reason: e.to_string(),
            })?;
            v
        }
        None => pep440_from_semver(&package.version).map_err(|e| {
            invalid(format!(
                "crate {}: {e}; set `version` in [project]",
                package.name
            ))
        })?,
    };
    if let Some(spec) = project.and_then(|p| p.requires_python.as_deref()) {
        pep440_rs::VersionSpecifiers::from_str(spec).map_err(|e| Error::NotPep440 {
            path: pyproject_path.to_path_buf(),
            key: "requires-python",
            value: spec.to_owned(),
            reason: e.to_string(),
        })?;
    }
    let dependencies = project.map(|p| p.dependencies.clone()).unwrap_or_default();
    for dependency in &dependencies {
        requirement_name(dependency).map_err(|e| invalid(format!("dependency {e}")))?;
    }
    let mut metadata = CoreMetadata {
        name: project.map_or(&package.name, |p| &p.name).clone(),
        version,
        summary: project
            .and_then(|p| p.description.clone())
            .or(package.description.clone())
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")),
        requires_python: project.and_then(|p| p.requires_python.clone()),
        requires_dist: dependencies,
        license: match project.and_then(|p| p.license.as_ref()) {
            Some(License::Expression(s)) => Some(s.clone()),
            Some(License::Table { text, file }) => {
                text.clone().or(file.as_ref().map(|f| format!("see {f}")))
            }
            // Cargo's deprecated `MIT/Apache-2.0` is SPDX's `OR`.
            None => package.license.as_ref().map(|l| l.replace('/', " OR ")),
        },
        license_is_expression: match project.and_then(|p| p.license.as_ref()) {
            Some(License::Expression(_)) => true,
            Some(License::Table { .. }) => false,
            None => package.license.is_some(),
        },
        ..CoreMetadata::default()
    };
    match project.map(|p| &p.authors) {
        Some(authors) if !authors.is_empty() => {
            split_people(authors, &mut metadata.authors, &mut metadata.author_emails);
        }
        _ => {
            for author in &package.authors {
                if author.contains('<') {
                    metadata.author_emails.push(author.clone());
                } else {
                    metadata.authors.push(author.clone());
                }
            }
        }
    }
    match project.map(|p| &p.urls) {
        Some(urls) if !urls.is_empty() => {
            for (label, url) in urls {
                metadata.urls.push(format!("{label}, {url}"));
            }
        }
        _ => {
            for (label, url) in [
                ("Homepage", &package.homepage),
                ("Repository", &package.repository),
            ] {
                if let Some(url) = url {
                    metadata.urls.push(format!("{label}, {url}"));
                }
            }
        }
    }
    let data = match tool.and_then(|t| t.data.as_deref()) {
        Some(rel) => {
            let path = dir.join(rel);
            if !path.is_dir() {
                return Err(Error::NotADirectory {
                    path: pyproject_path.to_path_buf(),
                    setting: "[tool.hpy-rs] data",
                    value: rel.to_owned(),
                    crate_name: None,
                    resolved: path,
                });
            }
            Some(path)
        }
        None => None,
    };
    if let Some(project) = project {
        add_pep621_extras(project, dir, &mut metadata).map_err(invalid)?;
    }
    Ok(PythonProject {
        module,
        python_source,
        data,
        metadata,
    })
}

/// Names to `Author`/`Maintainer`, `name <email>` and bare emails to the
/// `-email` field (PEP 621's rule).
fn split_people(people: &[Person], names: &mut Vec<String>, emails: &mut Vec<String>) {
    for person in people {
        match (&person.name, &person.email) {
            (Some(name), Some(email)) => emails.push(format!("{name} <{email}>")),
            (None, Some(email)) => emails.push(email.clone()),
            (Some(name), None) => names.push(name.clone()),
            (None, None) => {}
        }
    }
}

/// The `[project]` keys beyond the basic ones: readme, keywords,
/// classifiers, maintainers, extras, entry points and license files
/// (read from `dir`).
fn add_pep621_extras(
    project: &ProjectTable,
    dir: &Path,
    metadata: &mut CoreMetadata,
) -> Result<(), String> {
    split_people(
        &project.maintainers,
        &mut metadata.maintainers,
        &mut metadata.maintainer_emails,
    );
    metadata.keywords = project.keywords.clone();
    metadata.classifiers = project.classifiers.clone();
    for (extra, requirements) in &project.optional_dependencies {
        let extra_name = normalize_extra(extra);
        metadata.provides_extra.push(extra_name.clone());
        for requirement in requirements {
            requirement_name(requirement).map_err(|e| format!("optional dependency {e}"))?;
            let (req, marker) = match requirement.split_once(';') {
                Some((req, marker)) => (req.trim(), Some(marker.trim())),
                None => (requirement.trim(), None),
            };
            metadata.requires_dist.push(match marker {
                Some(marker) => format!("{req}; ({marker}) and extra == \"{extra_name}\""),
                None => format!("{req}; extra == \"{extra_name}\""),
            });
        }
    }
    metadata.description = match &project.readme {
        None => None,
        Some(Readme::File(file)) => {
            let content_type = content_type_of(file)?;
            Some((read_text(dir, file)?, content_type))
        }
        Some(Readme::Table {
            file,
            text,
            content_type,
        }) => {
            let body = match (file, text) {
                (Some(file), None) => read_text(dir, file)?,
                (None, Some(text)) => text.clone(),
                _ => return Err("`readme` needs exactly one of `file` and `text`".into()),
            };
            let content_type = match (content_type, file) {
                (Some(t), _) => t.clone(),
                (None, Some(file)) => content_type_of(file)?,
                (None, None) => return Err("`readme` with `text` needs `content-type`".into()),
            };
            Some((body, content_type))
        }
    };
    for (group, entries) in [
        ("console_scripts", &project.scripts),
        ("gui_scripts", &project.gui_scripts),
    ] {
        if !entries.is_empty() {
            metadata
                .entry_points
                .insert(group.to_owned(), entries.clone());
        }
    }
    for (group, entries) in &project.entry_points {
        if matches!(group.as_str(), "console_scripts" | "gui_scripts") {
            return Err(format!(
                "[project.entry-points.{group}] is not allowed: use [project.{}]",
                if group == "console_scripts" {
                    "scripts"
                } else {
                    "gui-scripts"
                }
            ));
        }
        metadata.entry_points.insert(group.clone(), entries.clone());
    }
    metadata.license_files = license_files(dir, &project.license_files)?;
    Ok(())
}

/// PEP 685: extras compare lower-case with runs of `-_.` as `-`.
fn normalize_extra(extra: &str) -> String {
    let mut out = String::new();
    for c in extra.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn read_text(dir: &Path, file: &str) -> Result<String, String> {
    let path = dir.join(file);
    fs::read_to_string(&path).map_err(|e| format!("could not read {}: {e}", path.display()))
}

/// A readme's content type from its file name, as PEP 621 asks.
fn content_type_of(file: &str) -> Result<String, String> {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".md") {
        Ok("text/markdown".into())
    } else if lower.ends_with(".rst") {
        Ok("text/x-rst".into())
    } else if lower.ends_with(".txt") {
        Ok("text/plain".into())
    } else {
        Err(format!(
            "readme `{file}`: no content type for its extension; use \
             `readme = {{file = \"{file}\", content-type = \"text/plain\"}}`"
        ))
    }
}

/// The files matching `patterns` (PEP 639 globs, relative to `dir`), with
/// their contents, sorted; a pattern that matches nothing is an error.
fn license_files(dir: &Path, patterns: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for pattern in patterns {
        let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
        builder
            .add_line(None, &format!("/{}", pattern.trim_start_matches('/')))
            .map_err(|e| format!("license-files pattern `{pattern}`: {e}"))?;
        let matcher = builder
            .build()
            .map_err(|e| format!("license-files pattern `{pattern}`: {e}"))?;
        let mut matched = false;
        let walker = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0 || !(name.starts_with('.') || name == "target")
            })
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            if matcher.matched(rel, false).is_ignore() {
                matched = true;
                let rel = rel.to_string_lossy().replace('\\', "/");
                if !out.iter().any(|(r, _)| *r == rel) {
                    let data = fs::read(entry.path())
                        .map_err(|e| format!("could not read {}: {e}", entry.path().display()))?;
                    out.push((rel, data));
                }
            }
        }
        if !matched {
            return Err(format!("license-files pattern `{pattern}` matches no file"));
        }
    }
    out.sort();
    Ok(out)
}

/// The project's core metadata, as its wheel has it (without the host
/// requirement a universal wheel adds): an sdist's PKG-INFO. `manifest`
/// is canonical.
pub fn core_metadata(manifest: &Path) -> Result<CoreMetadata, Error> {
    let metadata = crate::project::cargo::metadata(Some(manifest))?;
    let package = metadata
        .packages
        .iter()
        .find(|p| fs::canonicalize(&p.manifest_path).is_ok_and(|m| m == manifest))
        .ok_or_else(|| Error::NotAPackage {
            manifest: manifest.to_path_buf(),
        })?;
    let lib_name = package
        .lib_name
        .clone()
        .unwrap_or_else(|| package.name.replace('-', "_"));
    Ok(load(package, &lib_name)?.metadata)
}

/// The normalised distribution name a PEP 508 requirement names
/// (`"HPy_RS.universal>=1"` → `hpy-rs-universal`), or why it is not one.
pub fn requirement_name(requirement: &str) -> Result<String, String> {
    let parsed = pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement)
        .map_err(|e| format!("`{requirement}` is not a PEP 508 requirement: {e}"))?;
    Ok(parsed.name.to_string())
}

/// A dotted module name must be identifiers, and end in the library's name.
pub fn check_module_name(module: &str, lib_name: &str, crate_name: &str) -> Result<(), Error> {
    if let Some(problem) = module.split('.').find_map(module_name_problem) {
        return Err(Error::ModuleName {
            module: module.to_owned(),
            crate_name: crate_name.to_owned(),
            problem,
        });
    }
    let last = module.rsplit('.').next().unwrap_or(module);
    if last != lib_name {
        return Err(Error::ModuleNotLibrary {
            module: module.to_owned(),
            crate_name: crate_name.to_owned(),
            library: lib_name.to_owned(),
        });
    }
    Ok(())
}

/// Cargo versions are SemVer; wheels need PEP 440. Pre-releases `-alpha.N`,
/// `-beta.N`, `-rc.N` become `aN`, `bN`, `rcN`; build metadata `+x` becomes a
/// local version. The result is checked with pep440_rs: a SemVer version
/// with no PEP 440 spelling (`1.0.0-foo`) is an error.
pub fn pep440_from_semver(version: &str) -> Result<String, String> {
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
    match pep440_rs::Version::from_str(&out) {
        Ok(_) => Ok(out),
        Err(e) => Err(format!(
            "its version {version} has no PEP 440 spelling ({e})"
        )),
    }
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
            lib_name: None,
            version: "1.2.0-beta.3".into(),
            description: Some("From  Cargo\n".into()),
            license: Some("MIT".into()),
            authors: vec!["Ann <ann@x.org>".into(), "Bob".into()],
            homepage: Some("https://h.example".into()),
            repository: None,
            hpy_module: None,
            hpy_python_source: None,
            hpy_dependency: Some("hpy".into()),
        }
    }

    fn load_from(pyproject: &str, lib: &str) -> Result<PythonProject, Error> {
        let doc = parse_pyproject(pyproject, Path::new("p.toml"))?;
        from_sources(
            &package(),
            lib,
            &doc,
            Path::new("/nonexistent"),
            Path::new("p.toml"),
        )
    }

    #[test]
    fn build_options_are_features_profile_abi_target() {
        let table = |text: &str| {
            parse_pyproject(text, Path::new("p.toml"))
                .unwrap()
                .tool
                .and_then(|t| t.hpy_rs)
                .unwrap()
        };
        let own = table("[tool.hpy-rs]\nmodule = \"a.b\"\npython-source = \"python\"\n");
        assert!(!own.sets_build_options());
        for option in [
            "features = [\"x\"]",
            "profile = \"release\"",
            "abi = \"universal\"",
            "target = \"aarch64-unknown-linux-gnu\"",
        ] {
            assert!(
                table(&format!("[tool.hpy-rs]\n{option}\n")).sets_build_options(),
                "{option}"
            );
        }
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
    fn pep621_extras() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-pep621-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("licenses")).unwrap();
        fs::write(dir.join("README.rst"), "Title\n=====\n").unwrap();
        fs::write(dir.join("LICENSE"), "MIT").unwrap();
        fs::write(dir.join("licenses/extra.txt"), "x").unwrap();
        let doc = parse_pyproject(
            r#"
[project]
name = "x"
version = "1"
readme = "README.rst"
keywords = ["rust", "hpy"]
classifiers = ["Programming Language :: Rust"]
maintainers = [{name = "Mo", email = "mo@x.org"}]
license = "MIT"
license-files = ["LICENSE", "licenses/*.txt"]
[project.optional-dependencies]
Fast_Math = ["numpy>=2", "scipy; python_version < '3.14'"]
[project.scripts]
x-cli = "x.cli:main"
[project.entry-points."x.plugins"]
one = "x.one"
"#,
            Path::new("p.toml"),
        )
        .unwrap();
        let p = from_sources(&package(), "foo", &doc, &dir, Path::new("p.toml")).unwrap();
        let m = &p.metadata;
        assert_eq!(
            m.description,
            Some(("Title\n=====\n".into(), "text/x-rst".into()))
        );
        assert_eq!(m.keywords, ["rust", "hpy"]);
        assert_eq!(m.maintainer_emails, ["Mo <mo@x.org>"]);
        assert!(m.license_is_expression);
        assert_eq!(
            m.license_files,
            [
                ("LICENSE".to_owned(), b"MIT".to_vec()),
                ("licenses/extra.txt".to_owned(), b"x".to_vec())
            ]
        );
        assert_eq!(m.provides_extra, ["fast-math"]);
        assert_eq!(
            m.requires_dist,
            [
                "numpy>=2; extra == \"fast-math\"",
                "scipy; (python_version < '3.14') and extra == \"fast-math\""
            ]
        );
        assert_eq!(m.entry_points["console_scripts"]["x-cli"], "x.cli:main");
        assert_eq!(m.entry_points["x.plugins"]["one"], "x.one");
        for (bad, message) in [
            ("readme = \"README\"", "no content type for its extension"),
            ("license-files = [\"COPYING\"]", "`COPYING` matches no file"),
            (
                "[project.entry-points.console_scripts]\na = \"b\"",
                "use [project.scripts]",
            ),
        ] {
            let doc = parse_pyproject(
                &format!("[project]\nname = \"x\"\n{bad}\n"),
                Path::new("p.toml"),
            )
            .unwrap();
            let e = from_sources(&package(), "foo", &doc, &dir, Path::new("p.toml")).unwrap_err();
            assert!(e.to_string().contains(message), "{e}");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_target_from_the_tool_table_unless_the_command_line_names_one() {
        let doc = parse_pyproject(
            "[tool.hpy-rs]\ntarget = \"aarch64-unknown-linux-gnu\"\n",
            Path::new("p.toml"),
        )
        .unwrap();
        let tool = doc.tool.unwrap().hpy_rs.unwrap();
        let mut args = crate::options::BuildArgs::default();
        apply_tool_table(&mut args, &tool);
        assert_eq!(
            args.cargo.target.as_deref(),
            Some("aarch64-unknown-linux-gnu")
        );
        let mut args = crate::options::BuildArgs::default();
        args.cargo.target = Some("x86_64-unknown-linux-gnu".into());
        apply_tool_table(&mut args, &tool);
        assert_eq!(
            args.cargo.target.as_deref(),
            Some("x86_64-unknown-linux-gnu")
        );
    }

    #[test]
    fn build_options_from_the_tool_table() {
        let doc = parse_pyproject(
            "[tool.hpy-rs]\nfeatures = [\"simd\"]\nprofile = \"fast\"\nabi = \"universal\"\n",
            Path::new("p.toml"),
        )
        .unwrap();
        let tool = doc.tool.unwrap().hpy_rs.unwrap();
        let mut args = crate::options::BuildArgs::default();
        args.cargo.features = vec!["cli".into()];
        apply_tool_table(&mut args, &tool);
        assert_eq!(args.cargo.features, ["cli", "simd"]);
        assert_eq!(args.cargo.profile.as_deref(), Some("fast"));
        assert!(args.universal);
        // The command line wins.
        let mut args = crate::options::BuildArgs {
            release: true,
            cpython: true,
            ..Default::default()
        };
        apply_tool_table(&mut args, &tool);
        assert_eq!(args.cargo.profile, None);
        assert!(!args.universal);
        let mut args = crate::options::BuildArgs::default();
        apply_tool_table(
            &mut args,
            &HpyRsTable {
                profile: Some("release".into()),
                ..Default::default()
            },
        );
        assert!(args.release && args.cargo.profile.is_none());
    }

    #[test]
    fn a_package_chosen_with_p_brings_its_tool_table() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-dash-p-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (rel, text) in [
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
            ),
            ("a/src/lib.rs", ""),
            (
                "a/pyproject.toml",
                "[tool.hpy-rs]\nfeatures = [\"simd\"]\nabi = \"universal\"\n",
            ),
            (
                "b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.1.0\"\n",
            ),
            ("b/src/lib.rs", ""),
        ] {
            fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
            fs::write(dir.join(rel), text).unwrap();
        }
        let selecting = |packages: &[&str]| crate::options::BuildArgs {
            manifest_path: Some(dir.join("Cargo.toml")),
            packages: packages.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        };
        let mut args = selecting(&["a"]);
        apply_build_options(&mut args).unwrap();
        assert_eq!(args.cargo.features, ["simd"]);
        assert!(args.universal);
        let mut args = selecting(&["b@0.1.0"]);
        apply_build_options(&mut args).unwrap();
        assert!(args.cargo.features.is_empty() && !args.universal);
        // Two packages, one with a table: refused rather than applied to both.
        let e = apply_build_options(&mut selecting(&["a", "b"])).unwrap_err();
        assert!(e.to_string().contains("one at a time"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn module_name_must_end_in_the_lib_name() {
        let e = load_from("[tool.hpy-rs]\nmodule = \"pkg.bar\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("set `[lib] name = \"bar\"`"), "{e}");
        let e = load_from("[tool.hpy-rs]\nmodule = \"pkg.1x.foo\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("`1x` is not"), "{e}");
        let e = load_from("[tool.hpy-rs]\nmodule = 3\n", "foo").unwrap_err();
        assert!(e.to_string().contains("invalid type: integer `3`"), "{e}");
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
            assert_eq!(pep440_from_semver(semver).unwrap(), pep440);
        }
        let e = pep440_from_semver("1.0.0-foo").unwrap_err();
        assert!(e.contains("1.0.0-foo has no PEP 440 spelling"), "{e}");
        let e = load_from("", "foo");
        assert!(e.is_ok());
    }

    #[test]
    fn metadata_is_checked() {
        let e = load_from("[project]\nname = \"x\"\nversion = \"1.0.0-foo\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("is not a PEP 440 version"), "{e}");
        let e = load_from(
            "[project]\nname = \"x\"\nrequires-python = \"3.8+\"\n",
            "foo",
        )
        .unwrap_err();
        assert!(e.to_string().contains("is not a PEP 440 specifier"), "{e}");
        let e = load_from(
            "[project]\nname = \"x\"\ndependencies = [\"six >=> 1\"]\n",
            "foo",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("is not a PEP 508 requirement"),
            "{e}"
        );
        let e = load_from("[project]\nversion = \"1\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("missing field `name`"), "{e}");
        let e = load_from("[tool.hpy-rs]\nmodul = \"x\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("unknown field `modul`"), "{e}");
        let e = load_from("[tool.hpy-rs]\nfeature = [\"x\"]\n", "foo").unwrap_err();
        assert!(e.to_string().contains("unknown field `feature`"), "{e}");
        let e = load_from("[tool.hpy-rs]\nabi = \"abi3\"\n", "foo").unwrap_err();
        assert!(e.to_string().contains("unknown variant `abi3`"), "{e}");
        let e = load_from("[tool.hpy-rs]\ndata = \"nowhere\"\n", "foo").unwrap_err();
        assert!(
            e.to_string().contains("data `nowhere` is not a directory"),
            "{e}"
        );
        assert_eq!(
            requirement_name(" HPy_RS.universal >= 1; python_version > '3'").unwrap(),
            "hpy-rs-universal"
        );
        assert_eq!(requirement_name("hpy[dev]==0.9.0").unwrap(), "hpy");
    }

    #[test]
    fn toml_the_old_reader_got_wrong() {
        // Valid TOML: a quote right before the closing delimiter, and an
        // offset date-time (in a table cargo-hpy does not read).
        let p = load_from(
            "[project]\nname = \"x\"\ndescription = \"\"\"He said \"hi\"\"\"\"\n\
             [tool.other]\nwhen = 1979-05-27T07:32:00-08:00\n",
            "foo",
        )
        .unwrap();
        assert_eq!(p.metadata.summary.as_deref(), Some("He said \"hi\""));
        // A multi-line string's line ends are \n, even when the file's are \r\n.
        let doc = parse_pyproject(
            "[project]\r\nname = \"x\"\r\ndescription = \"\"\"\r\none\r\ntwo\"\"\"\r\n",
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(
            doc.project.unwrap().description.as_deref(),
            Some("one\ntwo")
        );
        // Invalid TOML: a bare word as a value, and a table defined twice.
        for text in [
            "[project]\nname = x\n",
            "[project]\nname = \"a\"\n[project]\nversion = \"1\"\n",
        ] {
            let e = load_from(text, "foo").unwrap_err();
            assert!(
                matches!(e, Error::Toml { .. }) && e.to_string().starts_with("p.toml: "),
                "{e}"
            );
        }
    }
}
