//! The Rust side of a portable sdist: the crate's path dependencies copied
//! in, and every manifest rewritten so that the unpacked sdist builds on a
//! machine that has none of the directories it was made from.
//!
//! For the project and each crate it reaches through `path` dependencies
//! (in `[dependencies]`, `[build-dependencies]`, their `[target.*]`
//! variants, and the project's own `[dev-dependencies]`):
//!
//! - workspace inheritance (`version.workspace = true`, `dep = { workspace =
//!   true }`, `[lints] workspace = true`) is resolved from the crate's own
//!   workspace, because that workspace is not in the sdist;
//! - a path dependency inside the project stays where it is; one outside it
//!   is copied to `hpy-rs-vendor/<crate name>/` and the path rewritten
//!   (relative, so the sdist can be unpacked anywhere);
//! - a copied crate loses what only its own development needs:
//!   `[dev-dependencies]`, test/bench/example targets and their
//!   directories, and any `[workspace]` table of its own;
//! - the project's manifest gets an empty `[workspace]` when it had none
//!   (so that it is its own workspace wherever pip unpacks it) and its
//!   former workspace's `[profile]`, `[patch.*]` and `[replace]` tables;
//! - a `path` in the project's `[patch.*]` and `[replace]` tables (a
//!   project made by `cargo hpy new` from the hpy-rs-build wheel patches
//!   crates.io with the crates inside the tool's own site-packages) is a
//!   path dependency like the others: copied in when outside, rewritten
//!   relative; other crates' `[patch]`/`[replace]`, which cargo ignores,
//!   are dropped;
//! - a `readme` or `license-file` outside its crate's directory (one
//!   inherited from the workspace) is copied into it and renamed there.
//!
//! So no manifest of the sdist names a path outside the sdist.
//!
//! Rewritten manifests are written by the `toml` crate: their comments are
//! not kept. Files a crate reads from outside its own directory at compile
//! time (an `include_str!("../../x")`) cannot be found this way and are
//! not copied.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// Where copied crates go inside the sdist.
pub const VENDOR_DIR: &str = "hpy-rs-vendor";

/// Dependency tables that can hold path dependencies a build needs.
const BUILD_DEPENDENCY_TABLES: &[&str] = &["dependencies", "build-dependencies"];

/// One crate of the sdist.
#[derive(Debug, Clone, PartialEq)]
pub struct SdistCrate {
    /// Its directory on this machine.
    pub source: PathBuf,
    /// Its directory inside the sdist, relative to the sdist's root
    /// (empty for the project itself).
    pub dest: PathBuf,
    /// The manifest to write at `dest/Cargo.toml`.
    pub manifest: toml::Table,
    /// Copied from outside the project (so its own development files are
    /// left out).
    pub vendored: bool,
    /// Files from outside the crate's directory that its manifest names
    /// (`readme`, `license-file`): the file on this machine, and its
    /// path relative to `dest`.
    pub extra_files: Vec<(PathBuf, PathBuf)>,
}

/// The crates of an sdist of the project in `project_dir`: the project
/// first, then every crate its path dependencies reach.
pub fn sdist_crates(project_dir: &Path) -> Result<Vec<SdistCrate>, Error> {
    let project_dir = canonical(project_dir)?;
    let mut crates: Vec<SdistCrate> = Vec::new();
    // Canonical source directory → its directory in the sdist, for every
    // crate met so far.
    let mut assigned: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    assigned.insert(project_dir.clone(), PathBuf::new());
    let mut pending = vec![(project_dir.clone(), PathBuf::new(), false)];
    while let Some((source, dest, vendored)) = pending.pop() {
        let is_root = dest.as_os_str().is_empty();
        let mut manifest = read_manifest(&source.join("Cargo.toml"))?;
        let workspace = find_workspace(&source, &manifest)?;
        if let Some((ws_dir, ws_manifest)) = &workspace {
            let ws = ws_manifest.get("workspace").and_then(|w| w.as_table());
            resolve_inheritance(
                &mut manifest,
                ws.unwrap_or(&toml::Table::new()),
                ws_dir,
                &source,
            )?;
        }
        if vendored {
            strip_development_parts(&mut manifest);
        }
        if !is_root {
            // Only the root manifest's patches apply; cargo warns about others.
            manifest.remove("patch");
            manifest.remove("replace");
        }
        if is_root && !manifest.contains_key("workspace") {
            manifest.insert("workspace".into(), toml::Table::new().into());
            // The former workspace's settings that only a root manifest has.
            if let Some((ws_dir, ws)) = &workspace {
                for key in ["profile", "patch", "replace"] {
                    let (Some(value), false) = (ws.get(key), manifest.contains_key(key)) else {
                        continue;
                    };
                    let mut value = value.clone();
                    absolute_override_paths(key, &mut value, ws_dir);
                    manifest.insert(key.into(), value);
                }
            }
        }
        let extra_files = outside_package_files(&mut manifest, &source);
        for (table_path, name, path) in path_dependencies(&manifest, is_root) {
            let target =
                canonical(&source.join(&path)).map_err(|_| Error::MissingPathDependency {
                    manifest: source.join("Cargo.toml"),
                    name: name.to_string(),
                    path: path.to_string(),
                })?;
            let target_dest = match assigned.get(&target) {
                Some(dest) => dest.clone(),
                None => {
                    // Inside the project: packed where it is. Outside: copied.
                    let (new_dest, copied) = match target.strip_prefix(&project_dir) {
                        Ok(rel) if !rel.starts_with(VENDOR_DIR) => (rel.to_path_buf(), false),
                        _ => (vendor_dest(&target, assigned.values())?, true),
                    };
                    assigned.insert(target.clone(), new_dest.clone());
                    pending.push((target, new_dest.clone(), copied));
                    new_dest
                }
            };
            set_dependency_path(
                &mut manifest,
                &table_path,
                &name,
                &relative_path(&dest, &target_dest),
            );
        }
        crates.push(SdistCrate {
            source,
            dest,
            manifest,
            vendored,
            extra_files,
        });
    }
    Ok(crates)
}

/// `hpy-rs-vendor/<package name>`, numbered when two crates share a name.
fn vendor_dest<'a>(
    source: &Path,
    taken: impl Iterator<Item = &'a PathBuf> + Clone,
) -> Result<PathBuf, Error> {
    let manifest = read_manifest(&source.join("Cargo.toml"))?;
    let name = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("crate")
        .to_owned();
    let mut dest = Path::new(VENDOR_DIR).join(&name);
    let mut n = 2;
    while taken.clone().any(|d| *d == dest) {
        dest = Path::new(VENDOR_DIR).join(format!("{name}-{n}"));
        n += 1;
    }
    Ok(dest)
}

fn canonical(path: &Path) -> Result<PathBuf, Error> {
    fs::canonicalize(path).map_err(|e| Error::io("find", path, e))
}

/// Reads and parses a Cargo.toml.
pub fn read_manifest(path: &Path) -> Result<toml::Table, Error> {
    let text = fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    toml::from_str(&text).map_err(|source| Error::Toml {
        path: path.to_path_buf(),
        source,
    })
}

/// The workspace a crate in `dir` belongs to: `package.workspace` if set,
/// else the nearest directory (its own included) whose Cargo.toml has a
/// `[workspace]` table. Returns its directory and manifest.
fn find_workspace(
    dir: &Path,
    manifest: &toml::Table,
) -> Result<Option<(PathBuf, toml::Table)>, Error> {
    if manifest.contains_key("workspace") {
        return Ok(Some((dir.to_path_buf(), manifest.clone())));
    }
    let explicit = manifest
        .get("package")
        .and_then(|p| p.get("workspace"))
        .and_then(|w| w.as_str());
    let candidates: Vec<PathBuf> = match explicit {
        Some(rel) => vec![dir.join(rel)],
        None => dir.ancestors().skip(1).map(Path::to_path_buf).collect(),
    };
    for candidate in candidates {
        let path = candidate.join("Cargo.toml");
        if !path.is_file() {
            continue;
        }
        let table = read_manifest(&path)?;
        if table.contains_key("workspace") {
            return Ok(Some((candidate, table)));
        }
    }
    Ok(None)
}

fn is_inherited(value: &toml::Value) -> bool {
    value.get("workspace").and_then(|w| w.as_bool()) == Some(true)
}

/// Replaces every `workspace = true` in `manifest` (of the crate in
/// `crate_dir`) with the value of the workspace `ws` in `ws_dir`, and makes
/// every dependency path absolute.
fn resolve_inheritance(
    manifest: &mut toml::Table,
    ws: &toml::Table,
    ws_dir: &Path,
    crate_dir: &Path,
) -> Result<(), Error> {
    let missing = |what: String| Error::WorkspaceKeyUnset {
        manifest: crate_dir.join("Cargo.toml"),
        key: what,
        workspace: ws_dir.join("Cargo.toml"),
    };
    if let Some(package) = manifest.get_mut("package").and_then(|p| p.as_table_mut()) {
        package.remove("workspace");
        for (key, value) in package.iter_mut() {
            if !is_inherited(value) {
                continue;
            }
            let inherited = ws
                .get("package")
                .and_then(|p| p.get(key.as_str()))
                .ok_or_else(|| missing(format!("`package.{key}`")))?;
            *value = match (key.as_str(), inherited.as_str()) {
                // File paths are the workspace's: make them the crate's.
                ("readme" | "license-file", Some(path)) => {
                    toml::Value::String(absolute(&ws_dir.join(path)))
                }
                _ => inherited.clone(),
            };
        }
    }
    for_each_dependency_table(manifest, |table_name, deps| {
        for (name, spec) in deps.iter_mut() {
            if is_inherited(spec) {
                let base = ws
                    .get("dependencies")
                    .and_then(|d| d.get(name.as_str()))
                    .ok_or_else(|| missing(format!("the dependency `{name}` ({table_name})")))?;
                *spec = merge_inherited_dependency(base, spec, ws_dir);
            } else if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                let path = absolute(&crate_dir.join(path));
                spec.as_table_mut()
                    .map(|t| t.insert("path".into(), path.into()));
            }
        }
        Ok(())
    })?;
    if manifest.get("lints").is_some_and(is_inherited) {
        match ws.get("lints") {
            Some(lints) => {
                manifest.insert("lints".into(), lints.clone());
            }
            None => return Err(missing("`[lints]`".into())),
        }
    }
    Ok(())
}

/// A member's `{ workspace = true, features = [...], optional = true }` on
/// top of the workspace's entry (a version string or a table whose `path`
/// is relative to the workspace).
fn merge_inherited_dependency(
    base: &toml::Value,
    member: &toml::Value,
    ws_dir: &Path,
) -> toml::Value {
    let mut merged = match base {
        toml::Value::String(version) => {
            let mut t = toml::Table::new();
            t.insert("version".into(), version.clone().into());
            t
        }
        other => other.as_table().cloned().unwrap_or_default(),
    };
    if let Some(path) = merged.get("path").and_then(|p| p.as_str()) {
        let path = absolute(&ws_dir.join(path));
        merged.insert("path".into(), path.into());
    }
    if let Some(member) = member.as_table() {
        for (key, value) in member {
            match key.as_str() {
                "workspace" => {}
                "features" => {
                    let mut features = merged
                        .get("features")
                        .and_then(|f| f.as_array())
                        .cloned()
                        .unwrap_or_default();
                    for feature in value.as_array().into_iter().flatten() {
                        if !features.contains(feature) {
                            features.push(feature.clone());
                        }
                    }
                    merged.insert("features".into(), features.into());
                }
                _ => {
                    merged.insert(key.clone(), value.clone());
                }
            }
        }
    }
    merged.into()
}

/// Makes the `path` of every entry of a workspace's `[patch.*]` (`key` is
/// `patch`) or `[replace]` table absolute, from the workspace's directory.
fn absolute_override_paths(key: &str, value: &mut toml::Value, ws_dir: &Path) {
    let mut tables: Vec<&mut toml::Table> = match (key, value.as_table_mut()) {
        ("patch", Some(registries)) => registries
            .iter_mut()
            .filter_map(|(_, t)| t.as_table_mut())
            .collect(),
        ("replace", Some(table)) => vec![table],
        _ => return,
    };
    for table in tables.iter_mut() {
        for (_, spec) in table.iter_mut() {
            let Some(spec) = spec.as_table_mut() else {
                continue;
            };
            if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                let path = absolute(&ws_dir.join(path));
                spec.insert("path".into(), path.into());
            }
        }
    }
}

/// The `readme` and `license-file` of `[package]` that lie outside the
/// crate's directory `crate_dir`: each is renamed to a file name in the
/// crate's directory (prefixed `workspace-` if the crate has its own file
/// of that name) and returned with where it comes from.
fn outside_package_files(manifest: &mut toml::Table, crate_dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut files = Vec::new();
    let Some(package) = manifest.get_mut("package").and_then(|p| p.as_table_mut()) else {
        return files;
    };
    for key in ["readme", "license-file"] {
        let Some(path) = package.get(key).and_then(|p| p.as_str()) else {
            continue;
        };
        let file = PathBuf::from(absolute(&crate_dir.join(path)));
        if file.starts_with(crate_dir) || !file.is_file() {
            continue;
        }
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let mut rel = PathBuf::from(name.as_ref());
        if crate_dir.join(&rel).exists() || files.iter().any(|(_, r)| *r == rel) {
            rel = PathBuf::from(format!("workspace-{name}"));
        }
        package.insert(key.into(), rel.to_string_lossy().into_owned().into());
        files.push((file, rel));
    }
    files
}

/// `path` with `.` and `..` folded away (no file system access), as a string.
fn absolute(path: &Path) -> String {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.to_string_lossy().into_owned()
}

/// Calls `f` with each dependency table of the manifest (top level and
/// under `[target.*]`), named as in the manifest.
fn for_each_dependency_table(
    manifest: &mut toml::Table,
    mut f: impl FnMut(&str, &mut toml::Table) -> Result<(), Error>,
) -> Result<(), Error> {
    for name in ["dependencies", "build-dependencies", "dev-dependencies"] {
        if let Some(deps) = manifest.get_mut(name).and_then(|d| d.as_table_mut()) {
            f(name, deps)?;
        }
    }
    if let Some(targets) = manifest.get_mut("target").and_then(|t| t.as_table_mut()) {
        for (cfg, target) in targets.iter_mut() {
            for name in ["dependencies", "build-dependencies", "dev-dependencies"] {
                if let Some(deps) = target.get_mut(name).and_then(|d| d.as_table_mut()) {
                    f(&format!("target.{cfg}.{name}"), deps)?;
                }
            }
        }
    }
    Ok(())
}

/// Where a dependency table sits: `["dependencies"]` or
/// `["target", CFG, "dependencies"]`.
type TablePath = Vec<String>;

/// Every path dependency a build of the crate needs: `(table, name, path)`.
fn path_dependencies(manifest: &toml::Table, is_root: bool) -> Vec<(TablePath, String, String)> {
    let tables: Vec<&str> = if is_root {
        vec!["dependencies", "build-dependencies", "dev-dependencies"]
    } else {
        BUILD_DEPENDENCY_TABLES.to_vec()
    };
    let mut out = Vec::new();
    let mut visit = |prefix: Vec<String>, deps: Option<&toml::Value>| {
        for (name, spec) in deps.and_then(|d| d.as_table()).into_iter().flatten() {
            if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                out.push((prefix.clone(), name.clone(), path.to_owned()));
            }
        }
    };
    for table in &tables {
        visit(vec![(*table).to_owned()], manifest.get(*table));
    }
    if is_root {
        for (registry, patches) in manifest
            .get("patch")
            .and_then(|p| p.as_table())
            .into_iter()
            .flatten()
        {
            visit(vec!["patch".to_owned(), registry.clone()], Some(patches));
        }
        visit(vec!["replace".to_owned()], manifest.get("replace"));
    }
    for (cfg, target) in manifest
        .get("target")
        .and_then(|t| t.as_table())
        .into_iter()
        .flatten()
    {
        for table in &tables {
            let prefix = vec!["target".to_owned(), cfg.clone(), (*table).to_owned()];
            visit(prefix, target.get(*table));
        }
    }
    out
}

fn set_dependency_path(manifest: &mut toml::Table, table_path: &[String], name: &str, path: &str) {
    let mut table = Some(manifest);
    for key in table_path {
        table = table
            .and_then(|t| t.get_mut(key))
            .and_then(|v| v.as_table_mut());
    }
    if let Some(spec) = table
        .and_then(|t| t.get_mut(name))
        .and_then(|s| s.as_table_mut())
    {
        spec.insert("path".into(), path.into());
    }
}

/// The path from the sdist directory `from` to the sdist directory `to`,
/// with `/` (TOML paths are read the same on every system).
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Removes what only the copied crate's own development needs.
fn strip_development_parts(manifest: &mut toml::Table) {
    for key in ["dev-dependencies", "workspace", "test", "bench", "example"] {
        manifest.remove(key);
    }
    if let Some(targets) = manifest.get_mut("target").and_then(|t| t.as_table_mut()) {
        for (_, target) in targets.iter_mut() {
            let Some(target) = target.as_table_mut() else {
                continue;
            };
            target.remove("dev-dependencies");
        }
    }
    if let Some(package) = manifest.get_mut("package").and_then(|p| p.as_table_mut()) {
        for key in ["autotests", "autobenches", "autoexamples"] {
            package.insert(key.into(), false.into());
        }
    }
}

/// Top-level directories of a copied crate that are not packed: its own
/// tests, benchmarks and examples (their targets are removed).
pub const VENDORED_SKIPPED_DIRS: &[&str] = &["tests", "benches", "examples"];

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (rel, text) in files {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    #[test]
    fn relative_paths_between_sdist_directories() {
        assert_eq!(
            relative_path(Path::new(""), Path::new("hpy-rs-vendor/hpy")),
            "hpy-rs-vendor/hpy"
        );
        assert_eq!(
            relative_path(
                Path::new("hpy-rs-vendor/hpy"),
                Path::new("hpy-rs-vendor/hpy-sys")
            ),
            "../hpy-sys"
        );
        assert_eq!(
            relative_path(Path::new("hpy-rs-vendor/x"), Path::new("helper")),
            "../../helper"
        );
        assert_eq!(absolute(Path::new("/a/b/../c/./d")), "/a/c/d");
    }

    /// A workspace member with inherited fields, lints and dependencies, a
    /// path dependency outside it (itself inheriting), one inside it, and
    /// an absolute one: all resolved, vendored and rewritten.
    #[test]
    fn vendors_path_dependencies_and_resolves_the_workspace() {
        let root = std::env::temp_dir().join(format!("cargo-hpy-vendor-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let elsewhere = root.join("elsewhere");
        write(
            &root,
            &[
                (
                    "ws/Cargo.toml",
                    "[workspace]\nmembers = [\"proj\", \"lib-a\"]\n\
                     [workspace.package]\nversion = \"1.2.3\"\nedition = \"2021\"\n\
                     [workspace.dependencies]\nlib-a = { path = \"lib-a\", version = \"1\" }\n\
                     serde = \"1\"\n\
                     [workspace.lints.rust]\nunsafe_code = \"deny\"\n\
                     [profile.release]\npanic = \"unwind\"\n",
                ),
                (
                    "ws/proj/Cargo.toml",
                    "[package]\nname = \"proj\"\nversion.workspace = true\n\
                     edition.workspace = true\n\
                     [dependencies]\nlib-a = { workspace = true, features = [\"x\"] }\n\
                     serde = { workspace = true, optional = true }\n\
                     inner = { path = \"inner\" }\n\
                     [dev-dependencies]\nlib-a.workspace = true\n\
                     [lints]\nworkspace = true\n",
                ),
                (
                    "ws/proj/inner/Cargo.toml",
                    "[package]\nname = \"inner\"\nversion = \"0.1.0\"\n",
                ),
                (
                    "ws/lib-a/Cargo.toml",
                    "[package]\nname = \"lib-a\"\nversion.workspace = true\n\
                     [features]\nx = []\n\
                     [dependencies]\nlib-b = { path = \"PLACEHOLDER\" }\n\
                     [dev-dependencies]\ntrybuild = \"1\"\n[[test]]\nname = \"t\"\n\
                     [lints]\nworkspace = true\n",
                ),
                (
                    "elsewhere/lib-b/Cargo.toml",
                    "[package]\nname = \"lib-b\"\nversion = \"0.2.0\"\n",
                ),
            ],
        );
        // An absolute path, as `cargo hpy new` writes for hpy.
        let lib_a = root.join("ws/lib-a/Cargo.toml");
        let text = fs::read_to_string(&lib_a)
            .unwrap()
            .replace("PLACEHOLDER", &elsewhere.join("lib-b").to_string_lossy());
        fs::write(&lib_a, text).unwrap();

        let crates = sdist_crates(&root.join("ws/proj")).unwrap();
        let by_dest: BTreeMap<String, &SdistCrate> = crates
            .iter()
            .map(|c| (c.dest.to_string_lossy().into_owned(), c))
            .collect();
        assert_eq!(
            by_dest.keys().collect::<Vec<_>>(),
            ["", "hpy-rs-vendor/lib-a", "hpy-rs-vendor/lib-b", "inner"]
        );
        let proj = &by_dest[""].manifest;
        assert_eq!(proj["package"]["version"].as_str(), Some("1.2.3"));
        assert_eq!(proj["package"]["edition"].as_str(), Some("2021"));
        assert_eq!(
            proj["dependencies"]["lib-a"].to_string(),
            toml::Value::from(toml::toml! {
                path = "hpy-rs-vendor/lib-a"
                version = "1"
                features = ["x"]
            })
            .to_string()
        );
        assert_eq!(proj["dependencies"]["serde"]["version"].as_str(), Some("1"));
        assert_eq!(
            proj["dependencies"]["serde"]["optional"].as_bool(),
            Some(true)
        );
        assert_eq!(
            proj["dependencies"]["inner"]["path"].as_str(),
            Some("inner")
        );
        assert_eq!(
            proj["dev-dependencies"]["lib-a"]["path"].as_str(),
            Some("hpy-rs-vendor/lib-a")
        );
        assert_eq!(proj["lints"]["rust"]["unsafe_code"].as_str(), Some("deny"));
        assert!(proj["workspace"].as_table().unwrap().is_empty());
        assert_eq!(proj["profile"]["release"]["panic"].as_str(), Some("unwind"));
        assert!(!by_dest[""].vendored && !by_dest["inner"].vendored);

        let a = by_dest["hpy-rs-vendor/lib-a"];
        assert!(a.vendored);
        assert_eq!(a.source, fs::canonicalize(root.join("ws/lib-a")).unwrap());
        assert_eq!(a.manifest["package"]["version"].as_str(), Some("1.2.3"));
        assert_eq!(a.manifest["package"]["autotests"].as_bool(), Some(false));
        assert_eq!(
            a.manifest["dependencies"]["lib-b"]["path"].as_str(),
            Some("../lib-b")
        );
        for gone in ["dev-dependencies", "test"] {
            assert!(!a.manifest.contains_key(gone), "{gone} kept");
        }
        // No absolute path is left in any manifest.
        for c in &crates {
            let text = toml::to_string(&c.manifest).unwrap();
            assert!(!text.contains(&*root.to_string_lossy()), "{text}");
        }
        fs::remove_dir_all(&root).unwrap();
    }

    /// `[patch.*]` and `[replace]`: a workspace member takes its
    /// workspace's (relative to the workspace), a project of its own keeps
    /// its own (absolute, as `cargo hpy new` writes them from the tool
    /// wheel); every patched crate is copied and named relatively, a
    /// copied crate's own patches are dropped, and an inherited readme
    /// outside the crate is copied in.
    #[test]
    fn vendors_patched_and_replaced_crates() {
        let root = std::env::temp_dir().join(format!("cargo-hpy-patch-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let tool = root.join("tool-venv/site-packages/crates");
        write(
            &root,
            &[
                (
                    "ws/Cargo.toml",
                    "[workspace]\nmembers = [\"proj\"]\n\
                     [workspace.package]\nreadme = \"README.md\"\n\
                     [patch.crates-io]\nfoo = { path = \"../patched/foo\" }\n\
                     [replace]\n\"bar:1.0.0\" = { path = \"vendor/bar\" }\n",
                ),
                ("ws/README.md", "# the workspace\n"),
                (
                    "ws/proj/Cargo.toml",
                    "[package]\nname = \"proj\"\nversion = \"0.1.0\"\n\
                     readme.workspace = true\n\
                     [dependencies]\nfoo = \"1\"\nbar = \"1\"\n",
                ),
                (
                    "patched/foo/Cargo.toml",
                    "[package]\nname = \"foo\"\nversion = \"1.0.1\"\n\
                     [patch.crates-io]\nbaz = { path = \"/nowhere/baz\" }\n",
                ),
                (
                    "ws/vendor/bar/Cargo.toml",
                    "[package]\nname = \"bar\"\nversion = \"1.0.0\"\n",
                ),
                (
                    "tool-venv/site-packages/crates/hpy-rs-0.1.0/Cargo.toml",
                    "[package]\nname = \"hpy-rs\"\nversion = \"0.1.0\"\n",
                ),
                (
                    "tool-venv/site-packages/crates/hpy-rs-0.1.0/Cargo.toml.orig",
                    "[package]\nname = \"hpy-rs\"\nversion.workspace = true\n",
                ),
            ],
        );
        let crates = sdist_crates(&root.join("ws/proj")).unwrap();
        let by_dest: BTreeMap<String, &SdistCrate> = crates
            .iter()
            .map(|c| (c.dest.to_string_lossy().into_owned(), c))
            .collect();
        assert_eq!(
            by_dest.keys().collect::<Vec<_>>(),
            ["", "hpy-rs-vendor/bar", "hpy-rs-vendor/foo"]
        );
        let proj = &by_dest[""];
        assert_eq!(
            proj.manifest["patch"]["crates-io"]["foo"]["path"].as_str(),
            Some("hpy-rs-vendor/foo")
        );
        assert_eq!(
            proj.manifest["replace"]["bar:1.0.0"]["path"].as_str(),
            Some("hpy-rs-vendor/bar")
        );
        assert_eq!(
            proj.manifest["package"]["readme"].as_str(),
            Some("README.md")
        );
        assert_eq!(
            proj.extra_files,
            [(
                fs::canonicalize(root.join("ws")).unwrap().join("README.md"),
                PathBuf::from("README.md")
            )]
        );
        assert!(!by_dest["hpy-rs-vendor/foo"].manifest.contains_key("patch"));

        // A project of its own, patched into a tool's site-packages.
        let hpy = fs::canonicalize(tool.join("hpy-rs-0.1.0")).unwrap();
        write(
            &root,
            &[(
                "hello/Cargo.toml",
                &format!(
                    "[package]\nname = \"hello\"\nversion = \"0.1.0\"\n\
                     [dependencies]\nhpy = {{ package = \"hpy-rs\", version = \"0.1.0\" }}\n\
                     [workspace]\n[patch.crates-io]\nhpy-rs = {{ path = {:?} }}\n",
                    hpy.to_string_lossy()
                ),
            )],
        );
        let crates = sdist_crates(&root.join("hello")).unwrap();
        assert_eq!(crates.len(), 2);
        assert_eq!(crates[1].dest, Path::new("hpy-rs-vendor/hpy-rs"));
        assert_eq!(crates[1].source, hpy);
        let text = toml::to_string(&crates[0].manifest).unwrap();
        assert!(
            text.contains("[patch.crates-io.hpy-rs]\npath = \"hpy-rs-vendor/hpy-rs\"\n"),
            "{text}"
        );
        for c in &crates {
            let text = toml::to_string(&c.manifest).unwrap();
            assert!(!text.contains(&*root.to_string_lossy()), "{text}");
        }
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn names_a_missing_path_dependency_and_a_missing_inherited_key() {
        let root = std::env::temp_dir().join(format!("cargo-hpy-vendor-e-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        write(
            &root,
            &[(
                "p/Cargo.toml",
                "[package]\nname = \"p\"\nversion = \"1.0.0\"\n[workspace]\n\
                 [dependencies]\ngone = { path = \"../gone\" }\n",
            )],
        );
        let e = sdist_crates(&root.join("p")).unwrap_err().to_string();
        assert!(
            e.contains("the path dependency `gone` (") && e.contains("does not exist"),
            "{e}"
        );
        write(
            &root,
            &[(
                "p/Cargo.toml",
                "[package]\nname = \"p\"\nversion.workspace = true\n[workspace]\n",
            )],
        );
        let e = sdist_crates(&root.join("p")).unwrap_err().to_string();
        assert!(
            e.contains("`package.version` is inherited from the workspace"),
            "{e}"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
